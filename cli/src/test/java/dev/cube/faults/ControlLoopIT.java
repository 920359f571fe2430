package dev.cube.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.e2e.CubeProcess;
import dev.cube.e2e.Docker;
import dev.cube.manager.history.ProjectionCheck;
import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.topics.Topics;
import dev.cube.events.wire.CloudEventCodec;
import dev.cube.infra.KafkaProcess;
import dev.cube.infra.TopicContents;
import dev.cube.manager.history.EventLogReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The control loop under faults, end to end, with the broker, the manager and the workers each a
 * process of its own (so that each can be stopped, killed and started again alone), on the real engine.
 * The manager killed in the middle of submissions is {@link ProcessFaultsIT}'s (twice, with the over-commit check).
 * Each scenario prints one line of figures (recorded with the fault suite's, in {@code target/fault-figures.txt}).
 */
class ControlLoopIT {

    static final Duration TTL = Duration.ofSeconds(5);
    static final Duration REBUILD_TTL = Duration.ofSeconds(60);
    static final Duration GRACE = Duration.ofSeconds(3);
    static final String SLEEP = "{\"image\":\"cube/busybox:local\",\"command\":[\"sleep\",\"300\"],\"cpu\":0.1,\"memory\":32";

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final List<CubeProcess> processes = new ArrayList<>();
    final Set<String> workerIds = ConcurrentHashMap.newKeySet();
    Path dir;
    KafkaProcess kafka;
    CubeProcess manager;
    String run;

    @BeforeEach
    void start(TestInfo test) throws IOException {
        run = UUID.randomUUID().toString().substring(0, 6);
        dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "control-loop-" + test.getTestMethod().orElseThrow().getName() + "-");
        kafka = KafkaProcess.start(dir.resolve("kafka"));
    }

    @AfterEach
    void stop() {
        processes.forEach(CubeProcess::stop);
        if (kafka != null) {
            kafka.stop();
        }
        List<String> left = workerIds.stream().flatMap(id -> Docker.containersOfWorker(id).stream()).toList();
        Docker.forceRemove(left);
        assertThat(left).as("containers left on the engine by workers " + workerIds).isEmpty();
    }

    // ---- the scenarios ----

    @Test
    void theBrokerStoppedForFortyFiveSecondsWhileFourTasksRunLeavesTheSameContainersRunningAndNothingLost() {
        manager = startManager("manager", "cube-" + run);
        String worker = startWorker("w-" + run).name();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(submit(SLEEP + "}"));
        }
        Map<String, String> containers = new TreeMap<>();
        ids.forEach(id -> containers.put(id, awaitState(id, "Running").get("containerId").asText()));

        Instant down = Instant.now();
        kafka.stop();
        // Less than the producer's max.block.ms (60 s): an outage that outlasts it times a pending commit out,
        // Streams declares the fold's tasks corrupted and rebuilds them, and after that path reads of running
        // tasks were seen unavailable for over a minute (one run of 2026-12-02): an open defect, for the fault
        // suite (issue #18), not what this test is about.
        pause(Duration.ofSeconds(45));
        kafka.start();
        Instant up = Instant.now();

        // Long enough after the gap for a wrong declaration to show: TTL plus grace, and a margin.
        await().during(TTL.plus(GRACE).plusSeconds(7)).atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (String id : ids) {
                JsonNode task = task(id);
                assertThat(task).as("task %s", id).isNotNull();
                assertThat(task.get("state").asText()).isEqualTo("Running");
                assertThat(task.get("containerId").asText()).isEqualTo(containers.get(id));
            }
        });
        List<CubeEvent> log = taskEvents();
        assertThat(log).noneMatch(e -> e.data() instanceof TaskEvent.Lost);
        assertThat(workersLog()).noneMatch(e -> e.data() instanceof WorkerEvent.Lost);
        ids.forEach(id -> assertThat(Docker.containersOfTask(id)).containsExactly(containers.get(id).substring(0, 12)));
        figures("broker stopped " + Duration.between(down, up).toSeconds() + " s", ids.size(), ids.size(), 0, twice(log), "lost 0");

        ids.forEach(id -> delete(id));
        ids.forEach(id -> awaitState(id, "Stopped"));
        await().atMost(Duration.ofSeconds(30)).until(() -> Docker.containersOfWorker(worker).isEmpty());
    }

    @Test
    void restartedWorkersAndAProjectionRebuiltUnderANewApplicationIdRunNoFinishedAttemptAgain() {
        // Liveness is not what this is about: a worker restart that outlasts TTL + grace on a loaded machine
        // (a JVM start) would rightly be declared lost, and the tasks with it.
        manager = startManager("manager", "cube-" + run, REBUILD_TTL);
        CubeProcess worker = startWorker("w-" + run);
        List<String> finished = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            finished.add(submit("{\"image\":\"cube/busybox:local\",\"command\":[\"sh\",\"-c\",\"exit 0\"],\"cpu\":0.01}"));
        }
        List<String> serving = List.of(submit(SLEEP + "}"), submit(SLEEP + "}"));
        finished.forEach(id -> awaitState(id, "Completed"));
        serving.forEach(id -> awaitState(id, "Running"));
        await().atMost(Duration.ofSeconds(30)).until(() -> finished.stream().allMatch(id -> Docker.containersOfTask(id).isEmpty()));
        Map<String, String> containers = new TreeMap<>();
        serving.forEach(id -> containers.put(id, Docker.containersOfTask(id).getFirst()));
        Map<String, JsonNode> before = allTasks();
        long runningBefore = count(taskEvents(), TaskEvent.Running.class);

        worker.stop();
        worker.start();
        awaitWorkerReady(worker.name());
        manager.stop();
        manager = startManager("manager-rebuilt", "cube-" + run + "-rebuilt", REBUILD_TTL);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(allTasks()).isEqualTo(before));
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(count(taskEvents(), TaskEvent.Running.class)).as("running events on the log").isEqualTo(runningBefore);
            finished.forEach(id -> assertThat(Docker.containersOfTask(id)).as("containers of finished %s", id).isEmpty());
            serving.forEach(id -> assertThat(Docker.containersOfTask(id)).containsExactly(containers.get(id)));
        });
        ProjectionCheck.Report check = ProjectionCheck.run(kafka.bootstrapServers(), Duration.ofSeconds(20), EventLogReader.Progress.NONE);
        assertThat(check.differences()).as("cube replay --verify after the rebuild").isEmpty();
        figures("worker restarted, projection rebuilt", before.size(), before.size(), 0, twice(taskEvents()),
                "running before " + runningBefore + ", after " + count(taskEvents(), TaskEvent.Running.class) + ", rebuilt state == old state");

        serving.forEach(this::delete);
        serving.forEach(id -> awaitState(id, "Stopped"));
    }

    @Test
    void aKilledWorkerIsDeclaredLostInTimeItsTaskRestartsElsewhereAndItsOldContainerGoesWhenItReturns() {
        manager = startManager("manager", "cube-" + run);
        CubeProcess doomed = startWorker("doomed-" + run);
        String id = submit(SLEEP + ",\"restartPolicy\":{\"mode\":\"on-failure\",\"maxRestarts\":3,\"backoffSeconds\":0}}");
        assertThat(awaitState(id, "Running").get("workerId").asText()).isEqualTo(doomed.name());
        String oldContainer = Docker.containersOfTask(id).getFirst();
        CubeProcess rescuer = startWorker("rescuer-" + run);

        Instant killedAt = Instant.now();
        doomed.kill();

        ConsumerRecord<String, byte[]> lost = await().atMost(TTL.plus(GRACE).plusSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> TopicContents.read(kafka.bootstrapServers(), Topics.WORKERS.name()).stream()
                        .filter(r -> doomed.name().equals(r.key()) && r.value() != null)
                        .filter(r -> CloudEventCodec.decode(r.value()).data() instanceof WorkerEvent.Lost).findFirst().orElse(null),
                        r -> r != null);
        Duration toLost = Duration.between(killedAt, Instant.ofEpochMilli(lost.timestamp()));
        assertThat(toLost).as("declared lost within TTL + grace + 5 s").isLessThanOrEqualTo(TTL.plus(GRACE).plusSeconds(5));
        JsonNode moved = await().atMost(Duration.ofSeconds(60)).until(() -> task(id),
                t -> t != null && t.get("state").asText().equals("Running") && t.get("attempt").asInt() == 2);
        assertThat(moved.get("workerId").asText()).isEqualTo(rescuer.name());

        doomed.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> !Docker.exists(oldContainer));
        assertThat(Docker.containersOfTask(id)).hasSize(1);
        figures("worker SIGKILL", 1, 1, 0, twice(taskEvents()), "lost after " + toLost.toMillis() + " ms (TTL + grace = "
                + TTL.plus(GRACE).toSeconds() + " s), old container removed on return");

        delete(id);
        awaitState(id, "Stopped");
    }

    @Test
    void aStopAndAStartOfTheSameAttemptInEitherOrderLeaveNoContainerBehind() {
        manager = startManager("manager", "cube-" + run);
        String worker = startWorker("w-" + run).name();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String id = submit(SLEEP + "}");
            ids.add(id);
            // The stop races with the placement and the start: before it, between them, or after them.
            pause(Duration.ofMillis(i * 60L));
            delete(id);
        }
        String late = submit(SLEEP + "}");
        awaitState(late, "Running");
        delete(late);
        ids.add(late);

        ids.forEach(id -> awaitState(id, "Stopped"));
        await().atMost(Duration.ofSeconds(30)).until(() -> Docker.containersOfWorker(worker).isEmpty());
        List<CubeEvent> log = taskEvents();
        long started = ids.stream().filter(id -> log.stream().anyMatch(e -> e.subject().equals(id) && e.data() instanceof TaskEvent.Running)).count();
        figures("stop racing the start", ids.size(), ids.size(), 0, twice(log), started + " of them started before the stop, containers left 0");
    }

    // ---- the system ----

    CubeProcess startManager(String name, String applicationId) {
        return startManager(name, applicationId, TTL);
    }

    CubeProcess startManager(String name, String applicationId, Duration ttl) {
        CubeProcess process = CubeProcess.manager(name, dir, Map.of(
                "cube.kafka.bootstrap", kafka.bootstrapServers(),
                "cube.manager.application-id", applicationId,
                "cube.manager.worker-ttl", ttl.toSeconds() + "s",
                "cube.manager.worker-grace", GRACE.toSeconds() + "s")).start();
        processes.add(process);
        manager = process;
        awaitManager();
        return process;
    }

    CubeProcess startWorker(String id) {
        workerIds.add(id);
        CubeProcess process = CubeProcess.worker(id, dir, Map.of(
                "cube.kafka.bootstrap", kafka.bootstrapServers(),
                "cube.worker.id", id,
                "cube.worker.address", "127.0.0.1",
                "cube.worker.cpu", 2,
                "cube.worker.memory", 2048,
                "cube.worker.heartbeat-interval", "1s",
                "cube.worker.stop-grace", "2s")).start();
        processes.add(process);
        awaitWorkerReady(id);
        return process;
    }

    void awaitManager() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> send(HttpRequest.newBuilder(uri("/api/v1/tasks")).GET().build()).statusCode() == 200);
    }

    void awaitWorkerReady(String id) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/v1/workers/" + id)).GET().build());
            return response.statusCode() == 200 && FaultSystem.json(response.body()).get("status").asText().equals("ready");
        });
    }

    // ---- what a user does ----

    String submit(String spec) {
        String id = trySubmit(spec);
        assertThat(id).as("the submission was accepted").isNotNull();
        return id;
    }

    /** The id of the accepted task, or null if the manager did not accept it (it is down). */
    String trySubmit(String spec) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/api/v1/tasks")).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(spec)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 202 ? FaultSystem.json(response.body()).get("id").asText() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Asks for the task to stop; right after its submission the projection may not show it yet (404), so it asks until it does. */
    void delete(String id) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(
                () -> send(HttpRequest.newBuilder(uri("/api/v1/tasks/" + id)).DELETE().build()).statusCode(), status -> status == 202 || status == 409);
    }

    JsonNode task(String id) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/v1/tasks/" + id)).GET().build());
        return response.statusCode() == 200 ? FaultSystem.json(response.body()) : null;
    }

    String stateOf(String id) {
        JsonNode task = task(id);
        return task == null ? null : task.get("state").asText();
    }

    JsonNode awaitState(String id, String state) {
        return await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> task(id),
                task -> task != null && state.equals(task.get("state").asText()));
    }

    Map<String, JsonNode> allTasks() {
        Map<String, JsonNode> all = new TreeMap<>();
        JsonNode page = FaultSystem.json(send(HttpRequest.newBuilder(uri("/api/v1/tasks?limit=1000")).GET().build()).body());
        page.get("items").forEach(item -> all.put(item.get("id").asText(), item));
        return all;
    }

    URI uri(String path) {
        return manager.uri().resolve(path);
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- what the log says ----

    List<CubeEvent> taskEvents() {
        return decoded(Topics.TASK_EVENTS.name());
    }

    List<CubeEvent> workersLog() {
        return decoded(Topics.WORKERS.name());
    }

    List<CubeEvent> decoded(String topic) {
        List<CubeEvent> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : TopicContents.read(kafka.bootstrapServers(), topic)) {
            if (record.value() != null) {
                out.add(CloudEventCodec.decode(record.headers(), record.value()));
            }
        }
        return out;
    }

    static long count(List<CubeEvent> log, Class<?> type) {
        return log.stream().filter(e -> type.isInstance(e.data())).count();
    }

    /** How many attempts have more than one running event with different containers: ran twice. */
    static long twice(List<CubeEvent> log) {
        Map<String, Set<String>> containers = new HashMap<>();
        log.stream().filter(e -> e.data() instanceof TaskEvent.Running).forEach(e -> {
            TaskEvent.Running running = (TaskEvent.Running) e.data();
            containers.computeIfAbsent(e.subject() + "/" + running.attempt(), k -> new java.util.HashSet<>()).add(running.containerId());
        });
        return containers.values().stream().filter(set -> set.size() > 1).count();
    }

    void figures(String scenario, int tasks, int acknowledged, int lost, long ranTwice, String more) {
        String line = String.format("%s: %d tasks, acknowledged %d, lost %d, ran twice %d, %s", scenario, tasks, acknowledged, lost, ranTwice, more);
        System.out.println(line);
        FaultSystem.record(line);
        assertThat(ranTwice).as("attempts that ran twice").isZero();
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
