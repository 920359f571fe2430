package dev.cube.manager;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.output.OutputRecord;
import dev.cube.events.topics.Topics;
import dev.cube.events.wire.Json;
import dev.cube.infra.SharedKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static dev.cube.events.output.OutputRecord.Stream.STDERR;
import static dev.cube.events.output.OutputRecord.Stream.STDOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Task output ({@code GET /api/v1/tasks/{id}/logs}) and the event stream ({@code GET /api/v1/events}) on a
 * real broker, with the records a worker would ship written by hand. No worker runs: tasks stay Pending.
 */
class StreamApiIT {

    static RunningManager manager;
    static KafkaProducer<String, OutputRecord> shipper;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        manager = RunningManager.get();
        await().atMost(Duration.ofSeconds(60)).until(() -> manager.get("/api/v1/tasks").statusCode() == 200);
        shipper = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                Topics.TASK_LOGS.keySerde().serializer(), Topics.TASK_LOGS.valueSerde().serializer());
    }

    @AfterAll
    static void stop() {
        if (shipper != null) {
            shipper.close();
        }
    }

    static String submit() {
        HttpResponse<String> created = manager.post("/api/v1/tasks", "{\"image\":\"cube/busybox:local\",\"command\":[\"echo\",\"hi\"]}");
        assertThat(created.statusCode()).isEqualTo(202);
        String id = json(created.body()).get("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> manager.get("/api/v1/tasks/" + id).statusCode() == 200);
        return id;
    }

    static void ship(OutputRecord... records) {
        try {
            for (OutputRecord record : records) {
                shipper.send(new ProducerRecord<>(Topics.TASK_LOGS.name(), null, record.time().toEpochMilli(), record.taskId(), record)).get();
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static OutputRecord line(String task, long seq, OutputRecord.Stream stream, String text) {
        return OutputRecord.line(task, 1, seq, "w1", Instant.now(), stream, text);
    }

    static HttpResponse<String> get(String path, String accept) {
        try {
            return http.send(HttpRequest.newBuilder(manager.uri(path)).header("Accept", accept).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A streamed answer read line by line in the background, as a client following it would. */
    static final class Following implements AutoCloseable {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> done = new CompletableFuture<>();
        final HttpResponse<Stream<String>> response;

        Following(String path, Map<String, String> headers) {
            HttpRequest.Builder request = HttpRequest.newBuilder(manager.uri(path)).timeout(Duration.ofSeconds(20)).GET();
            headers.forEach(request::header);
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Thread.ofVirtual().start(() -> {
                try (Stream<String> body = response.body()) {
                    body.forEach(lines::add);
                    done.complete(response.statusCode());
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        }

        /** The SSE events read so far: each {@code id} with its {@code data}. */
        List<String[]> events() {
            List<String[]> events = new ArrayList<>();
            String id = null;
            String data = null;
            for (String line : lines) {
                if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                } else if (line.isEmpty() && data != null) {
                    events.add(new String[]{id, data});
                    id = null;
                    data = null;
                }
            }
            return events;
        }

        @Override
        public void close() {
            response.body().close();
        }
    }

    @Test
    void anAttemptsOutputReadsBackAsItsLinesEachOnceOrAsItsRecordsWithTheirMarkers() {
        String id = submit();
        OutputRecord second = line(id, 2, STDERR, "oops");
        ship(line(id, 1, STDOUT, "hello from Cube"), second, second, line(id, 3, STDOUT, "bye"), OutputRecord.end(id, 1, 4, "w1", Instant.now()));

        HttpResponse<String> text = get("/api/v1/tasks/" + id + "/logs", "*/*");
        HttpResponse<String> stderr = get("/api/v1/tasks/" + id + "/logs?stream=stderr&attempt=1", "*/*");
        HttpResponse<String> records = get("/api/v1/tasks/" + id + "/logs", "application/x-ndjson");

        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(text.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        assertThat(text.body()).isEqualTo("hello from Cube\noops\nbye\n");
        assertThat(stderr.body()).isEqualTo("oops\n");
        assertThat(records.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/x-ndjson"));
        assertThat(records.body().lines().map(StreamApiIT::json).toList()).extracting(r -> r.get("seq").asLong(), r -> r.get("kind").asText())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, "line"), org.assertj.core.groups.Tuple.tuple(2L, "line"),
                        org.assertj.core.groups.Tuple.tuple(3L, "line"), org.assertj.core.groups.Tuple.tuple(4L, "end"));
        assertThat(get("/api/v1/tasks/" + id + "/logs?after=2", "*/*").body()).isEqualTo("bye\n");
    }

    @Test
    void followingShowsEachLineAsItIsShippedAndEndsWithTheAttemptsEnd() {
        String id = submit();
        try (Following follow = new Following("/api/v1/tasks/" + id + "/logs?follow=true", Map.of())) {
            ship(line(id, 1, STDOUT, "one"));
            await().atMost(Duration.ofSeconds(10)).until(() -> follow.lines.contains("one"));
            assertThat(follow.done).as("still following").isNotDone();

            ship(line(id, 2, STDOUT, "two"));
            await().atMost(Duration.ofSeconds(10)).until(() -> follow.lines.contains("two"));
            ship(OutputRecord.end(id, 1, 3, "w1", Instant.now()));

            await().atMost(Duration.ofSeconds(10)).until(follow.done::isDone);
            assertThat(follow.lines).containsExactly("one", "two");
        }
    }

    @Test
    void badQueriesAreRefusedNamingTheirParameterAndAnUnknownTaskIsNotFound() {
        String id = submit();

        for (String query : List.of("attempt=two", "attempt=2", "attempt=0", "stream=both", "follow=maybe", "after=-1")) {
            HttpResponse<String> refused = get("/api/v1/tasks/" + id + "/logs?" + query, "*/*");
            assertThat(refused.statusCode()).as(query).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(json(refused.body()).get("errors").get(0).get("field").asText()).as(query).isEqualTo(query.substring(0, query.indexOf('=')));
        }
        assertThat(get("/api/v1/tasks/no-such-task/logs", "*/*").statusCode()).isEqualTo(404);
        for (String query : List.of("from=yesterday", "type=teleported", "limit=0", "follow=perhaps")) {
            HttpResponse<String> refused = get("/api/v1/events?" + query, "application/json");
            assertThat(refused.statusCode()).as(query).isEqualTo(400);
            assertThat(json(refused.body()).get("errors").get(0).get("field").asText()).as(query).isEqualTo(query.substring(0, query.indexOf('=')));
        }
        HttpResponse<String> badId;
        try {
            badId = http.send(HttpRequest.newBuilder(manager.uri("/api/v1/events?follow=true")).header("Last-Event-ID", "nonsense").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(json(badId.body()).get("errors").get(0).get("field").asText()).isEqualTo("Last-Event-ID");
    }

    @Test
    void aPageOfEventsListsATasksEventsInLogOrderWithTheCursorToGoOnFrom() {
        String id = submit();
        assertThat(manager.delete("/api/v1/tasks/" + id).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> json(manager.get("/api/v1/tasks/" + id).body()).get("state").asText().equals("Stopped"));

        JsonNode page = json(get("/api/v1/events?task=" + id, "application/json").body());
        JsonNode first = json(get("/api/v1/events?task=" + id + "&limit=1", "application/json").body());
        JsonNode rest = json(get("/api/v1/events?task=" + id + "&from=" + first.get("next").asText(), "application/json").body());
        JsonNode stops = json(get("/api/v1/events?task=" + id + "&type=stop-requested", "application/json").body());

        List<String> types = new ArrayList<>();
        page.get("items").forEach(item -> types.add(item.get("event").get("type").asText()));
        assertThat(types.getFirst()).isEqualTo("dev.cube.task.submitted");
        assertThat(types).contains("dev.cube.task.stop-requested");
        assertThat(first.get("items")).hasSize(1);
        assertThat(rest.get("items").size()).isEqualTo(page.get("items").size() - 1);
        assertThat(rest.get("items").get(0).get("offset")).isEqualTo(page.get("items").get(1).get("offset"));
        assertThat(stops.get("items")).singleElement().satisfies(item -> assertThat(item.get("event").get("subject").asText()).isEqualTo(id));

        // From an instant: exactly the events logged at or after it.
        String at = page.get("items").get(1).get("logTime").asText();
        JsonNode since = json(get("/api/v1/events?task=" + id + "&from=" + at, "application/json").body());
        List<Long> expected = new ArrayList<>();
        page.get("items").forEach(item -> {
            if (!java.time.Instant.parse(item.get("logTime").asText()).isBefore(java.time.Instant.parse(at))) {
                expected.add(item.get("offset").asLong());
            }
        });
        List<Long> offsets = new ArrayList<>();
        since.get("items").forEach(item -> offsets.add(item.get("offset").asLong()));
        assertThat(offsets).isNotEmpty().isEqualTo(expected);
    }

    @Test
    void aFollowerThatReconnectsWithTheLastEventIdMissesNothingAndGetsNothingTwice() {
        String id = submit();
        String[] firstEvent;
        List<String[]> before;
        try (Following follow = new Following("/api/v1/events?follow=true&task=" + id, Map.of("Accept", "text/event-stream"))) {
            assertThat(follow.response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !follow.events().isEmpty());
            before = follow.events();
            firstEvent = before.getLast();
        }
        assertThat(manager.delete("/api/v1/tasks/" + id).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> json(manager.get("/api/v1/tasks/" + id).body()).get("state").asText().equals("Stopped"));

        List<String[]> after;
        try (Following again = new Following("/api/v1/events?follow=true&task=" + id,
                Map.of("Accept", "text/event-stream", "Last-Event-ID", firstEvent[0]))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> again.events().stream()
                    .anyMatch(e -> json(e[1]).get("event").get("type").asText().equals("dev.cube.task.stop-requested")));
            after = again.events();
        }

        List<Long> seen = new ArrayList<>();
        Stream.concat(before.stream(), after.stream()).forEach(e -> seen.add(json(e[1]).get("offset").asLong()));
        List<Long> logged = new ArrayList<>();
        json(manager.get("/api/v1/tasks/" + id + "/events").body()).get("items").forEach(item -> logged.add(item.get("offset").asLong()));
        assertThat(seen).as("every event of the task once, in log order").isEqualTo(logged);
        assertThat(json(before.getFirst()[1]).get("event").get("type").asText()).isEqualTo("dev.cube.task.submitted");
        assertThat(firstEvent[0]).matches("\\d+:\\d+");
    }
}
