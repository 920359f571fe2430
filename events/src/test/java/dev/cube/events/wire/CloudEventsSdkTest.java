package dev.cube.events.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.CubeEvent;
import dev.cube.events.EventType;
import dev.cube.events.topics.Topics;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.message.Encoding;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.cloudevents.kafka.CloudEventSerializer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cube and the official CloudEvents Java SDK ({@code io.cloudevents:cloudevents-kafka}) agree on the
 * Kafka wire, without a broker: the SDK's Kafka deserializer reads every event Cube's serde writes,
 * with the attributes {@code docs/events.md} documents, and Cube's serde reads what the SDK's Kafka
 * serializer writes, in structured and binary mode, extension attributes included. The end-to-end
 * version on a real broker is the cli module's {@code CloudEventsSdkIT}.
 */
class CloudEventsSdkTest {

    private static final String TOPIC = Topics.TASK_EVENTS.name();
    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static final Serializer<CubeEvent> CUBE_SERIALIZER = Topics.TASK_EVENTS.valueSerde().serializer();
    private static final Deserializer<CubeEvent> CUBE_DESERIALIZER = Topics.TASK_EVENTS.valueSerde().deserializer();

    private static CloudEventSerializer sdkSerializer(Encoding encoding) {
        CloudEventSerializer serializer = new CloudEventSerializer();
        serializer.configure(Map.of(CloudEventSerializer.ENCODING_CONFIG, encoding,
                CloudEventSerializer.EVENT_FORMAT_CONFIG, JsonFormat.CONTENT_TYPE), false);
        return serializer;
    }

    private static CloudEvent readWithSdk(RecordHeaders headers, byte[] value) {
        try (CloudEventDeserializer deserializer = new CloudEventDeserializer()) {
            return deserializer.deserialize(TOPIC, headers, value);
        }
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code event} as a user of the SDK would build it: the same attributes, the data as JSON bytes. */
    private static CloudEventBuilder sdkBuilderOf(CubeEvent event) {
        return CloudEventBuilder.v1()
                .withId(event.id())
                .withSource(URI.create(event.source()))
                .withType(event.type().typeName())
                .withSubject(event.subject())
                .withTime(event.time().atOffset(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .withData(CloudEventCodec.toJson(event).get("data").toString().getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void theSdkReadsEveryEventCubeWritesWithTheAttributesCubeDocuments(EventType type) {
        CubeEvent event = CloudEventCodecTest.sample(type);
        RecordHeaders headers = new RecordHeaders();

        byte[] value = CUBE_SERIALIZER.serialize(TOPIC, headers, event);
        CloudEvent read = readWithSdk(headers, value);

        assertThat(Arrays.stream(headers.toArray()).map(Header::key)).containsExactly("content-type");
        assertThat(new String(headers.lastHeader("content-type").value(), StandardCharsets.UTF_8))
                .isEqualTo("application/cloudevents+json; charset=UTF-8");
        assertThat(read.getSpecVersion()).isEqualTo(SpecVersion.V1);
        assertThat(read.getId()).isEqualTo(event.id());
        assertThat(read.getSource()).isEqualTo(URI.create("/cube/manager"));
        assertThat(read.getType()).isEqualTo(type.typeName());
        assertThat(read.getSubject()).isEqualTo(event.subject());
        assertThat(read.getTime().toInstant()).isEqualTo(event.time());
        assertThat(read.getDataContentType()).isEqualTo("application/json");
        assertThat(read.getDataSchema()).isNull();
        assertThat(read.getExtensionNames()).containsExactly("schemaversion");
        assertThat(read.getExtension("schemaversion")).isEqualTo(EventType.CURRENT_SCHEMA_VERSION);
        assertThat(json(read.getData().toBytes())).isEqualTo(json(value).get("data"));
    }

    @Test
    void theSdkReadsTheExtensionsOfAnEventCubeWritesBackWithTheirTypes() {
        CubeEvent event = CloudEventCodecTest.sample(EventType.TASK_SUBMITTED)
                .withExtensions(Map.of("traceparent", TRACEPARENT, "partitionkey", "task-1", "priority", 7, "urgent", true));
        RecordHeaders headers = new RecordHeaders();

        CloudEvent read = readWithSdk(headers, CUBE_SERIALIZER.serialize(TOPIC, headers, event));

        assertThat(read.getExtensionNames()).containsExactlyInAnyOrder("schemaversion", "traceparent", "partitionkey", "priority", "urgent");
        assertThat(read.getExtension("traceparent")).isEqualTo(TRACEPARENT);
        assertThat(read.getExtension("partitionkey")).isEqualTo("task-1");
        assertThat(read.getExtension("priority")).isEqualTo(7);
        assertThat(read.getExtension("urgent")).isEqualTo(true);
    }

    @Test
    void cubeReplacesAContentTypeHeaderThatARecordAlreadyHad() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        headers.add("traceparent", TRACEPARENT.getBytes(StandardCharsets.UTF_8));

        CUBE_SERIALIZER.serialize(TOPIC, headers, CloudEventCodecTest.sample(EventType.TASK_SCHEDULED));

        assertThat(Arrays.stream(headers.toArray()).map(Header::key)).containsExactly("traceparent", "content-type");
        assertThat(new String(headers.lastHeader("content-type").value(), StandardCharsets.UTF_8))
                .isEqualTo(CloudEventCodec.STRUCTURED_MODE_CONTENT_TYPE);
    }

    static Stream<Arguments> everyTypeInBothModes() {
        return Arrays.stream(EventType.values())
                .flatMap(type -> Stream.of(Encoding.STRUCTURED, Encoding.BINARY).map(encoding -> Arguments.of(type, encoding)));
    }

    @ParameterizedTest
    @MethodSource("everyTypeInBothModes")
    void cubeReadsEveryEventTheSdkWritesAsTheSameEvent(EventType type, Encoding encoding) {
        CubeEvent event = CloudEventCodecTest.sample(type);
        RecordHeaders headers = new RecordHeaders();

        byte[] value = sdkSerializer(encoding).serialize(TOPIC, headers, sdkBuilderOf(event).build());

        assertThat(CUBE_DESERIALIZER.deserialize(TOPIC, headers, value)).isEqualTo(event);
    }

    @Test
    void inStructuredModeCubeKeepsTheSdksExtensionsWithTheirJsonTypes() {
        CubeEvent event = CloudEventCodecTest.sample(EventType.TASK_SUBMITTED);
        OffsetDateTime deadline = OffsetDateTime.parse("2026-02-01T00:00:00Z");
        CloudEvent written = sdkBuilderOf(event)
                .withExtension("partitionkey", "task-1")
                .withExtension("traceparent", TRACEPARENT)
                .withExtension("priority", 7)
                .withExtension("urgent", true)
                .withExtension("origin", URI.create("https://example.com/billing"))
                .withExtension("deadline", deadline)
                .build();
        RecordHeaders headers = new RecordHeaders();

        CubeEvent read = CUBE_DESERIALIZER.deserialize(TOPIC, headers, sdkSerializer(Encoding.STRUCTURED).serialize(TOPIC, headers, written));

        assertThat(read.extensions()).containsOnlyKeys("partitionkey", "traceparent", "priority", "urgent", "origin", "deadline");
        assertThat(read.extensions()).containsEntry("partitionkey", "task-1").containsEntry("traceparent", TRACEPARENT)
                .containsEntry("priority", 7).containsEntry("urgent", true).containsEntry("origin", "https://example.com/billing");
        assertThat(OffsetDateTime.parse((String) read.extensions().get("deadline")).toInstant()).isEqualTo(deadline.toInstant());
        assertThat(read.withExtensions(Map.of())).isEqualTo(event);
    }

    @Test
    void inBinaryModeCubeKeepsTheSdksExtensionsAsTheTextOfTheirHeaders() {
        CubeEvent event = CloudEventCodecTest.sample(EventType.TASK_STOP_REQUESTED);
        CloudEvent written = sdkBuilderOf(event)
                .withExtension("partitionkey", "task-1")
                .withExtension("traceparent", TRACEPARENT)
                .withExtension("priority", 7)
                .withExtension("urgent", true)
                .build();
        RecordHeaders headers = new RecordHeaders();

        CubeEvent read = CUBE_DESERIALIZER.deserialize(TOPIC, headers, sdkSerializer(Encoding.BINARY).serialize(TOPIC, headers, written));

        assertThat(headers.lastHeader("ce_partitionkey")).isNotNull();
        assertThat(read.extensions()).isEqualTo(Map.of("partitionkey", "task-1", "traceparent", TRACEPARENT, "priority", "7", "urgent", "true"));
        assertThat(read.withExtensions(Map.of())).isEqualTo(event);
    }

    @Test
    void anEventCubeReadFromTheSdkIsWrittenBackWithItsExtensionsAndTheSdkReadsThemAgain() {
        CloudEvent written = sdkBuilderOf(CloudEventCodecTest.sample(EventType.TASK_RUNNING))
                .withExtension("traceparent", TRACEPARENT).withExtension("priority", 7).build();
        RecordHeaders in = new RecordHeaders();
        CubeEvent cube = CUBE_DESERIALIZER.deserialize(TOPIC, in, sdkSerializer(Encoding.STRUCTURED).serialize(TOPIC, in, written));

        RecordHeaders out = new RecordHeaders();
        CloudEvent again = readWithSdk(out, CUBE_SERIALIZER.serialize(TOPIC, out, cube));

        assertThat(again.getExtension("traceparent")).isEqualTo(TRACEPARENT);
        assertThat(again.getExtension("priority")).isEqualTo(7);
        assertThat(again.getId()).isEqualTo(written.getId());
    }
}
