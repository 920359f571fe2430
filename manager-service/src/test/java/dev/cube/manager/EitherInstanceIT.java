package dev.cube.manager;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.CubeEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.topics.Topics;
import dev.cube.events.wire.Json;
import dev.cube.infra.SharedKafka;
import dev.cube.manager.projection.ProjectionRunner;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two manager instances of one application id, each holding some of the task partitions and one of them
 * the placement stage: every read gives the same answer on either, whichever holds what it reads, and a
 * stop asked of either reaches the task. No worker runs: the tasks stay Pending; one worker's heartbeats
 * are written by hand, so that the workers' reads (the placement stage's stores) have something to show.
 */
class EitherInstanceIT {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String SPEC = "{\"image\":\"cube/busybox:local\",\"command\":[\"sleep\",\"60\"],\"cpu\":0.1,\"memory\":32}";

    static ApplicationContext first;
    static ApplicationContext second;
    static String workerId;

    @BeforeAll
    static void start() throws IOException {
        String applicationId = "cube-either-" + UUID.randomUUID().toString().substring(0, 8);
        first = manager(applicationId, "first");
        second = manager(applicationId, "second");
        // Both answer once the group has settled: each holds some task partitions, and one the stage.
        await().atMost(Duration.ofSeconds(90)).until(() -> ownedTaskPartitions(first).size() + ownedTaskPartitions(second).size() == 4
                && !ownedTaskPartitions(first).isEmpty() && !ownedTaskPartitions(second).isEmpty());
        await().atMost(Duration.ofSeconds(60)).until(() -> get(first, "/api/v1/tasks").statusCode() == 200
                && get(second, "/api/v1/tasks").statusCode() == 200);
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
    }

    @Test
    void aTaskReadsTheSameOnEitherInstanceWhoeverHoldsItsPartitionAndEitherStopsIt() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(id(post(i % 2 == 0 ? first : second, "/api/v1/tasks", SPEC)));
        }
        assertThat(ids.stream().map(id -> Topics.TASK_EVENTS.partitionOf(id)).collect(Collectors.toSet()))
                .as("the tasks' partitions: some held by each instance").hasSizeGreaterThan(1);
        for (String id : ids) {
            await().atMost(Duration.ofSeconds(30)).until(() -> get(first, "/api/v1/tasks/" + id).statusCode() == 200);
            assertThat(sameOnBoth("/api/v1/tasks/" + id).get("id").asText()).isEqualTo(id);
            assertThat(sameOnBoth("/api/v1/tasks/" + id + "/events").get("items")).isNotEmpty();
        }
        assertThat(get(second, "/api/v1/tasks/no-such-task").statusCode()).isEqualTo(404);
        assertThat(get(first, "/api/v1/tasks/no-such-task").statusCode()).isEqualTo(404);

        // Stop, asked of the instance that does not hold the task.
        String held = ids.stream().filter(id -> ownedTaskPartitions(first).contains(Topics.TASK_EVENTS.partitionOf(id))).findFirst().orElseThrow();
        HttpResponse<String> stop = delete(second, "/api/v1/tasks/" + held);
        assertThat(stop.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> json(get(first, "/api/v1/tasks/" + held).body()).get("state").asText().equals("Stopped"));
        assertThat(sameOnBoth("/api/v1/tasks/" + held).get("desiredState").asText()).isEqualTo("Stopped");
        assertThat(delete(first, "/api/v1/tasks/" + held).statusCode()).as("stopping it again, on the other one").isEqualTo(409);
    }

    @Test
    void theListItsTotalAndItsPagesAreTheSameOnEitherInstance() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            ids.add(id(post(first, "/api/v1/tasks", SPEC)));
        }
        ids.forEach(id -> await().atMost(Duration.ofSeconds(30)).until(() -> get(second, "/api/v1/tasks/" + id).statusCode() == 200));

        await().atMost(Duration.ofSeconds(30)).until(() -> listed(json(get(first, "/api/v1/tasks?limit=1000").body())).containsAll(ids));
        JsonNode whole = sameOnBoth("/api/v1/tasks?limit=1000");
        assertThat(whole.get("partial").asBoolean()).isFalse();
        assertThat(whole.get("nextOffset").isNull()).isTrue();
        assertThat(whole.get("total").asLong()).isEqualTo(whole.get("items").size());
        List<String> inOrder = listed(whole);
        assertThat(inOrder).as("in id order across every partition").isSorted();

        // Page by page, alternating instances: the same tasks, once each, in the same order.
        List<String> paged = new ArrayList<>();
        int offset = 0;
        for (int page = 0; offset >= 0; page++) {
            JsonNode answer = json(get(page % 2 == 0 ? second : first, "/api/v1/tasks?limit=3&offset=" + offset).body());
            assertThat(answer.get("total").asLong()).isEqualTo(whole.get("total").asLong());
            paged.addAll(listed(answer));
            offset = answer.get("nextOffset").isNull() ? -1 : answer.get("nextOffset").asInt();
        }
        assertThat(paged).isEqualTo(inOrder);

        JsonNode pending = sameOnBoth("/api/v1/tasks?state=pending&limit=1000");
        assertThat(listed(pending)).containsAll(ids);
    }

    @Test
    void asOfReadsAreTheSameOnEitherInstance() {
        String id = id(post(second, "/api/v1/tasks", SPEC));
        await().atMost(Duration.ofSeconds(30)).until(() -> get(first, "/api/v1/tasks/" + id).statusCode() == 200);
        Instant after = Instant.now().plusSeconds(1);
        String asOf = "?asOf=" + after;

        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(after));

        JsonNode then = sameOnBoth("/api/v1/tasks/" + id + asOf);
        assertThat(then.get("id").asText()).isEqualTo(id);
        assertThat(get(second, "/api/v1/tasks/" + id + "?asOf=2000-01-01T00:00:00Z").statusCode()).isEqualTo(404);
        assertThat(get(first, "/api/v1/tasks/" + id + "?asOf=2000-01-01T00:00:00Z").statusCode()).isEqualTo(404);
        assertThat(sameOnBoth("/api/v1/tasks/" + id + "/history").get("items")).isNotEmpty();

        JsonNode all = sameOnBoth("/api/v1/tasks" + asOf + "&limit=1000");
        assertThat(listed(all)).contains(id);
    }

    @Test
    void theWorkersReadTheSameOnEitherInstanceWhicheverHoldsThePlacementStage() throws Exception {
        workerId = "either-" + UUID.randomUUID().toString().substring(0, 8);
        heartbeat(workerId);
        await().atMost(Duration.ofSeconds(30)).until(() -> get(first, "/api/v1/workers/" + workerId).statusCode() == 200);
        assertThat(sameOnBoth("/api/v1/workers/" + workerId).get("status").asText()).isEqualTo("ready");
        assertThat(sameOnBoth("/api/v1/workers").get("items").findValuesAsText("id")).contains(workerId);
        assertThat(get(first, "/api/v1/workers/no-such-worker").statusCode()).isEqualTo(404);
        assertThat(get(second, "/api/v1/workers/no-such-worker").statusCode()).isEqualTo(404);
    }

    /**
     * The answer both instances give to a GET of {@code path}, read from each in turn until they agree: the
     * projection may fold an event between the two reads (the placement stages of other tests' managers
     * write to the same log), but what the instances answer must come together, status and body.
     */
    static JsonNode sameOnBoth(String path) {
        HttpResponse<String>[] last = new HttpResponse[2];
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            last[0] = get(first, path);
            last[1] = get(second, path);
            assertThat(last[0].statusCode()).as("GET %s on the first instance", path).isEqualTo(200);
            assertThat(json(last[1].body())).as("GET %s on the second instance", path).isEqualTo(json(last[0].body()));
            assertThat(last[1].statusCode()).isEqualTo(200);
        });
        return json(last[0].body());
    }

    // ---- the system ----

    static ApplicationContext manager(String applicationId, String name) throws IOException {
        Path stateDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "either-" + name + "-");
        return ManagerApplication.start(Map.of(
                "cube.kafka.bootstrap", SharedKafka.bootstrapServers(),
                "cube.manager.application-id", applicationId,
                "cube.manager.state-dir", stateDir.toString(),
                "cube.manager.instance-id", name,
                "cube.manager.worker-ttl", "30s",
                "micronaut.server.host", "127.0.0.1",
                "micronaut.server.port", -1));
    }

    /** The task-events partitions whose fold runs on {@code manager} now. */
    static Set<Integer> ownedTaskPartitions(ApplicationContext manager) {
        return manager.getBean(ProjectionRunner.class).streams().map(streams -> streams.metadataForLocalThreads().stream()
                .map(ThreadMetadata::activeTasks).flatMap(Set::stream)
                .flatMap(task -> task.topicPartitions().stream())
                .filter(tp -> tp.topic().equals(Topics.TASK_EVENTS.name()))
                .map(TopicPartition::partition)
                .collect(Collectors.toSet())).orElse(Set.of());
    }

    static void heartbeat(String id) throws Exception {
        try (KafkaProducer<String, CubeEvent> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                Topics.WORKERS.keySerde().serializer(), Topics.WORKERS.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.WORKERS.name(), id, CubeEvent.of("/test", id, Instant.now(),
                    new WorkerEvent.Heartbeat(id, "127.0.0.1", new WorkerEvent.Capacity(0, 0, 0), Instant.now())))).get();
        }
    }

    static List<String> listed(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("items").forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }

    static String id(HttpResponse<String> accepted) {
        assertThat(accepted.statusCode()).isEqualTo(202);
        return json(accepted.body()).get("id").asText();
    }

    static JsonNode json(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static URI uri(ApplicationContext manager, String path) {
        return manager.getBean(EmbeddedServer.class).getURI().resolve(path);
    }

    static HttpResponse<String> get(ApplicationContext manager, String path) {
        return send(HttpRequest.newBuilder(uri(manager, path)).GET().build());
    }

    static HttpResponse<String> post(ApplicationContext manager, String path, String body) {
        return send(HttpRequest.newBuilder(uri(manager, path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static HttpResponse<String> delete(ApplicationContext manager, String path) {
        return send(HttpRequest.newBuilder(uri(manager, path)).DELETE().build());
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
