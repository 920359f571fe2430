package dev.cube.manager;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.topics.Topics;
import dev.cube.events.wire.Json;
import dev.cube.infra.SharedKafka;
import dev.cube.infra.TopicContents;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The HTTP API and the projection, against a real broker. No worker runs here: tasks stay Pending. */
class TaskApiIT {

    static RunningManager manager;

    @BeforeAll
    static void start() {
        manager = RunningManager.get();
        await().atMost(Duration.ofSeconds(60)).until(() -> manager.get("/api/v1/tasks").statusCode() == 200);
    }

    @Test
    void aSubmittedTaskIsPendingWithItsSubmittedEvent() throws Exception {
        HttpResponse<String> created = manager.post("/api/v1/tasks",
                "{\"name\":\"hello\",\"image\":\"cube/busybox:local\",\"command\":[\"echo\",\"hi\"],\"memory\":64,\"cpu\":0.1}");

        assertThat(created.statusCode()).isEqualTo(202);
        String id = json(created).get("id").asText();
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/tasks/" + id);

        JsonNode task = awaitTask(id);
        assertThat(task.get("state").asText()).isEqualTo("Pending");
        assertThat(task.get("desiredState").asText()).isEqualTo("Running");
        assertThat(task.get("image").asText()).isEqualTo("cube/busybox:local");
        assertThat(task.get("memory").asLong()).isEqualTo(64);
        JsonNode waiting = await().atMost(Duration.ofSeconds(30)).until(() -> json(manager.get("/api/v1/tasks/" + id)), t -> t.has("reason"));
        assertThat(waiting.get("state").asText()).isEqualTo("Pending");
        assertThat(waiting.get("reason").asText()).contains("no live worker");

        JsonNode events = json(manager.get("/api/v1/tasks/" + id + "/events")).get("items");
        assertThat(events.get(0).get("event").get("type").asText()).isEqualTo("dev.cube.task.submitted");
        assertThat(events.get(0).get("event").get("subject").asText()).isEqualTo(id);
        assertThat(events.get(0).get("offset").asLong()).isNotNegative();
    }

    @Test
    void aTaskWrittenByAPlainKafkaProducerAppearsOverHttp() throws Exception {
        String id = "kcat-like-" + UUID.randomUUID();
        String handWritten = """
                {"specversion":"1.0","id":"%s","source":"/scripts/submit.sh","type":"dev.cube.task.submitted",
                 "subject":"%s","time":"2026-01-31T12:00:00Z","datacontenttype":"application/json","schemaversion":1,
                 "data":{"spec":{"name":"from-a-script","image":"cube/busybox:local","command":["sh","-c","exit 0"],
                 "restartPolicy":{"mode":"on-failure","maxRestarts":2}}}}
                """.formatted(UUID.randomUUID(), id);
        try (KafkaProducer<String, String> producer = plainProducer()) {
            producer.send(new ProducerRecord<>("cube.task-events", id, handWritten)).get();
        }

        JsonNode task = awaitTask(id);
        assertThat(task.get("name").asText()).isEqualTo("from-a-script");
        assertThat(task.get("restartPolicy").get("mode").asText()).isEqualTo("on-failure");
        assertThat(task.get("submittedAt").asText()).isEqualTo("2026-01-31T12:00:00Z");
    }

    @Test
    void invalidRecordsGoToTheDeadLetterTopicAndTheFoldKeepsGoing() throws Exception {
        String run = UUID.randomUUID().toString();
        String notJson = "not-json-" + run;
        String unknownType = "unknown-type-" + run;
        String badTransition = "bad-transition-" + run;
        String valid = "valid-after-" + run;
        try (KafkaProducer<String, String> producer = plainProducer()) {
            producer.send(new ProducerRecord<>("cube.task-events", notJson, "this is { not json"));
            producer.send(new ProducerRecord<>("cube.task-events", unknownType, event(unknownType, "dev.cube.task.teleported", "{}")));
            producer.send(new ProducerRecord<>("cube.task-events", badTransition,
                    event(badTransition, "dev.cube.task.submitted", "{\"spec\":{\"image\":\"cube/busybox:local\"}}")));
            producer.send(new ProducerRecord<>("cube.task-events", badTransition,
                    event(badTransition, "dev.cube.task.completed", "{\"attempt\":1,\"exitCode\":0}")));
            producer.send(new ProducerRecord<>("cube.task-events", valid,
                    event(valid, "dev.cube.task.submitted", "{\"spec\":{\"image\":\"cube/busybox:local\"}}"))).get();
        }

        assertThat(awaitTask(valid).get("state").asText()).isEqualTo("Pending");
        Map<String, String> reasons = awaitDeadLetters(List.of(notJson, unknownType, badTransition));
        assertThat(reasons.get(notJson)).startsWith("not JSON");
        assertThat(reasons.get(unknownType)).contains("unknown event type 'dev.cube.task.teleported'");
        assertThat(reasons.get(badTransition)).contains("does not match the current attempt 0");
        assertThat(awaitTask(badTransition).get("state").asText()).isEqualTo("Pending");
    }

    @Test
    void aBadRequestIsRefusedNamingTheFieldAndAppendsNothing() throws Exception {
        String marker = "refused-" + UUID.randomUUID();
        HttpResponse<String> noImage = manager.post("/api/v1/tasks", "{\"name\":\"" + marker + "\",\"memory\":64}");
        HttpResponse<String> negativeMemory = manager.post("/api/v1/tasks",
                "{\"name\":\"" + marker + "\",\"image\":\"cube/busybox:local\",\"memory\":-5}");
        HttpResponse<String> wrongType = manager.post("/api/v1/tasks",
                "{\"name\":\"" + marker + "\",\"image\":\"cube/busybox:local\",\"cpu\":\"lots\"}");
        HttpResponse<String> notJson = manager.post("/api/v1/tasks", "{\"name\":");

        for (HttpResponse<String> response : List.of(noImage, negativeMemory, wrongType, notJson)) {
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        }
        assertThat(json(noImage).get("errors").get(0).get("field").asText()).isEqualTo("image");
        assertThat(json(negativeMemory).get("errors").get(0).get("field").asText()).isEqualTo("memory");
        assertThat(json(wrongType).get("errors").get(0).get("field").asText()).isEqualTo("cpu");
        assertThat(json(notJson).get("detail").asText()).contains("not JSON");

        String sentinel = submit("{\"name\":\"sentinel\",\"image\":\"cube/busybox:local\"}");
        awaitTask(sentinel);
        assertThat(TopicContents.read(SharedKafka.bootstrapServers(), "cube.task-events"))
                .noneMatch(record -> record.value() != null && TopicContents.text(record).contains(marker));
    }

    @Test
    void deleteStopsAPendingTaskAndAnUnknownTaskIs404() throws Exception {
        String id = submit("{\"image\":\"cube/busybox:local\",\"command\":[\"sleep\",\"60\"]}");
        awaitTask(id);

        HttpResponse<String> stop = manager.delete("/api/v1/tasks/" + id);
        assertThat(stop.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode task = json(manager.get("/api/v1/tasks/" + id));
            assertThat(task.get("state").asText()).isEqualTo("Stopped");
            assertThat(task.get("desiredState").asText()).isEqualTo("Stopped");
        });
        assertThat(manager.delete("/api/v1/tasks/" + id).statusCode()).isEqualTo(409);

        HttpResponse<String> missing = manager.get("/api/v1/tasks/" + UUID.randomUUID());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void theFrameworksOwnErrorsAreProblemsToo() throws Exception {
        HttpResponse<String> noRoute = manager.get("/api/v1/taks");
        HttpResponse<String> wrongMethod = manager.delete("/api/v1/tasks");

        assertThat(noRoute.statusCode()).isEqualTo(404);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        for (HttpResponse<String> response : List.of(noRoute, wrongMethod)) {
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(json(response).get("status").asInt()).isEqualTo(response.statusCode());
        }
        assertThat(json(noRoute).get("detail").asText()).isEqualTo("no such resource: GET /api/v1/taks");
        assertThat(json(wrongMethod).get("detail").asText()).startsWith("DELETE is not allowed on /api/v1/tasks").contains("POST");
    }

    @Test
    void theListFiltersByStateAndPages() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(submit("{\"image\":\"cube/busybox:local\"}"));
        }
        ids.forEach(TaskApiIT::awaitTask);

        JsonNode pending = json(manager.get("/api/v1/tasks?state=pending&limit=1000"));
        List<String> listed = new ArrayList<>();
        pending.get("items").forEach(item -> {
            assertThat(item.get("state").asText()).isEqualTo("Pending");
            listed.add(item.get("id").asText());
        });
        assertThat(listed).containsAll(ids);

        JsonNode firstPage = json(manager.get("/api/v1/tasks?limit=2"));
        assertThat(firstPage.get("items")).hasSize(2);
        assertThat(firstPage.get("nextOffset").asInt()).isEqualTo(2);
        JsonNode secondPage = json(manager.get("/api/v1/tasks?limit=2&offset=2"));
        assertThat(secondPage.get("items").get(0).get("id").asText()).isNotEqualTo(firstPage.get("items").get(0).get("id").asText());

        HttpResponse<String> badState = manager.get("/api/v1/tasks?state=sleepy");
        assertThat(badState.statusCode()).isEqualTo(400);
        assertThat(json(badState).get("errors").get(0).get("field").asText()).isEqualTo("state");
    }

    static String submit(String spec) throws Exception {
        HttpResponse<String> created = manager.post("/api/v1/tasks", spec);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        return json(created).get("id").asText();
    }

    static JsonNode awaitTask(String id) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> {
            HttpResponse<String> response = manager.get("/api/v1/tasks/" + id);
            return response.statusCode() == 200 ? json(response) : null;
        }, task -> task != null);
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    static String event(String subject, String type, String data) {
        return """
                {"specversion":"1.0","id":"%s","source":"/tests","type":"%s","subject":"%s","time":"2026-01-31T12:00:00Z","data":%s}
                """.formatted(UUID.randomUUID(), type, subject, data);
    }

    static KafkaProducer<String, String> plainProducer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer());
    }

    static Map<String, String> awaitDeadLetters(List<String> keys) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> {
            Map<String, String> reasons = new java.util.HashMap<>();
            for (ConsumerRecord<String, byte[]> record : TopicContents.read(SharedKafka.bootstrapServers(), Topics.DEAD_LETTERS.name())) {
                if (keys.contains(record.key())) {
                    var header = record.headers().lastHeader(Topics.DeadLetterHeaders.REASON);
                    reasons.put(record.key(), new String(header.value(), StandardCharsets.UTF_8));
                }
            }
            return reasons;
        }, reasons -> reasons.keySet().containsAll(keys));
    }

}
