package dev.cube.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.worker.WorkerApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** How Cube recovers, on real workers, a real broker and a real engine: restarts, lost workers, drain. */
class RecoveryIT {

    static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    static final String STEADY = "steady-" + RUN;

    static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = Cluster.start(STEADY, Map.of(
                "cube.manager.worker-ttl", "5s",
                "cube.manager.worker-grace", "3s",
                "cube.worker.heartbeat-interval", "1s",
                "cube.worker.cpu", 1,
                "cube.worker.memory", 1024));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void onFailureRestartsATaskThatExitsNonZeroUpToItsMaximumThenItStaysFailed() {
        String id = cluster.submit("""
                {"image":"cube/busybox:local","command":["sh","-c","exit 1"],"cpu":0.1,
                 "restartPolicy":{"mode":"on-failure","maxRestarts":2,"backoffSeconds":0}}""");

        JsonNode failed = await().atMost(Duration.ofSeconds(60)).until(() -> cluster.task(id),
                t -> t != null && t.get("attempt").asInt() == 3 && t.get("state").asText().equals("Failed"));

        assertThat(failed.get("exitCode").asInt()).isEqualTo(1);
        assertThat(cluster.events(id)).filteredOn(e -> e.get("type").asText().equals("dev.cube.task.scheduled"))
                .extracting(e -> e.get("data").get("attempt").asInt()).containsExactly(1, 2, 3);
    }

    @Test
    void aContainerFailingItsHealthCheckIsRestartedUpToTheMaximumThenFailed() {
        String id = cluster.submit("""
                {"image":"cube/busybox:local","command":["httpd","-f","-p","8080","-h","/www"],"ports":[{"containerPort":8080}],
                 "cpu":0.1,"healthCheck":{"path":"/missing","intervalSeconds":1},
                 "restartPolicy":{"mode":"on-failure","maxRestarts":2,"backoffSeconds":0}}""");

        JsonNode failed = await().atMost(Duration.ofSeconds(90)).until(() -> cluster.task(id),
                t -> t != null && t.get("attempt").asInt() == 3 && t.get("state").asText().equals("Failed"));

        assertThat(failed.get("reason").asText()).contains("health check failed").contains("404");
        assertThat(cluster.events(id)).filteredOn(e -> e.get("type").asText().equals("dev.cube.task.running")).hasSize(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> Docker.containersOfTask(id).isEmpty());
    }

    @Test
    void onFailureDoesNotRestartATaskThatExitsZero() {
        String id = cluster.submit("""
                {"image":"cube/busybox:local","command":["sh","-c","exit 0"],"cpu":0.1,
                 "restartPolicy":{"mode":"on-failure","maxRestarts":2,"backoffSeconds":0}}""");

        cluster.awaitState(id, "Completed");

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode task = cluster.task(id);
            assertThat(task.get("state").asText()).isEqualTo("Completed");
            assertThat(task.get("attempt").asInt()).isEqualTo(1);
        });
    }

    @Test
    void aKilledWorkersTaskIsLostThenRunsElsewhereAndTheWorkerStopsItsCopyWhenItReturns() throws Exception {
        String doomed = "doomed-" + RUN;
        String rescuer = "rescuer-" + RUN;
        cluster.track(doomed);
        Process worker = startWorkerProcess(doomed, 2);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> cluster.get("/api/v1/workers/" + doomed).statusCode() == 200);
            String id = cluster.submit("""
                    {"image":"cube/busybox:local","command":["sleep","300"],"cpu":1.5,"memory":64,
                     "restartPolicy":{"mode":"on-failure","maxRestarts":3,"backoffSeconds":0}}""");
            assertThat(cluster.awaitState(id, "Running").get("workerId").asText()).isEqualTo(doomed);
            cluster.addWorker(rescuer, 2, 1024);

            worker.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

            JsonNode moved = await().atMost(Duration.ofSeconds(60)).until(() -> cluster.task(id),
                    t -> t.get("state").asText().equals("Running") && t.get("attempt").asInt() == 2);
            assertThat(moved.get("workerId").asText()).isEqualTo(rescuer);
            assertThat(cluster.events(id)).extracting(e -> e.get("type").asText()).contains("dev.cube.task.lost");
            assertThat(Docker.containersOfTask(id)).hasSize(2);

            worker = startWorkerProcess(doomed, 2);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(Docker.containersOfTask(id)).hasSize(1));
            assertThat(Docker.containersOfWorker(doomed)).isEmpty();

            assertThat(cluster.delete("/api/v1/tasks/" + id).statusCode()).isEqualTo(202);
            cluster.awaitState(id, "Stopped");
        } finally {
            long asked = System.nanoTime();
            worker.destroy();
            assertThat(worker.waitFor(30, TimeUnit.SECONDS)).as("a worker asked to stop stops").isTrue();
            System.out.printf("RecoveryIT: the returned worker exited with %d after %d ms%n", worker.exitValue(), (System.nanoTime() - asked) / 1_000_000);
            // A worker that stops says it left, so that nothing more is placed on it (the next test's tasks among them).
            await().atMost(Duration.ofSeconds(15)).until(() -> cluster.get("/api/v1/workers/" + doomed).body(),
                    body -> body.contains("\"status\":\"left\""));
            System.out.printf("RecoveryIT: the returned worker stopped and left in %d ms%n", (System.nanoTime() - asked) / 1_000_000);
            cluster.stopWorker(rescuer);
        }
    }

    @Test
    void drainingAWorkerMovesItsTasksAwayAndNothingNewLandsOnIt() {
        String drained = "drained-" + RUN;
        cluster.addWorker(drained, 4, 1024);
        try {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                ids.add(cluster.submit("""
                        {"image":"cube/busybox:local","command":["sleep","300"],"cpu":0.25,"memory":32,
                         "restartPolicy":{"mode":"always","maxRestarts":3,"backoffSeconds":0}}"""));
            }
            ids.forEach(id -> cluster.awaitState(id, "Running"));
            assertThat(ids).anyMatch(id -> cluster.task(id).get("workerId").asText().equals(drained));

            assertThat(cluster.post("/api/v1/workers/" + drained + "/drain", "").statusCode()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (String id : ids) {
                    JsonNode task = cluster.task(id);
                    assertThat(task.get("state").asText()).isEqualTo("Running");
                    assertThat(task.get("workerId").asText()).isEqualTo(STEADY);
                }
                assertThat(cluster.worker(drained).get("tasks")).isEmpty();
                assertThat(Docker.containersOfWorker(drained)).isEmpty();
            });
            assertThat(cluster.worker(drained).get("status").asText()).isEqualTo("draining");

            String late = cluster.submit("{\"image\":\"cube/busybox:local\",\"command\":[\"sh\",\"-c\",\"exit 0\"],\"cpu\":0.1}");
            assertThat(cluster.awaitState(late, "Completed").get("workerId").asText()).isEqualTo(STEADY);

            // Undone, the drain lets the worker take work again: a task only it has room for lands there.
            assertThat(cluster.post("/api/v1/workers/" + drained + "/undrain", "").statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.worker(drained).get("status").asText().equals("ready"));
            String big = cluster.submit("{\"image\":\"cube/busybox:local\",\"command\":[\"sh\",\"-c\",\"exit 0\"],\"cpu\":2}");
            assertThat(cluster.awaitState(big, "Completed").get("workerId").asText()).isEqualTo(drained);

            for (String id : ids) {
                cluster.delete("/api/v1/tasks/" + id);
                cluster.awaitState(id, "Stopped");
            }
        } finally {
            cluster.stopWorker(drained);
        }
    }

    private static Process startWorkerProcess(String id, double cpu) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Map<String, Object> settings = cluster.workerSettings(id, cpu, 1024);
        List<String> command = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED", "-Xmx256m"));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), WorkerApplication.class.getName()));
        try {
            Path log = Path.of("target", "recovery-it-worker-" + id + ".log");
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
