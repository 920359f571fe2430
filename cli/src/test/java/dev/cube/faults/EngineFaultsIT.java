package dev.cube.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.e2e.Docker;
import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.cube.faults.FaultSystem.GRACE;
import static dev.cube.faults.FaultSystem.TTL;
import static dev.cube.faults.FaultSystem.exiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults of the Docker engine and of what it is asked to run: an engine that answers slowly, a task that
 * outgrows its memory, an image that cannot be had, a port the engine cannot publish. The worker talks
 * to the real engine, through a {@link FaultProxy} on a unix socket where a scenario needs the engine itself
 * to misbehave. Each scenario is a row of docs/reliability.md and prints its line of figures.
 */
class EngineFaultsIT {

    /** The scenarios whose worker talks to the engine directly share one system. */
    static FaultSystem plain;
    FaultSystem cube;

    @AfterEach
    void stop() {
        if (cube != null && cube != plain) {
            cube.close();
        }
    }

    @AfterAll
    static void stopPlain() {
        if (plain != null) {
            plain.close();
        }
    }

    /** The shared system (a manager and a worker on the engine directly), started by the first scenario that needs it. */
    static FaultSystem plain(String scenario) {
        if (plain == null) {
            plain = FaultSystem.start(scenario);
            plain.startManager("manager");
            plain.startWorker("w-" + plain.run, Map.of());
        }
        plain.scenario(scenario);
        return plain;
    }

    /** A proxy in front of the real engine's socket, on a short path (a unix socket's path has at most 107 bytes). */
    FaultProxy engineProxy() {
        Path socket = Path.of("/tmp", "cube-faults-" + cube.run + ".sock");
        return cube.closesWith(FaultProxy.unix(socket, Path.of("/var/run/docker.sock")));
    }

    static String dockerHost(FaultSystem cube) {
        return "unix:///tmp/cube-faults-" + cube.run + ".sock";
    }

    @Test
    void aWorkerWhoseEngineStopsAnsweringForThirtySecondsSaysSoTakesNoNewWorkKeepsItsTaskAndResumes() {
        cube = FaultSystem.start("engine unreachable 30 s");
        FaultProxy engine = engineProxy();
        cube.startManager("manager");
        String cutOff = "engine-" + cube.run;
        cube.startWorker(cutOff, Map.of("cube.docker.host", dockerHost(cube)));
        String serving = cube.submit(FaultSystem.sleeping(300, ""));
        String container = cube.awaitState(serving, "Running").get("containerId").asText();
        String other = "other-" + cube.run;
        cube.startWorker(other, Map.of());

        Instant stopped = Instant.now();
        engine.refuse();
        JsonNode said = cube.awaitWorker(cutOff, "engine-unreachable");
        long saidMs = Duration.between(stopped, Instant.now()).toMillis();
        assertThat(said.at("/engine/answers").asBoolean(true)).isFalse();
        assertThat(said.at("/engine/reason").asText()).isNotBlank();
        // New work goes to the other worker only, while the task on this one stays as it was.
        List<String> meanwhile = List.of(cube.submit(exiting(0, "")), cube.submit(exiting(0, "")), cube.submit(exiting(0, "")));
        meanwhile.forEach(id -> assertThat(cube.awaitState(id, "Completed").get("workerId").asText()).as("where %s ran", id).isEqualTo(other));
        JsonNode kept = cube.task(serving);
        assertThat(kept.get("state").asText()).isEqualTo("Running");
        assertThat(kept.get("containerId").asText()).isEqualTo(container);
        FaultSystem.pause(Duration.between(Instant.now(), stopped.plusSeconds(30)));

        Instant healed = Instant.now();
        engine.heal();
        cube.awaitWorker(cutOff, "ready");
        long backMs = Duration.between(healed, Instant.now()).toMillis();
        // It takes work again: with the other worker drained, the next task can only land on it.
        assertThat(cube.send(java.net.http.HttpRequest.newBuilder(cube.uri("/api/v1/workers/" + other + "/drain"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(202);
        cube.awaitWorker(other, "draining");
        String after = cube.submit(exiting(0, ""));
        assertThat(cube.awaitState(after, "Completed").get("workerId").asText()).isEqualTo(cutOff);
        // Its task was reconciled, not restarted: the same container, one running event, never lost.
        JsonNode reconciled = cube.task(serving);
        assertThat(reconciled.get("state").asText()).isEqualTo("Running");
        assertThat(reconciled.get("containerId").asText()).isEqualTo(container);
        assertThat(reconciled.get("attempt").asInt()).isEqualTo(1);
        assertThat(cube.workersLog()).noneMatch(e -> e.subject().equals(cutOff) && e.data() instanceof WorkerEvent.Lost);
        assertThat(Docker.containersOfTask(serving)).hasSize(1);
        cube.finish(5, true, "engine refused for 30 s: the worker said engine-unreachable after " + saidMs + " ms, 3 tasks meanwhile ran on the "
                + "other worker, its own task kept its container; answering again: ready after " + backMs + " ms, took the next task, never lost");
    }

    @Test
    void aWorkerWhoseEngineTakesSecondsToAnswerEveryCallIsNotDeclaredLostAndItsTasksComplete() {
        cube = FaultSystem.start("slow engine");
        FaultProxy engine = engineProxy();
        Duration delay = Duration.ofSeconds(2);
        engine.delay(delay);
        cube.startManager("manager");
        String worker = "slow-" + cube.run;
        cube.startWorker(worker, Map.of("cube.docker.host", dockerHost(cube)));
        Instant began = Instant.now();
        List<String> ids = List.of(cube.submit(exiting(0, "")), cube.submit(exiting(0, "")), cube.submit(FaultSystem.sleeping(2, "")));
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(cube.workersLog()).as("what the log says of the slow worker").noneMatch(e -> e.data() instanceof WorkerEvent.Lost);
            assertThat(ids).allMatch(id -> "Completed".equals(cube.stateOf(id)));
        });
        long tookMs = Duration.between(began, Instant.now()).toMillis();
        // Slow for longer than TTL + grace, and still alive: its heartbeats do not wait for the engine.
        assertThat(Duration.ofMillis(tookMs)).isGreaterThan(TTL.plus(GRACE));
        assertThat(cube.worker(worker).get("status").asText()).isEqualTo("ready");
        cube.finish(ids.size(), true, "every engine call delayed " + delay.toSeconds() + " s; all Completed after " + tookMs
                + " ms (TTL + grace " + TTL.plus(GRACE).toSeconds() + " s), never declared lost");
    }

    @Test
    void aTaskThatOutgrowsItsMemoryFailsAsOomKilledAndIsRestartedByItsPolicy() {
        cube = plain("task exceeds its memory");
        String hog = "{\"image\":\"cube/busybox:local\",\"command\":[\"sh\",\"-c\",\"x=$(head -c 60000000 /dev/zero | tr '\\\\0' a); echo ${#x}\"],"
                + "\"cpu\":0.1,\"memory\":16,\"restartPolicy\":{\"mode\":\"on-failure\",\"maxRestarts\":1,\"backoffSeconds\":0}}";
        String id = cube.submit(hog);
        JsonNode task = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> cube.task(id),
                t -> t != null && t.get("state").asText().equals("Failed") && t.get("attempt").asInt() == 2);
        List<TaskEvent.Failed> failures = cube.taskEvents().stream().filter(e -> e.subject().equals(id)).map(CubeEvent::data)
                .filter(TaskEvent.Failed.class::isInstance).map(TaskEvent.Failed.class::cast).toList();
        assertThat(failures).as("one failure per attempt, each OOM-killed").hasSize(2)
                .allSatisfy(f -> {
                    assertThat(f.oomKilled()).isTrue();
                    assertThat(f.reason()).contains("OOM-killed");
                });
        cube.finish(1, true, "16 MB limit, 60 MB asked: attempt 1 and its restart both Failed with oomKilled, reason '"
                + failures.getFirst().reason() + "'; final state " + task.get("state").asText());
    }

    @Test
    void anImageThatCannotBeHadAndAPortTheEngineCannotPublishFailTheirTasksNamingWhyAndTheWorkerGoesOn() throws Exception {
        cube = plain("image missing, engine refuses");
        String image = "cube/no-such-image:" + cube.run;
        String missing = cube.submit("{\"image\":\"" + image + "\",\"command\":[\"true\"],\"cpu\":0.01}");
        // A host port another program holds: Cube does not know it, the engine refuses to publish it.
        try (java.net.ServerSocket taken = new java.net.ServerSocket()) {
            taken.bind(new java.net.InetSocketAddress("0.0.0.0", 0));
            int port = taken.getLocalPort();
            String refused = cube.submit("{\"image\":\"cube/busybox:local\",\"command\":[\"sleep\",\"300\"],\"cpu\":0.01,"
                    + "\"ports\":[{\"containerPort\":8080,\"hostPort\":" + port + "}]}");
            JsonNode missingTask = cube.awaitState(missing, "Failed");
            JsonNode refusedTask = cube.awaitState(refused, "Failed");
            assertThat(missingTask.get("reason").asText()).contains(image);
            assertThat(refusedTask.get("reason").asText()).contains(String.valueOf(port));
            assertThat(Docker.containersOfTask(missing)).isEmpty();
            String after = cube.submit(exiting(0, ""));
            cube.awaitState(after, "Completed");
            cube.finish(3, false, "missing image: '" + missingTask.get("reason").asText() + "'; port " + port + " held by another program: '"
                    + refusedTask.get("reason").asText() + "'; the next task on the same worker Completed");
        }
    }
}
