package dev.cube.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.EventType;
import dev.cube.events.topics.CubeEventSerde;
import dev.cube.events.topics.Topic;
import dev.cube.events.topics.Topics;
import dev.cube.events.topics.Topics.DeadLetterHeaders;
import dev.cube.events.wire.CloudEventCodec;
import dev.cube.infra.TopicContents;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.message.Encoding;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.cloudevents.kafka.CloudEventSerializer;
import io.cloudevents.kafka.PartitionKeyExtensionInterceptor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The official CloudEvents Java SDK ({@code io.cloudevents:cloudevents-kafka} 4.0.1 with its Jackson
 * JSON format) as an outside producer and consumer of a whole Cube: a real broker, the manager and a
 * worker on the real Docker engine. Events built with the SDK's builder and written by its Kafka
 * serializer, in structured and binary mode, with and without extension attributes, submit tasks that
 * run to Completed, and the task's events show the extensions; a {@code partitionkey} that is not the
 * record key is dead-lettered saying so; every record on Cube's CloudEvents topics is read by the SDK's
 * Kafka deserializer as a valid CloudEvent with the attributes {@code docs/events.md} documents.
 */
class CloudEventsSdkIT {

    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private static final String SOURCE = "/tests/cloudevents-sdk";

    static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = Cluster.start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static Stream<Arguments> modesWithAndWithoutExtensions() {
        return Stream.of(Encoding.STRUCTURED, Encoding.BINARY)
                .flatMap(encoding -> Stream.of(false, true).map(extensions -> Arguments.of(encoding, extensions)));
    }

    @ParameterizedTest(name = "{0} mode, extensions: {1}")
    @MethodSource("modesWithAndWithoutExtensions")
    void aTaskSubmittedWithTheSdkRunsToCompletedAndItsEventsShowItsExtensions(Encoding encoding, boolean extensions) throws Exception {
        String id = "sdk-" + encoding.name().toLowerCase() + (extensions ? "-ext-" : "-") + shortId();
        CloudEventBuilder event = submission(id, "echo hello from the SDK");
        if (extensions) {
            event.withExtension("partitionkey", id).withExtension("traceparent", TRACEPARENT)
                    .withExtension("team", "payments").withExtension("priority", 7).withExtension("urgent", true);
        }

        // With a partitionkey, the SDK's interceptor makes it the record key, as its users do; without, the key is set by hand.
        send(encoding, extensions, new ProducerRecord<>(Topics.TASK_EVENTS.name(), extensions ? null : id, event.build()));

        JsonNode task = cluster.awaitState(id, "Completed");
        assertThat(task.get("exitCode").asInt()).isZero();
        JsonNode submitted = cluster.events(id).getFirst();
        assertThat(submitted.get("type").asText()).isEqualTo("dev.cube.task.submitted");
        assertThat(submitted.get("source").asText()).isEqualTo(SOURCE);
        Set<String> attributes = new TreeSet<>();
        submitted.fieldNames().forEachRemaining(attributes::add);
        Set<String> cubes = Set.of("specversion", "id", "source", "type", "subject", "time", "datacontenttype", "schemaversion", "data");
        if (!extensions) {
            assertThat(attributes).containsExactlyInAnyOrderElementsOf(cubes);
            return;
        }
        assertThat(attributes).containsAll(cubes).contains("partitionkey", "traceparent", "team", "priority", "urgent").hasSize(cubes.size() + 5);
        assertThat(submitted.get("partitionkey").asText()).isEqualTo(id);
        assertThat(submitted.get("traceparent").asText()).isEqualTo(TRACEPARENT);
        assertThat(submitted.get("team").asText()).isEqualTo("payments");
        if (encoding == Encoding.STRUCTURED) {
            assertThat(submitted.get("priority").isInt()).as("%s", submitted).isTrue();
            assertThat(submitted.get("priority").intValue()).isEqualTo(7);
            assertThat(submitted.get("urgent").isBoolean()).as("%s", submitted).isTrue();
        } else {
            // Binary mode carries every attribute as the text of its header.
            assertThat(submitted.get("priority").asText()).isEqualTo("7");
            assertThat(submitted.get("urgent").asText()).isEqualTo("true");
        }
    }

    @Test
    void anEventWhosePartitionKeyIsNotItsRecordKeyIsDeadLetteredWithTheReason() throws Exception {
        String id = "sdk-wrong-partitionkey-" + shortId();
        CloudEvent event = submission(id, "echo never").withExtension("partitionkey", "someone-else").build();

        send(Encoding.STRUCTURED, false, new ProducerRecord<>(Topics.TASK_EVENTS.name(), id, event));

        ConsumerRecord<String, byte[]> letter = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> TopicContents.read(cluster.cube.bootstrapServers(), Topics.DEAD_LETTERS.name()).stream()
                        .filter(r -> id.equals(r.key())).findFirst().orElse(null), found -> found != null);
        assertThat(header(letter, DeadLetterHeaders.FIELD)).isEqualTo("partitionkey");
        assertThat(header(letter, DeadLetterHeaders.REASON))
                .isEqualTo("the partitionkey 'someone-else' must equal the record key '" + id + "' (the task id)");
        assertThat(cluster.get("/api/v1/tasks/" + id).statusCode()).as("no task came of it").isEqualTo(404);
    }

    @Test
    void everyRecordOnCubesCloudEventsTopicsIsAValidCloudEventForTheSdksDeserializer() {
        String id = cluster.submit("{\"image\":\"cube/busybox:local\",\"command\":[\"echo\",\"read me back\"]}");
        cluster.awaitState(id, "Completed");
        // An operator's requests, so that cube.worker-admin holds some too.
        assertThat(cluster.post("/api/v1/workers/" + cluster.workerId + "/drain", "").statusCode()).isEqualTo(202);
        assertThat(cluster.post("/api/v1/workers/" + cluster.workerId + "/undrain", "").statusCode()).isEqualTo(202);
        List<Topic<?, ?>> cloudEventTopics = Topics.ALL.stream().filter(t -> t.valueSerde() instanceof CubeEventSerde).toList();
        assertThat(cloudEventTopics).contains(Topics.TASK_EVENTS, Topics.WORKERS);

        Set<String> types = new TreeSet<>();
        for (Topic<?, ?> topic : cloudEventTopics) {
            List<ConsumerRecord<String, CloudEvent>> records = readWithSdk(topic.name());
            assertThat(records).as("records on %s", topic.name()).isNotEmpty();
            for (ConsumerRecord<String, CloudEvent> record : records) {
                CloudEvent event = record.value();
                String where = topic.name() + " " + record.partition() + "@" + record.offset() + ": " + event;
                assertThat(event.getSpecVersion()).as(where).isEqualTo(SpecVersion.V1);
                assertThat(event.getId()).as(where).isNotBlank();
                assertThat(event.getSubject()).as(where).isNotBlank();
                assertThat(event.getTime()).as(where).isNotNull();
                assertThat(EventType.named(event.getType())).as(where).isPresent();
                assertThat(event.getDataContentType()).as(where).isEqualTo("application/json");
                assertThat(Cluster.json(new String(event.getData().toBytes(), StandardCharsets.UTF_8)).isObject()).as(where).isTrue();
                if (topic == Topics.TASK_EVENTS) {
                    assertThat(event.getSubject()).as("the key of %s", where).isEqualTo(record.key());
                }
                if (event.getSource().toString().startsWith("/cube/")) {
                    assertThat(header(record, CloudEventCodec.CONTENT_TYPE_HEADER)).as(where).isEqualTo("application/cloudevents+json; charset=UTF-8");
                    assertThat(event.getExtensionNames()).as(where).containsExactly("schemaversion");
                    assertThat(event.getExtension("schemaversion")).as(where).isEqualTo(EventType.CURRENT_SCHEMA_VERSION);
                    types.add(event.getType());
                }
            }
        }
        assertThat(types).as("what Cube wrote").contains("dev.cube.task.submitted", "dev.cube.task.scheduled", "dev.cube.task.running",
                "dev.cube.task.completed", "dev.cube.worker.heartbeat");
    }

    private static CloudEventBuilder submission(String id, String shell) {
        String data = "{\"spec\":{\"image\":\"cube/busybox:local\",\"command\":[\"sh\",\"-c\",\"" + shell + "\"]}}";
        return CloudEventBuilder.v1()
                .withId(UUID.randomUUID().toString())
                .withSource(URI.create(SOURCE))
                .withType("dev.cube.task.submitted")
                .withSubject(id)
                .withTime(OffsetDateTime.now(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .withData(data.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(Encoding encoding, boolean keyFromPartitionKey, ProducerRecord<String, CloudEvent> record) throws Exception {
        Map<String, Object> config = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.cube.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, CloudEventSerializer.class,
                CloudEventSerializer.ENCODING_CONFIG, encoding,
                CloudEventSerializer.EVENT_FORMAT_CONFIG, JsonFormat.CONTENT_TYPE));
        if (keyFromPartitionKey) {
            config.put(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, PartitionKeyExtensionInterceptor.class.getName());
        }
        try (KafkaProducer<String, CloudEvent> producer = new KafkaProducer<>(config)) {
            producer.send(record).get();
        }
    }

    /** Every record of {@code topic} up to its end now, through the SDK's Kafka deserializer. */
    private static List<ConsumerRecord<String, CloudEvent>> readWithSdk(String topic) {
        List<ConsumerRecord<String, CloudEvent>> out = new ArrayList<>();
        try (KafkaConsumer<String, CloudEvent> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.cube.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20), new StringDeserializer(), new CloudEventDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
