package dev.cube.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.e2e.CubeProcess;
import dev.cube.e2e.Docker;
import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.topics.Topics;
import dev.cube.events.wire.CloudEventCodec;
import dev.cube.infra.TopicContents;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.cube.faults.FaultSystem.GRACE;
import static dev.cube.faults.FaultSystem.TTL;
import static dev.cube.faults.FaultSystem.exiting;
import static dev.cube.faults.FaultSystem.pause;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The control loop under faults, end to end, with the broker, the manager and the workers each a
 * process of its own (so that each can be stopped, killed and started again alone), on the real engine.
 * The broker's and the manager's faults are {@link ProcessFaultsIT}'s.
 * Each scenario ends with the fault suite's checks and line of figures ({@link FaultSystem#finish}).
 */
class ControlLoopIT {

    static final Duration REBUILD_TTL = Duration.ofSeconds(60);
    static final String SLEEP = "{\"image\":\"cube/busybox:local\",\"command\":[\"sleep\",\"300\"],\"cpu\":0.1,\"memory\":32";

    FaultSystem cube;

    @AfterEach
    void stop() {
        if (cube != null) {
            cube.close();
        }
    }

    @Test
    void restartedWorkersAndAProjectionRebuiltUnderANewApplicationIdRunNoFinishedAttemptAgain() {
        cube = FaultSystem.start("worker restarted, projection rebuilt");
        // Liveness is not what this is about: a worker restart that outlasts TTL + grace on a loaded machine
        // (a JVM start) would rightly be declared lost, and the tasks with it.
        Map<String, Object> longTtl = Map.of("cube.manager.worker-ttl", REBUILD_TTL.toSeconds() + "s");
        CubeProcess manager = cube.startManager("manager", longTtl);
        CubeProcess worker = cube.startWorker("w-" + cube.run, Map.of());
        List<String> finished = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            finished.add(cube.submit(exiting(0, "")));
        }
        List<String> serving = List.of(cube.submit(SLEEP + "}"), cube.submit(SLEEP + "}"));
        finished.forEach(id -> cube.awaitState(id, "Completed"));
        serving.forEach(id -> cube.awaitState(id, "Running"));
        await().atMost(Duration.ofSeconds(30)).until(() -> finished.stream().allMatch(id -> Docker.containersOfTask(id).isEmpty()));
        Map<String, String> containers = new TreeMap<>();
        serving.forEach(id -> containers.put(id, Docker.containersOfTask(id).getFirst()));
        Map<String, JsonNode> before = cube.allTasks();
        long runningBefore = count(cube.taskEvents(), TaskEvent.Running.class);

        worker.stop();
        worker.start();
        cube.awaitWorker(worker.name(), "ready");
        manager.stop();
        Map<String, Object> rebuilt = new java.util.HashMap<>(longTtl);
        rebuilt.put("cube.manager.application-id", "cube-" + cube.run + "-rebuilt");
        cube.startManager("manager-rebuilt", rebuilt);

        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> assertThat(cube.allTasks()).isEqualTo(before));
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(count(cube.taskEvents(), TaskEvent.Running.class)).as("running events on the log").isEqualTo(runningBefore);
            finished.forEach(id -> assertThat(Docker.containersOfTask(id)).as("containers of finished %s", id).isEmpty());
            serving.forEach(id -> assertThat(Docker.containersOfTask(id)).containsExactly(containers.get(id)));
        });
        cube.finish(before.size(), true, "running events before " + runningBefore + ", after " + count(cube.taskEvents(), TaskEvent.Running.class)
                + ", rebuilt state == old state");
    }

    @Test
    void aKilledWorkerIsDeclaredLostInTimeItsTaskRestartsElsewhereAndItsOldContainerGoesWhenItReturns() {
        cube = FaultSystem.start("worker SIGKILL");
        cube.startManager("manager");
        CubeProcess doomed = cube.startWorker("doomed-" + cube.run, Map.of());
        String id = cube.submit(SLEEP + ",\"restartPolicy\":{\"mode\":\"on-failure\",\"maxRestarts\":3,\"backoffSeconds\":0}}");
        assertThat(cube.awaitState(id, "Running").get("workerId").asText()).isEqualTo(doomed.name());
        String oldContainer = Docker.containersOfTask(id).getFirst();
        CubeProcess rescuer = cube.startWorker("rescuer-" + cube.run, Map.of());

        Instant killedAt = Instant.now();
        doomed.kill();

        ConsumerRecord<String, byte[]> lost = await().atMost(TTL.plus(GRACE).plusSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> TopicContents.read(cube.kafka.bootstrapServers(), Topics.WORKERS.name()).stream()
                        .filter(r -> doomed.name().equals(r.key()) && r.value() != null)
                        .filter(r -> CloudEventCodec.decode(r.value()).data() instanceof WorkerEvent.Lost).findFirst().orElse(null),
                        r -> r != null);
        Duration toLost = Duration.between(killedAt, Instant.ofEpochMilli(lost.timestamp()));
        assertThat(toLost).as("declared lost within TTL + grace + 5 s").isLessThanOrEqualTo(TTL.plus(GRACE).plusSeconds(5));
        JsonNode moved = await().atMost(Duration.ofSeconds(60)).until(() -> cube.task(id),
                t -> t != null && t.get("state").asText().equals("Running") && t.get("attempt").asInt() == 2);
        assertThat(moved.get("workerId").asText()).isEqualTo(rescuer.name());

        doomed.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> !Docker.exists(oldContainer));
        assertThat(Docker.containersOfTask(id)).hasSize(1);
        cube.finish(1, true, "lost after " + toLost.toMillis() + " ms (TTL + grace = " + TTL.plus(GRACE).toSeconds()
                + " s), attempt 2 on the other worker, the old container removed on return");
    }

    @Test
    void aStopAndAStartOfTheSameAttemptInEitherOrderLeaveNoContainerBehind() {
        cube = FaultSystem.start("stop racing the start");
        cube.startManager("manager");
        cube.startWorker("w-" + cube.run, Map.of());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String id = cube.submit(SLEEP + "}");
            ids.add(id);
            // The stop races with the placement and the start: before it, between them, or after them.
            pause(Duration.ofMillis(i * 60L));
            cube.delete(id);
        }
        String late = cube.submit(SLEEP + "}");
        cube.awaitState(late, "Running");
        cube.delete(late);
        ids.add(late);

        ids.forEach(id -> cube.awaitState(id, "Stopped"));
        List<CubeEvent> log = cube.taskEvents();
        long started = ids.stream().filter(id -> log.stream().anyMatch(e -> e.subject().equals(id) && e.data() instanceof TaskEvent.Running)).count();
        cube.finish(ids.size(), false, started + " of them started before the stop");
    }

    static long count(List<CubeEvent> log, Class<?> type) {
        return log.stream().filter(e -> type.isInstance(e.data())).count();
    }
}
