package dev.cube.manager.history;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.wire.Json;
import dev.cube.infra.SharedKafka;
import dev.cube.manager.RunningManager;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A task's history and its state as of past instants, folded from the real log of a real broker. */
class TaskHistoryIT {

    static RunningManager manager;

    @BeforeAll
    static void start() {
        manager = RunningManager.get();
        await().atMost(Duration.ofSeconds(60)).until(() -> manager.get("/api/v1/tasks").statusCode() == 200);
    }

    @Test
    void theHistoryShowsEveryRecordWithItsOutcomeAndTheStateAfterIt() throws Exception {
        String id = "history-" + UUID.randomUUID();
        String submittedId = UUID.randomUUID().toString();
        String rejectedId = UUID.randomUUID().toString();
        String stopId = UUID.randomUUID().toString();
        try (KafkaProducer<String, String> producer = producer()) {
            send(producer, id, event(submittedId, id, "dev.cube.task.submitted", "{\"spec\":{\"image\":\"cube/busybox:local\"}}"));
            awaitState(id, "Pending");
            send(producer, id, event(submittedId, id, "dev.cube.task.submitted", "{\"spec\":{\"image\":\"cube/busybox:local\"}}"));
            send(producer, id, event(rejectedId, id, "dev.cube.task.completed", "{\"attempt\":1,\"exitCode\":0}"));
            ProducerRecord<String, String> binary = new ProducerRecord<>("cube.task-events", id, "{\"reason\":\"enough\"}");
            Map.of("ce_specversion", "1.0", "ce_id", stopId, "ce_source", "/tests", "ce_type", "dev.cube.task.stop-requested",
                            "ce_subject", id, "ce_time", "2026-01-31T12:00:00Z", "content-type", "application/json")
                    .forEach((name, value) -> binary.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
            producer.send(binary).get();
        }
        awaitState(id, "Stopped");

        List<JsonNode> items = history(id);

        assertThat(items).extracting(item -> item.path("event").path("id").asText() + " " + item.get("outcome").asText())
                .contains(submittedId + " applied", submittedId + " duplicate", rejectedId + " rejected", stopId + " applied");
        JsonNode rejected = items.stream().filter(item -> item.path("event").path("id").asText().equals(rejectedId)).findFirst().orElseThrow();
        assertThat(rejected.get("reason").asText()).contains("does not match the current attempt 0");
        assertThat(rejected.get("state").get("state").asText()).isEqualTo("Pending");
        assertThat(items.getFirst().get("state").get("state").asText()).isEqualTo("Pending");
        assertThat(items.getLast().get("state").get("state").asText()).isEqualTo("Stopped");
        assertThat(items.getLast().get("state").get("reason").asText()).isEqualTo("enough");
        for (JsonNode item : items) {
            assertThat(item.get("partition").asInt()).isNotNegative();
            assertThat(item.get("logTime").asText()).isNotBlank();
        }
    }

    @Test
    void asOfBetweenTransitionsIsTheStateThenBeforeTheFirstEvent404AndAfterTheLastTheCurrentState() throws Exception {
        String id = "as-of-" + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = producer()) {
            send(producer, id, event(UUID.randomUUID().toString(), id, "dev.cube.task.submitted", "{\"spec\":{\"image\":\"cube/busybox:local\"}}"));
            awaitState(id, "Pending");
            Thread.sleep(30);
            send(producer, id, event(UUID.randomUUID().toString(), id, "dev.cube.task.stop-requested", "{\"reason\":\"done\"}"));
        }
        JsonNode current = awaitState(id, "Stopped");
        List<JsonNode> items = history(id);

        int checked = 0;
        for (int i = 0; i < items.size(); i++) {
            Instant at = Instant.parse(items.get(i).get("logTime").asText());
            boolean lastAtThatTime = i == items.size() - 1 || Instant.parse(items.get(i + 1).get("logTime").asText()).isAfter(at);
            if (!lastAtThatTime) {
                continue;
            }
            JsonNode then = json(manager.get("/api/v1/tasks/" + id + "?asOf=" + at));
            assertThat(then.get("state").asText()).as("as of " + at).isEqualTo(items.get(i).get("state").get("state").asText());
            assertThat(then.get("eventCount").asInt()).as("as of " + at).isEqualTo(items.get(i).get("state").get("eventCount").asInt());
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(2);
        Instant first = Instant.parse(items.getFirst().get("logTime").asText());
        Instant stop = items.stream().filter(item -> item.path("event").path("type").asText().equals("dev.cube.task.stop-requested"))
                .map(item -> Instant.parse(item.get("logTime").asText())).findFirst().orElseThrow();
        assertThat(json(manager.get("/api/v1/tasks/" + id + "?asOf=" + stop.minusMillis(1))).get("state").asText()).isEqualTo("Pending");

        HttpResponse<String> before = manager.get("/api/v1/tasks/" + id + "?asOf=" + first.minusMillis(1));
        assertThat(before.statusCode()).isEqualTo(404);
        assertThat(before.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));

        JsonNode after = json(manager.get("/api/v1/tasks/" + id + "?asOf=" + Instant.now().plusSeconds(3600)));
        assertThat(after).isEqualTo(current);

        assertThat(listedState(id, stop.minusMillis(1))).isEqualTo("Pending");
        assertThat(listedState(id, Instant.now())).isEqualTo("Stopped");
        assertThat(listedState(id, first.minusMillis(1))).isNull();
    }

    /**
     * The manager answers as-of reads from its store where it can (a task after its last change, or before
     * its first) and folds only the rest from the log: its answers equal a fold of the whole log, at every
     * instant of a span where tasks start, change and stop at different times.
     */
    @Test
    void asOfAnswersEqualAFoldOfTheWholeLogAtEveryInstant() throws Exception {
        String prefix = "as-of-all-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<String> ids = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < 12; i++) {
                String id = prefix + i;
                ids.add(id);
                send(producer, id, event(UUID.randomUUID().toString(), id, "dev.cube.task.submitted", "{\"spec\":{\"image\":\"cube/busybox:local\"}}"));
                Thread.sleep(5);
                if (i % 3 == 0 && i > 0) {
                    String earlier = prefix + (i - 2);
                    send(producer, earlier, event(UUID.randomUUID().toString(), earlier, "dev.cube.task.stop-requested", "{\"reason\":\"enough\"}"));
                }
            }
        }
        ids.forEach(id -> awaitState(id, id.endsWith("-1") || id.endsWith("-4") || id.endsWith("-7") ? "Stopped" : "Pending"));
        TaskHistory history = new TaskHistory(SharedKafka.bootstrapServers());
        List<Instant> instants = new ArrayList<>();
        for (String id : ids) {
            for (JsonNode item : history(id)) {
                Instant at = Instant.parse(item.get("logTime").asText());
                instants.add(at);
                instants.add(at.minusMillis(1));
            }
        }
        // Every record's instant and the millisecond before would take minutes (each check folds the whole log): a spread of them.
        List<Instant> sorted = instants.stream().distinct().sorted().toList();
        List<Instant> checked = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i += Math.max(1, sorted.size() / 10)) {
            checked.add(sorted.get(i));
        }
        checked.add(sorted.getFirst().minusMillis(1));
        checked.add(sorted.getLast());
        checked.add(Instant.now());

        for (Instant at : checked) {
            Map<String, String> folded = new java.util.TreeMap<>();
            history.allAsOf(at).forEach((id, state) -> {
                if (id.startsWith(prefix)) {
                    folded.put(id, state.state() + "/" + state.eventCount());
                }
            });
            Map<String, String> listed = new java.util.TreeMap<>();
            long offset = 0;
            while (true) {
                JsonNode page = json(manager.get("/api/v1/tasks?limit=1000&offset=" + offset + "&asOf=" + at));
                for (JsonNode item : page.get("items")) {
                    if (item.get("id").asText().startsWith(prefix)) {
                        listed.put(item.get("id").asText(), item.get("state").asText() + "/" + item.get("eventCount").asInt());
                    }
                }
                if (!page.get("nextOffset").canConvertToLong()) {
                    break;
                }
                offset = page.get("nextOffset").asLong();
            }
            assertThat(listed).as("the list as of %s", at).isEqualTo(folded);
            for (String id : ids) {
                HttpResponse<String> one = manager.get("/api/v1/tasks/" + id + "?asOf=" + at);
                String got = one.statusCode() == 404 ? null : json(one).get("state").asText() + "/" + json(one).get("eventCount").asInt();
                assertThat(got).as("%s as of %s", id, at).isEqualTo(folded.get(id));
            }
        }
    }

    @Test
    void aMalformedAsOfIs400NamingTheParameterAndAnUnknownTaskHasNoHistory() throws Exception {
        HttpResponse<String> bad = manager.get("/api/v1/tasks/whatever?asOf=yesterday");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).get("errors").get(0).get("field").asText()).isEqualTo("asOf");
        assertThat(manager.get("/api/v1/tasks?asOf=soon").statusCode()).isEqualTo(400);
        assertThat(manager.get("/api/v1/tasks/" + UUID.randomUUID() + "/history").statusCode()).isEqualTo(404);
    }

    private static String listedState(String id, Instant asOf) throws Exception {
        long offset = 0;
        while (true) {
            JsonNode page = json(manager.get("/api/v1/tasks?limit=1000&offset=" + offset + "&asOf=" + asOf));
            for (JsonNode item : page.get("items")) {
                if (item.get("id").asText().equals(id)) {
                    return item.get("state").asText();
                }
            }
            if (!page.get("nextOffset").canConvertToLong()) {
                return null;
            }
            offset = page.get("nextOffset").asLong();
        }
    }

    private static List<JsonNode> history(String id) throws Exception {
        HttpResponse<String> response = manager.get("/api/v1/tasks/" + id + "/history");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> items = new ArrayList<>();
        json(response).get("items").forEach(items::add);
        return items;
    }

    private static JsonNode awaitState(String id, String state) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> {
            HttpResponse<String> response = manager.get("/api/v1/tasks/" + id);
            return response.statusCode() == 200 ? json(response) : null;
        }, task -> task != null && task.get("state").asText().equals(state));
    }

    private static void send(KafkaProducer<String, String> producer, String key, String value) throws Exception {
        producer.send(new ProducerRecord<>("cube.task-events", key, value)).get();
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer());
    }

    private static String event(String eventId, String subject, String type, String data) {
        return """
                {"specversion":"1.0","id":"%s","source":"/tests","type":"%s","subject":"%s","time":"2026-01-31T12:00:00Z","data":%s}
                """.formatted(eventId, type, subject, data);
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }
}
