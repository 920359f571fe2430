package dev.cube.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.WorkerEvent;
import dev.cube.events.wire.Json;
import dev.cube.infra.SharedKafka;
import dev.cube.worker.runtime.EngineUnavailableException;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The worker as {@code cube dev} and {@code java -cp ... WorkerApplication} start it. */
class WorkerApplicationIT {

    static String bootstrap;
    static EventLog log;

    @BeforeAll
    static void connect() {
        bootstrap = SharedKafka.bootstrapServers();
        log = new EventLog(bootstrap);
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        log.close();
    }

    @Test
    void shouldRunAWorkerWithTheGivenSettingsAndSayLeftWhenTheContextCloses() {
        String id = "w-app-" + UUID.randomUUID().toString().substring(0, 8);
        ApplicationContext context = WorkerApplication.start(Map.of(
                "cube.kafka.bootstrap", bootstrap,
                "cube.worker.id", id,
                "cube.worker.address", "127.0.0.1",
                "cube.worker.cpu", 2,
                "cube.worker.memory", 1024,
                "cube.worker.disk", 4096,
                "cube.worker.heartbeat-interval", "200ms",
                "cube.worker.management-port", -1));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> log.about(id).size() >= 2);
            WorkerEvent.Heartbeat beat = (WorkerEvent.Heartbeat) log.about(id).getFirst().data();
            assertThat(beat.address()).isEqualTo("127.0.0.1");
            assertThat(beat.capacity()).isEqualTo(new WorkerEvent.Capacity(2, 1024, 4096));
            assertThat(log.about(id)).allSatisfy(e -> assertThat(e.source()).isEqualTo("/cube/worker/" + id));
        } finally {
            context.close();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> log.about(id).getLast().data() instanceof WorkerEvent.Left);
    }

    @Test
    void shouldAnswerItsHealthAndMetricsOnItsManagementPort() throws Exception {
        String id = "w-health-" + UUID.randomUUID().toString().substring(0, 8);
        ApplicationContext context = WorkerApplication.start(Map.of(
                "cube.kafka.bootstrap", bootstrap,
                "cube.worker.id", id,
                "cube.worker.heartbeat-interval", "200ms",
                "cube.worker.management-port", -1));
        try {
            URI management = WorkerApplication.managementUri(context);
            HttpResponse<String> readiness = await().atMost(Duration.ofSeconds(10))
                    .until(() -> get(management.resolve("/health/readiness")), response -> response.statusCode() == 200);
            JsonNode worker = Json.MAPPER.readTree(readiness.body()).path("details").path("worker");
            assertThat(worker.path("status").asText()).isEqualTo("UP");
            assertThat(worker.path("details").path("desiredSetRead").asBoolean()).isTrue();
            assertThat(worker.path("details").path("dockerEngine").asText()).isEqualTo("answers");
            assertThat(get(management.resolve("/health/liveness")).statusCode()).isEqualTo(200);

            String metrics = get(management.resolve("/prometheus")).body();
            assertThat(metrics).contains("cube_worker_desired_attempts{worker=\"" + id + "\"} 0.0");
            assertThat(metrics).contains("cube_worker_engine_up{worker=\"" + id + "\"} 1.0");
            assertThat(metrics).containsPattern("cube_worker_engine_call_seconds_count\\{call=\"list\",outcome=\"ok\"\\} [1-9]");
        } finally {
            context.close();
        }
    }

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void shouldStartNoWorkerInAContextThatDidNotAskForOne() {
        String id = "w-none-" + UUID.randomUUID().toString().substring(0, 8);
        try (ApplicationContext manager = ApplicationContext.run(Map.of(
                "cube.kafka.bootstrap", bootstrap, "cube.worker.id", id))) {
            assertThat(manager.findBean(Worker.class)).isEmpty();
        }
        assertThat(log.about(id)).isEmpty();
    }

    @Test
    void shouldRefuseToStartWithoutADockerEngineInOneClearSentence() {
        assertThatThrownBy(() -> WorkerApplication.start(Map.of(
                "cube.kafka.bootstrap", bootstrap,
                "cube.docker.host", "unix:///nonexistent/docker.sock")))
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessage("No Docker engine answers at unix:///nonexistent/docker.sock: start one or set DOCKER_HOST (see docs/operations.md)");
    }

    @Test
    void shouldExitWithOneLineWhenNoDockerEngineAnswers() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), WorkerApplication.class.getName());
        builder.environment().put("DOCKER_HOST", "unix:///nonexistent/docker.sock");
        builder.environment().put("CUBE_KAFKA_BOOTSTRAP", bootstrap);
        Process process = builder.start();

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(stderr.lines().filter(l -> !l.startsWith("WARNING:")).toList())
                .isEqualTo(List.of("No Docker engine answers at unix:///nonexistent/docker.sock: start one or set DOCKER_HOST (see docs/operations.md)"));
        assertThat(stdout).doesNotContain("Exception");
    }
}
