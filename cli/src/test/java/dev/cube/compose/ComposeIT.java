package dev.cube.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The repository's docker-compose.yml, run as a user would run it: Kafka, the manager and two
 * workers in containers, on images built locally by infra/images/build-compose-images.sh (no
 * registry here) and chosen through the environment overrides the compose file offers. Tasks are
 * submitted over HTTP and by a plain Kafka producer on the host; a worker is stopped and started
 * again. On failure every service's log is saved under target/compose-logs and printed. The
 * project (containers, network, volumes) is always taken down.
 */
class ComposeIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path LOGS = Path.of("target", "compose-logs").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration HEALTHY_WITHIN = Duration.ofMinutes(3);
    private static final Duration TASK_WITHIN = Duration.ofSeconds(60);

    private final String project = "cube-it-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final String worker1 = project + "-w1";
    private final String worker2 = project + "-w2";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private List<String> compose;
    private Map<String, String> environment;
    private int httpPort;
    private int kafkaPort;

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void theComposeStackRunsTasksFromHttpAndKafkaAndSurvivesAWorkerRestart() throws Exception {
        buildImages();
        compose = composeCommand();
        httpPort = freePort();
        kafkaPort = freePort();
        environment = Map.of(
                "KAFKA_IMAGE", "cube/kafka:local",
                "JRE_IMAGE", "cube/jre:local",
                "CUBE_MANAGER_IMAGE", "cube/manager:local",
                "CUBE_WORKER_IMAGE", "cube/worker:local",
                "CUBE_HTTP_PORT", String.valueOf(httpPort),
                "CUBE_KAFKA_PORT", String.valueOf(kafkaPort),
                "CUBE_WORKER_1_ID", worker1,
                "CUBE_WORKER_2_ID", worker2);
        try {
            Instant start = Instant.now();
            composeOk(Duration.ofMinutes(3), "up", "-d", "--no-build");
            awaitHealthy("kafka", "manager", "worker-1", "worker-2");
            System.out.printf("ComposeIT: %s up and healthy in %d s%n", project, Duration.between(start, Instant.now()).toSeconds());
            for (String service : List.of("manager", "worker-1", "worker-2")) {
                assertThat(processStatus(service)).as("%s's process runs as uid 10001 with no capabilities", service)
                        .containsPattern("(?m)^Uid:\\s+10001\\s+10001\\s+10001\\s+10001$")
                        .containsPattern("(?m)^CapEff:\\s+0+$");
            }

            String overHttp = submitOverHttp();
            String overKafka = submitOverKafka();
            assertThat(awaitState(overHttp, "Completed").get("exitCode").asInt()).isZero();
            assertThat(awaitState(overKafka, "Completed").get("exitCode").asInt()).isZero();

            // worker-2 goes away: work goes to worker-1; back again, it takes work while worker-1 is away.
            composeOk(Duration.ofMinutes(1), "stop", "worker-2");
            awaitWorkerStatus(worker2, "left");
            String whileStopped = submitOverHttp();
            assertThat(awaitState(whileStopped, "Completed").get("workerId").asText()).isEqualTo(worker1);

            composeOk(Duration.ofMinutes(1), "start", "worker-2");
            awaitHealthy("worker-2");
            composeOk(Duration.ofMinutes(1), "stop", "worker-1");
            awaitWorkerStatus(worker1, "left");
            String afterRestart = submitOverKafka();
            JsonNode done = awaitState(afterRestart, "Completed");
            assertThat(done.get("workerId").asText()).isEqualTo(worker2);
            assertThat(done.get("exitCode").asInt()).isZero();

            composeOk(Duration.ofMinutes(1), "start", "worker-1");
            awaitHealthy("worker-1");
            System.out.printf("ComposeIT: all steps done in %d s%n", Duration.between(start, Instant.now()).toSeconds());
        } catch (Throwable failure) {
            saveAndPrintLogs();
            throw failure;
        } finally {
            tearDown();
        }
    }

    private void buildImages() {
        Result build = run(List.of(ROOT.resolve("infra/images/build-compose-images.sh").toString()), Map.of(), Duration.ofMinutes(10));
        System.out.println(build.output);
        assertThat(build.exitCode).as("infra/images/build-compose-images.sh:\n%s", build.output).isZero();
    }

    /** Compose v2 as a docker plugin if there is one, else docker-compose (1.29 on Debian). */
    private static List<String> composeCommand() {
        if (run(List.of("docker", "compose", "version"), Map.of(), Duration.ofSeconds(30)).exitCode == 0) {
            return List.of("docker", "compose");
        }
        Result legacy = run(List.of("docker-compose", "version"), Map.of(), Duration.ofSeconds(30));
        assertThat(legacy.exitCode).as("neither `docker compose` nor `docker-compose` works: %s", legacy.output).isZero();
        return List.of("docker-compose");
    }

    private Result compose(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(compose);
        command.addAll(List.of("-p", project, "-f", ROOT.resolve("docker-compose.yml").toString(),
                "--project-directory", ROOT.toString()));
        command.addAll(List.of(args));
        return run(command, environment, timeout);
    }

    private void composeOk(Duration timeout, String... args) {
        Result result = compose(timeout, args);
        assertThat(result.exitCode).as("compose %s:\n%s", String.join(" ", args), result.output).isZero();
    }

    private void awaitHealthy(String... services) {
        Map<String, String> health = new HashMap<>();
        await().atMost(HEALTHY_WITHIN).pollInterval(Duration.ofSeconds(1))
                .alias("compose services " + String.join(", ", services) + " healthy")
                .until(() -> {
                    for (String service : services) {
                        health.put(service, containerHealth(service));
                    }
                    return health.values().stream().allMatch("healthy"::equals);
                });
    }

    private String containerHealth(String service) {
        Result ids = run(List.of("docker", "ps", "--all", "--quiet", "--filter", "label=com.docker.compose.project=" + project,
                "--filter", "label=com.docker.compose.service=" + service), Map.of(), Duration.ofSeconds(30));
        String id = ids.output.strip();
        if (id.isEmpty()) {
            return "absent";
        }
        return run(List.of("docker", "inspect", "--format", "{{.State.Status}}/{{if .State.Health}}{{.State.Health.Status}}{{end}}", id),
                Map.of(), Duration.ofSeconds(30)).output.strip().replace("running/", "");
    }

    /** /proc/1/status of the service's container: who its main process runs as, with which capabilities. */
    private String processStatus(String service) {
        String id = run(List.of("docker", "ps", "--quiet", "--filter", "label=com.docker.compose.project=" + project,
                "--filter", "label=com.docker.compose.service=" + service), Map.of(), Duration.ofSeconds(30)).output.strip();
        Result status = run(List.of("docker", "exec", id, "cat", "/proc/1/status"), Map.of(), Duration.ofSeconds(30));
        assertThat(status.exitCode).as(status.output).isZero();
        return status.output;
    }

    private String submitOverHttp() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/api/v1/tasks"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"image\":\"cube/busybox:local\",\"command\":[\"sh\",\"-c\",\"exit 0\"]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).get("id").asText();
    }

    /** As any Kafka client on the host would: a CloudEvent keyed by the task id, to the port compose publishes. */
    private String submitOverKafka() throws Exception {
        String id = "compose-" + UUID.randomUUID();
        String event = "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"/compose-it\","
                + "\"type\":\"dev.cube.task.submitted\",\"subject\":\"" + id + "\",\"time\":\"" + Instant.now() + "\","
                + "\"data\":{\"spec\":{\"image\":\"cube/busybox:local\",\"command\":[\"sh\",\"-c\",\"exit 0\"]}}}";
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + kafkaPort,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("cube.task-events", id, event)).get(30, TimeUnit.SECONDS);
        }
        return id;
    }

    private JsonNode awaitState(String taskId, String state) throws Exception {
        Instant deadline = Instant.now().plus(TASK_WITHIN);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/api/v1/tasks/" + taskId)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                last = JSON.readTree(response.body());
                if (state.equals(last.path("state").asText())) {
                    return last;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("task " + taskId + " not " + state + " within " + TASK_WITHIN + "; last seen: " + last);
    }

    private void awaitWorkerStatus(String workerId, String status) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        String last = null;
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/api/v1/workers/" + workerId)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            last = response.body();
            if (response.statusCode() == 200 && status.equals(JSON.readTree(last).path("status").asText())) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("worker " + workerId + " not " + status + " within 60 s; last seen: " + last);
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + httpPort + path);
    }

    private void saveAndPrintLogs() {
        try {
            Files.createDirectories(LOGS);
            Result services = compose(Duration.ofSeconds(60), "config", "--services");
            for (String service : services.output.strip().lines().map(String::strip).filter(s -> !s.isEmpty()).toList()) {
                Result logs = compose(Duration.ofSeconds(60), "logs", "--no-color", "--timestamps", service);
                Path file = LOGS.resolve(project + "-" + service + ".log");
                Files.writeString(file, logs.output);
                System.out.printf("%n===== ComposeIT: logs of %s (%s) =====%n%s%n", service, file, logs.output);
            }
            System.out.printf("===== ComposeIT: %s =====%n", compose(Duration.ofSeconds(60), "ps").output);
        } catch (Exception e) {
            System.out.println("ComposeIT: could not save the logs: " + e);
        }
    }

    /** down -v, then whatever carries the project's label (should down have failed half-way). */
    private void tearDown() {
        if (compose == null) {
            return;
        }
        Result down = compose(Duration.ofMinutes(2), "down", "-v", "--remove-orphans", "--timeout", "10");
        if (down.exitCode != 0) {
            System.out.println("ComposeIT: down failed:\n" + down.output);
        }
        String label = "label=com.docker.compose.project=" + project;
        removeAll(List.of("docker", "ps", "--all", "--quiet", "--filter", label), List.of("docker", "rm", "--force", "--volumes"));
        removeAll(List.of("docker", "network", "ls", "--quiet", "--filter", label), List.of("docker", "network", "rm"));
        removeAll(List.of("docker", "volume", "ls", "--quiet", "--filter", label), List.of("docker", "volume", "rm", "--force"));
        // Task containers the workers of this project may have left on the host's engine.
        for (String worker : List.of(worker1, worker2)) {
            removeAll(List.of("docker", "ps", "--all", "--quiet", "--filter", "label=dev.cube.worker-id=" + worker),
                    List.of("docker", "rm", "--force"));
        }
    }

    private static void removeAll(List<String> list, List<String> remove) {
        List<String> ids = run(list, Map.of(), Duration.ofSeconds(30)).output.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (!ids.isEmpty()) {
            List<String> command = new ArrayList<>(remove);
            command.addAll(ids);
            run(command, Map.of(), Duration.ofMinutes(1));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Result run(List<String> command, Map<String, String> environment, Duration timeout) {
        try {
            Path output = Files.createTempFile("compose-it-", ".out");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
                builder.environment().putAll(environment);
                Process process = builder.start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor();
                    return new Result(-1, Files.readString(output, StandardCharsets.UTF_8) + "\n(timed out after " + timeout + ")");
                }
                return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private record Result(int exitCode, String output) {
    }
}
