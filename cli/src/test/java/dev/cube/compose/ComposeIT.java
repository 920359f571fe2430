package dev.cube.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository's docker-compose.yml, run as a user would run it: Kafka, the manager and two
 * workers in containers, on images built locally by infra/images/build-compose-images.sh (no
 * registry here) and chosen through the environment overrides the compose file offers. Tasks are
 * submitted over HTTP and by a plain Kafka producer on the host; a worker is stopped and started
 * again. On failure every service's log is saved under target/compose-logs and printed. The
 * project (containers, network, volumes) is always taken down.
 */
class ComposeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TASK_WITHIN = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ComposeProject project;
    private String worker1;
    private String worker2;
    private int httpPort;
    private int kafkaPort;

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void theComposeStackRunsTasksFromHttpAndKafkaAndSurvivesAWorkerRestart() throws Exception {
        ComposeProject.buildImages();
        project = new ComposeProject("cube-it", "docker-compose.yml");
        worker1 = project.name + "-w1";
        worker2 = project.name + "-w2";
        httpPort = ComposeProject.freePort();
        kafkaPort = ComposeProject.freePort();
        project.environment(Map.of(
                "KAFKA_IMAGE", "cube/kafka:local",
                "JRE_IMAGE", "cube/jre:local",
                "CUBE_MANAGER_IMAGE", "cube/manager:local",
                "CUBE_WORKER_IMAGE", "cube/worker:local",
                "CUBE_HTTP_PORT", String.valueOf(httpPort),
                "CUBE_KAFKA_PORT", String.valueOf(kafkaPort),
                "CUBE_WORKER_1_ID", worker1,
                "CUBE_WORKER_2_ID", worker2));
        try {
            Instant start = Instant.now();
            project.composeOk(Duration.ofMinutes(3), "up", "-d", "--no-build");
            project.awaitHealthy("kafka", "manager", "worker-1", "worker-2");
            System.out.printf("ComposeIT: %s up and healthy in %d s%n", project.name, Duration.between(start, Instant.now()).toSeconds());
            for (String service : List.of("manager", "worker-1", "worker-2")) {
                assertThat(project.processStatus(service)).as("%s's process runs as uid 10001 with no capabilities", service)
                        .containsPattern("(?m)^Uid:\\s+10001\\s+10001\\s+10001\\s+10001$")
                        .containsPattern("(?m)^CapEff:\\s+0+$");
            }

            String overHttp = submitOverHttp();
            String overKafka = submitOverKafka();
            assertThat(awaitState(overHttp, "Completed").get("exitCode").asInt()).isZero();
            assertThat(awaitState(overKafka, "Completed").get("exitCode").asInt()).isZero();

            // worker-2 goes away: work goes to worker-1; back again, it takes work while worker-1 is away.
            project.composeOk(Duration.ofMinutes(1), "stop", "worker-2");
            awaitWorkerStatus(worker2, "left");
            String whileStopped = submitOverHttp();
            assertThat(awaitState(whileStopped, "Completed").get("workerId").asText()).isEqualTo(worker1);

            project.composeOk(Duration.ofMinutes(1), "start", "worker-2");
            project.awaitHealthy("worker-2");
            project.composeOk(Duration.ofMinutes(1), "stop", "worker-1");
            awaitWorkerStatus(worker1, "left");
            String afterRestart = submitOverKafka();
            JsonNode done = awaitState(afterRestart, "Completed");
            assertThat(done.get("workerId").asText()).isEqualTo(worker2);
            assertThat(done.get("exitCode").asInt()).isZero();

            project.composeOk(Duration.ofMinutes(1), "start", "worker-1");
            project.awaitHealthy("worker-1");
            System.out.printf("ComposeIT: all steps done in %d s%n", Duration.between(start, Instant.now()).toSeconds());
        } catch (Throwable failure) {
            project.saveAndPrintLogs();
            throw failure;
        } finally {
            project.tearDown(worker1, worker2);
        }
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
}
