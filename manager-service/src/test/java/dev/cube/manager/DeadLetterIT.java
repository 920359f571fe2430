package dev.cube.manager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.topics.Topics;
import dev.cube.events.topics.Topics.DeadLetterHeaders;
import dev.cube.events.wire.CloudEventCodec;
import dev.cube.events.wire.Json;
import dev.cube.infra.SharedKafka;
import dev.cube.infra.TopicContents;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What any Kafka client may throw at {@code cube.task-events}: each malformed record lands on
 * {@code cube.dead-letters} with a precise reason and its origin, nothing valid sent in between is
 * lost, and CloudEvents binary mode (attributes in headers) is projected like structured mode. The
 * projection is read where any client would read it: from {@code cube.task-state}.
 */
class DeadLetterIT {

    private static final String TOPIC = Topics.TASK_EVENTS.name();

    @BeforeAll
    static void start() {
        RunningManager manager = RunningManager.get();
        await().atMost(Duration.ofSeconds(60)).until(() -> manager.get("/api/v1/tasks").statusCode() == 200);
    }

    /** A record to send, and the dead letter it must become (null for a valid one). */
    private record Case(String key, byte[] value, Map<String, String> headers, String field, String reasonContains) {
    }

    @Test
    void everyMalformedRecordIsDeadLetteredPreciselyAndEveryValidOneIsProjected() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<Case> cases = new ArrayList<>();
        List<String> valid = new ArrayList<>();
        java.util.function.Consumer<String> validOne = name -> {
            String key = name + "-" + run;
            valid.add(key);
            cases.add(new Case(key, utf8(submitted(key).toString()), Map.of(), null, null));
        };

        cases.add(new Case("not-json-" + run, utf8("this is { not json"), Map.of(), null, "not JSON"));
        validOne.accept("valid-1");
        cases.add(new Case("not-an-event-" + run, utf8("{\"hello\":\"world\"}"), Map.of(), "specversion", "is required"));
        cases.add(new Case("an-array-" + run, utf8("[1,2,3]"), Map.of(), null, "not a JSON object"));
        validOne.accept("valid-2");
        String unknownType = "unknown-type-" + run;
        cases.add(new Case(unknownType, utf8(submitted(unknownType).put("type", "dev.cube.task.teleported").toString()), Map.of(),
                "type", "unknown event type 'dev.cube.task.teleported'"));
        String missingId = "missing-id-" + run;
        ObjectNode noId = submitted(missingId);
        noId.remove("id");
        cases.add(new Case(missingId, utf8(noId.toString()), Map.of(), "id", "is required"));
        String missingImage = "missing-image-" + run;
        ObjectNode noImage = submitted(missingImage);
        ((ObjectNode) noImage.at("/data/spec")).remove("image");
        cases.add(new Case(missingImage, utf8(noImage.toString()), Map.of(), "data.spec.image", "is required"));
        validOne.accept("valid-3");
        String wrongType = "wrong-type-" + run;
        ObjectNode lots = submitted(wrongType);
        ((ObjectNode) lots.at("/data/spec")).put("memory", "lots");
        cases.add(new Case(wrongType, utf8(lots.toString()), Map.of(), "data.spec.memory", "must be an integer, was 'lots'"));
        String oversized = "oversized-" + run;
        ObjectNode big = submitted(oversized);
        ((ObjectNode) big.at("/data/spec")).putObject("env").put("PADDING", "x".repeat(300 * 1024));
        cases.add(new Case(oversized, utf8(big.toString()), Map.of(), null, "exceeds the limit of 262144 bytes"));
        validOne.accept("valid-4");
        String mismatch = "mismatch-" + run;
        cases.add(new Case(mismatch, utf8(submitted("someone-else-" + run).toString()), Map.of(), "subject",
                "the record key '" + mismatch + "' must equal the event subject 'someone-else-" + run + "'"));
        String otherPartitionKey = "other-partition-key-" + run;
        cases.add(new Case(otherPartitionKey, utf8(submitted(otherPartitionKey).put("partitionkey", "someone-else").toString()), Map.of(),
                "partitionkey", "the partitionkey 'someone-else' must equal the record key '" + otherPartitionKey + "'"));
        String binaryPartitionKey = "binary-partition-key-" + run;
        cases.add(new Case(binaryPartitionKey, utf8("{\"spec\":{\"image\":\"cube/busybox:local\"}}"),
                binaryHeaders(binaryPartitionKey, "dev.cube.task.submitted", Map.of("ce_partitionkey", "someone-else")), "partitionkey",
                "the partitionkey 'someone-else' must equal the record key '" + binaryPartitionKey + "'"));
        String badExtension = "bad-extension-" + run;
        cases.add(new Case(badExtension, utf8(submitted(badExtension).put("Priority", "high").toString()), Map.of(), "Priority",
                "is not a CloudEvents attribute name"));
        String withExtensions = "with-extensions-" + run;
        valid.add(withExtensions);
        cases.add(new Case(withExtensions, utf8(submitted(withExtensions).put("partitionkey", withExtensions)
                .put("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01").put("priority", 3).toString()),
                Map.of(), null, null));
        String future = "future-version-" + run;
        cases.add(new Case(future, utf8(submitted(future).put("schemaversion", 99).toString()), Map.of(), "schemaversion",
                "unsupported schema version 99"));
        String twice = "submitted-twice-" + run;
        valid.add(twice);
        cases.add(new Case(twice, utf8(submitted(twice).toString()), Map.of(), null, null));
        cases.add(new Case(twice, utf8(submitted(twice).toString()), Map.of(), null, "rejected dev.cube.task.submitted"));
        String binaryBad = "binary-bad-version-" + run;
        cases.add(new Case(binaryBad, utf8("{\"spec\":{\"image\":\"cube/busybox:local\"}}"),
                binaryHeaders(binaryBad, "dev.cube.task.submitted", Map.of("ce_schemaversion", "one")), "schemaversion", "must be an integer"));
        validOne.accept("valid-5");

        Map<String, RecordMetadata> sent = send(cases);

        Map<String, ConsumerRecord<String, byte[]>> letters = awaitDeadLetters(cases.stream()
                .filter(c -> c.reasonContains() != null).map(Case::key).toList());
        for (Case c : cases) {
            if (c.reasonContains() == null) {
                continue;
            }
            ConsumerRecord<String, byte[]> letter = letters.get(c.key());
            assertThat(header(letter, DeadLetterHeaders.REASON)).as("reason of %s", c.key()).contains(c.reasonContains());
            assertThat(header(letter, DeadLetterHeaders.FIELD)).as("field of %s", c.key()).isEqualTo(c.field());
            assertThat(header(letter, DeadLetterHeaders.TOPIC)).isEqualTo(TOPIC);
            RecordMetadata origin = sent.get(c.key());
            assertThat(header(letter, DeadLetterHeaders.PARTITION)).isEqualTo(String.valueOf(origin.partition()));
            assertThat(header(letter, DeadLetterHeaders.OFFSET)).as("offset of %s", c.key()).isEqualTo(String.valueOf(origin.offset()));
            assertThat(letter.value()).as("the original bytes of %s", c.key()).isEqualTo(c.value());
            c.headers().forEach((name, value) -> assertThat(header(letter, name)).as("original header %s", name).isEqualTo(value));
        }
        assertThat(header(letters.get(twice), DeadLetterHeaders.REASON)).contains("was already submitted");

        Map<String, JsonNode> states = awaitStates(valid);
        valid.forEach(key -> {
            assertThat(states.get(key).get("state").asText()).as(key).isEqualTo("Pending");
            assertThat(states.get(key).get("id").asText()).isEqualTo(key);
            assertThat(states.get(key).at("/spec/image").asText()).isEqualTo("cube/busybox:local");
        });
        assertThat(readAll(Topics.TASK_STATE.name()).keySet())
                .as("no refused record became a task").doesNotContain(unknownType, missingId, missingImage, wrongType, oversized, mismatch,
                        otherPartitionKey, binaryPartitionKey, badExtension, future);
    }

    @Test
    void theApiShowsEachDeadLetterWithItsReasonItsOriginAndItsOriginalBytes() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String text = "api-not-json-" + run;
        String bytes = "api-not-utf8-" + run;
        String binary = "api-binary-" + run;
        byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, 0x7b, 0x00, (byte) 0xc3};
        List<Case> cases = List.of(
                new Case(text, utf8("this is { not json"), Map.of("origin", "a test"), null, "not JSON"),
                new Case(bytes, notUtf8, Map.of(), null, null),
                new Case(binary, utf8("{\"spec\":{\"image\":\"cube/busybox:local\"}}"),
                        binaryHeaders(binary, "dev.cube.task.submitted", Map.of("ce_schemaversion", "one")), "schemaversion", "must be an integer"));
        Map<String, RecordMetadata> sent = send(cases);
        RunningManager manager = RunningManager.get();

        Map<String, JsonNode> shown = await().atMost(Duration.ofSeconds(30)).until(() -> {
            Map<String, JsonNode> byKey = new HashMap<>();
            json(manager.get("/api/v1/dead-letters?limit=500").body()).get("items").forEach(item -> byKey.put(item.path("key").asText(), item));
            return byKey;
        }, byKey -> byKey.keySet().containsAll(List.of(text, bytes, binary)));

        for (Case c : cases) {
            JsonNode letter = shown.get(c.key());
            RecordMetadata origin = sent.get(c.key());
            assertThat(letter.at("/source/topic").asText()).isEqualTo(TOPIC);
            assertThat(letter.at("/source/partition").asInt()).isEqualTo(origin.partition());
            assertThat(letter.at("/source/offset").asLong()).as("offset of %s", c.key()).isEqualTo(origin.offset());
            assertThat(letter.get("size").asInt()).isEqualTo(c.value().length);
            assertThat(letter.get("reason").asText()).as("reason of %s", c.key()).isNotBlank();
            if (c.reasonContains() != null) {
                assertThat(letter.get("reason").asText()).contains(c.reasonContains());
            }
            assertThat(letter.path("field").isMissingNode() ? null : letter.get("field").asText()).isEqualTo(c.field());
            c.headers().forEach((name, value) -> assertThat(letter.at("/headers/" + name).asText()).as("header %s", name).isEqualTo(value));
            assertThat(letter.get("headers").properties()).noneMatch(header -> header.getKey().startsWith("cube.dlq."));
        }
        assertThat(shown.get(text).get("value").asText()).isEqualTo("this is { not json");
        assertThat(shown.get(text).has("valueBase64")).isFalse();
        assertThat(shown.get(bytes).has("value")).isFalse();
        assertThat(java.util.Base64.getDecoder().decode(shown.get(bytes).get("valueBase64").asText())).isEqualTo(notUtf8);

        long offset = shown.get(binary).get("offset").asLong();
        JsonNode before = json(manager.get("/api/v1/dead-letters?limit=1&before=" + offset).body());
        assertThat(before.get("items")).singleElement().satisfies(item -> assertThat(item.get("offset").asLong()).isLessThan(offset));
        assertThat(before.get("earlier").asLong()).isEqualTo(before.get("items").get(0).get("offset").asLong());
    }

    private static JsonNode json(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aBinaryModeEventIsProjectedLikeAStructuredOne() throws Exception {
        String id = "binary-" + UUID.randomUUID();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(record(id, utf8("{\"spec\":{\"name\":\"from-headers\",\"image\":\"cube/busybox:local\",\"command\":[\"sleep\",\"60\"]}}"),
                    binaryHeaders(id, "dev.cube.task.submitted", Map.of("content-type", "application/json", "ce_schemaversion", "1",
                            "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")))).get();
        }
        JsonNode pending = awaitStates(List.of(id)).get(id);
        assertThat(pending.get("state").asText()).isEqualTo("Pending");
        assertThat(pending.at("/spec/name").asText()).isEqualTo("from-headers");
        assertThat(pending.get("submittedAt").asText()).isEqualTo("2026-01-31T12:00:00Z");

        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(record(id, utf8("{\"reason\":\"sent in binary mode\"}"), binaryHeaders(id, "dev.cube.task.stop-requested", Map.of()))).get();
        }
        JsonNode stopped = await().atMost(Duration.ofSeconds(30)).until(() -> readAll(Topics.TASK_STATE.name()).get(id),
                state -> state != null && state.get("state").asText().equals("Stopped"));
        assertThat(stopped.get("desiredState").asText()).isEqualTo("Stopped");
        assertThat(stopped.get("reason").asText()).isEqualTo("sent in binary mode");
    }

    private static ObjectNode submitted(String subject) {
        try {
            return (ObjectNode) Json.MAPPER.readTree("""
                    {"specversion":"1.0","id":"%s","source":"/tests/dead-letters","type":"dev.cube.task.submitted","subject":"%s",
                     "time":"2026-01-31T12:00:00Z","data":{"spec":{"image":"cube/busybox:local","command":["sleep","60"]}}}
                    """.formatted(UUID.randomUUID(), subject));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> binaryHeaders(String subject, String type, Map<String, String> more) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ce_specversion", CloudEventCodec.SPEC_VERSION);
        headers.put("ce_id", UUID.randomUUID().toString());
        headers.put("ce_source", "/tests/binary-mode");
        headers.put("ce_type", type);
        headers.put("ce_subject", subject);
        headers.put("ce_time", "2026-01-31T12:00:00Z");
        headers.putAll(more);
        return headers;
    }

    private static ProducerRecord<String, byte[]> record(String key, byte[] value, Map<String, String> headers) {
        RecordHeaders kafkaHeaders = new RecordHeaders();
        headers.forEach((name, text) -> kafkaHeaders.add(name, utf8(text)));
        return new ProducerRecord<>(TOPIC, null, key, value, kafkaHeaders);
    }

    private static Map<String, RecordMetadata> send(List<Case> cases) throws Exception {
        Map<String, Future<RecordMetadata>> futures = new LinkedHashMap<>();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (Case c : cases) {
                futures.put(c.key(), producer.send(record(c.key(), c.value(), c.headers())));
            }
            producer.flush();
        }
        Map<String, RecordMetadata> sent = new HashMap<>();
        for (var entry : futures.entrySet()) {
            sent.put(entry.getKey(), entry.getValue().get());
        }
        return sent;
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1024 * 1024), new StringSerializer(), new ByteArraySerializer());
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static Map<String, ConsumerRecord<String, byte[]>> awaitDeadLetters(List<String> keys) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> {
            Map<String, ConsumerRecord<String, byte[]>> letters = new HashMap<>();
            for (ConsumerRecord<String, byte[]> record : TopicContents.read(SharedKafka.bootstrapServers(), Topics.DEAD_LETTERS.name())) {
                if (keys.contains(record.key())) {
                    letters.put(record.key(), record);
                }
            }
            return letters;
        }, letters -> letters.keySet().containsAll(keys));
    }

    private static Map<String, JsonNode> awaitStates(List<String> keys) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> readAll(Topics.TASK_STATE.name()),
                states -> states.keySet().containsAll(keys));
    }

    /** The latest value of each key of a compacted topic, read from the beginning by a plain consumer. */
    private static Map<String, JsonNode> readAll(String topic) {
        Map<String, JsonNode> latest = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : TopicContents.read(SharedKafka.bootstrapServers(), topic)) {
            try {
                latest.put(record.key(), record.value() == null ? null : Json.MAPPER.readTree(record.value()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return latest;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
