package dev.cube.worker;

import dev.cube.events.WorkerEvent;
import dev.cube.infra.SharedKafka;
import dev.cube.worker.runtime.EngineUnavailableException;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
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
                "cube.worker.heartbeat-interval", "200ms"));
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
