package dev.cube.manager;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.topics.Topic;
import dev.cube.events.topics.Topics;
import dev.cube.events.wire.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Readiness on a real broker with a log to replay: a manager started under a new application id folds
 * the whole log; {@code /health/readiness} says 503 until it has caught up, then 200, and from the
 * first 200 on its reads hold every task of the log.
 */
class ReadinessIT {

    static final int BACKLOG = 10_000;

    static IsolatedManager cube;
    static final Map<Integer, String> lastTaskOfPartition = new TreeMap<>();

    @BeforeAll
    static void aLogToReplay() {
        cube = new IsolatedManager();
        List<CubeEvent> events = new ArrayList<>(BACKLOG);
        TaskSpec spec = TaskSpec.of("backlog", "cube/busybox:local", List.of("true"));
        String run = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < BACKLOG; i++) {
            String id = "backlog-" + run + "-" + i;
            events.add(CubeEvent.of("/tests/readiness", id, Instant.now(), new TaskEvent.Submitted(spec)));
            lastTaskOfPartition.put(Topic.partitionOf(id, Topics.TASK_EVENTS.partitions()), id);
        }
        cube.append(Topics.TASK_EVENTS.name(), events);
    }

    @AfterAll
    static void stop() {
        if (cube != null) {
            cube.close();
        }
    }

    @Test
    void readinessIsDownUntilTheProjectionHasCaughtUpThenUpWithEveryTaskReadable() {
        cube.startManager(Map.of());

        List<JsonNode> downWhileRunning = new ArrayList<>();
        HttpResponse<String> ready = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).until(() -> {
            HttpResponse<String> readiness = cube.get("/health/readiness");
            if (readiness.statusCode() == 503) {
                JsonNode projection = json(readiness).path("details").path("projection");
                if ("RUNNING".equals(projection.path("details").path("state").asText())) {
                    downWhileRunning.add(projection);
                }
            }
            return readiness;
        }, response -> response.statusCode() == 200);

        // The first 200: every task of the log is there to read, the last one of each partition included.
        for (String id : lastTaskOfPartition.values()) {
            HttpResponse<String> task = cube.get("/api/v1/tasks/" + id);
            assertThat(task.statusCode()).as("task %s once ready", id).isEqualTo(200);
            assertThat(json(task).get("state").asText()).isEqualTo("Pending");
        }
        JsonNode details = json(ready).path("details").path("projection").path("details");
        assertThat(details.get("state").asText()).isEqualTo("RUNNING");
        assertThat(details.get("caughtUp").asBoolean()).isTrue();
        assertThat(details.get("placementStage").asText()).isEqualTo("deciding");

        // While it replayed, it was running and yet not ready: the log, not the state, is what readiness waits for.
        assertThat(downWhileRunning).as("503 answers while Streams was RUNNING and the fold replayed").isNotEmpty();
        assertThat(downWhileRunning.getFirst().path("status").asText()).isEqualTo("DOWN");
        assertThat(downWhileRunning.getFirst().path("details").path("caughtUp").asBoolean()).isFalse();

        assertThat(cube.get("/health/liveness").statusCode()).isEqualTo(200);
        assertThat(cube.get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void aManagerRestartedCleanlyOnAQuietLogIsReadyAndAnswersEveryReadWithoutANewEvent() {
        cube.startManager(Map.of());
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> cube.get("/health/readiness").statusCode() == 200);

        // Everything folded is committed by the clean stop: after the restart the fold has nothing to read, and no event
        // comes. Readiness and reads must not wait for one (they did, for ever, until 2026-12-02).
        cube.restartManager();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(cube.get("/health/readiness").statusCode()).as("readiness after a clean restart").isEqualTo(200));
        HttpResponse<String> list = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> cube.get("/api/v1/tasks?limit=1"), response -> response.statusCode() == 200);
        assertThat(json(list).get("total").asLong()).isEqualTo(BACKLOG);
        assertThat(json(list).path("partial").asBoolean(false)).isFalse();
        assertThat(cube.get("/api/v1/tasks/no-such-task-" + UUID.randomUUID()).statusCode()).as("a task that is not on the log").isEqualTo(404);
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
