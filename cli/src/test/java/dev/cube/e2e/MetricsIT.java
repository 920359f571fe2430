package dev.cube.e2e;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator graphs, end to end with a real worker on the real engine: the manager's and the
 * worker's {@code /prometheus} move when a task runs, and their readiness answers 200.
 */
class MetricsIT {

    static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = Cluster.start("metrics-" + UUID.randomUUID().toString().substring(0, 8), Map.of("cube.manager.metrics-interval", "500ms"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theMetricsMoveWhenATaskRunsAndADeadLetterIsWritten() throws Exception {
        // Ready once every partition of the fold has caught up and the placement stage decides: soon after start, not at once.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(managerGet("/health/readiness").statusCode()).isEqualTo(200));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(workerGet("/health/readiness").statusCode()).isEqualTo(200));
        String managerBefore = managerGet("/prometheus").body();
        String workerBefore = workerGet("/prometheus").body();

        String id = cluster.submit("{\"image\":\"cube/busybox:local\",\"command\":[\"sh\",\"-c\",\"echo metrics; exit 0\"],\"cpu\":0.1,\"memory\":32}");
        cluster.awaitState(id, "Completed");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.cube.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("cube.task-events", "not-json-" + id, "this is { not json")).get();
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String manager = managerGet("/prometheus").body();
            assertThat(increase(managerBefore, manager, "cube_tasks_submitted_total")).isGreaterThanOrEqualTo(1);
            assertThat(increase(managerBefore, manager, "cube_placements_total")).isGreaterThanOrEqualTo(1);
            assertThat(increase(managerBefore, manager, "cube_placement_latency_seconds_count")).isGreaterThanOrEqualTo(1);
            assertThat(increase(managerBefore, manager, "cube_task_submit_to_running_seconds_count")).isGreaterThanOrEqualTo(1);
            assertThat(increase(managerBefore, manager, "cube_task_transitions_total", "state=\"Completed\"")).isGreaterThanOrEqualTo(1);
            assertThat(increase(managerBefore, manager, "cube_projection_records_total", "outcome=\"applied\"")).isGreaterThanOrEqualTo(4);
            assertThat(increase(managerBefore, manager, "cube_dead_letters_total", "reason=\"invalid\"", "topic=\"cube.task-events\""))
                    .isGreaterThanOrEqualTo(1);
            assertThat(value(manager, "cube_tasks", "state=\"Completed\"")).isGreaterThanOrEqualTo(1);
            assertThat(value(manager, "cube_workers", "status=\"ready\"")).isEqualTo(1);
            assertThat(value(manager, "cube_worker_heartbeat_age_seconds", "worker=\"" + cluster.workerId + "\"")).isBetween(-1.0, 15.0);
            assertThat(value(manager, "cube_projection_lag_records", "topic=\"cube.task-events\"")).isBetween(0.0, 10.0);
            assertThat(value(manager, "cube_projection_caught_up")).isEqualTo(1);
            assertThat(increase(managerBefore, manager, "http_server_requests_seconds_count", "method=\"POST\"", "status=\"202\"", "uri=\"/api/v1/tasks\""))
                    .as("submissions over HTTP, Micronaut's own server metrics").isGreaterThanOrEqualTo(1);

            String worker = workerGet("/prometheus").body();
            assertThat(increase(workerBefore, worker, "cube_worker_container_starts_total", "outcome=\"started\"")).isGreaterThanOrEqualTo(1);
            assertThat(increase(workerBefore, worker, "cube_worker_engine_call_seconds_count", "call=\"start\"", "outcome=\"ok\"")).isGreaterThanOrEqualTo(1);
            assertThat(increase(workerBefore, worker, "cube_worker_engine_call_seconds_count", "call=\"list\"", "outcome=\"ok\"")).isGreaterThanOrEqualTo(1);
            assertThat(value(worker, "cube_worker_engine_up", "worker=\"" + cluster.workerId + "\"")).isEqualTo(1);
        });
    }

    private static HttpResponse<String> managerGet(String path) {
        return cluster.get(path);
    }

    private static HttpResponse<String> workerGet(String path) {
        URI management = cluster.cube.workerManagementUri();
        return cluster.send(HttpRequest.newBuilder(management.resolve(path)).GET().build());
    }

    /** How much the sample of {@code name} with {@code labels} grew from {@code before} to {@code after} (absent counts as 0). */
    static double increase(String before, String after, String name, String... labels) {
        return value(after, name, labels) - value(before, name, labels);
    }

    /** The sum of the samples of {@code name} whose labels include every one of {@code labels}, in Prometheus' text format; 0 if none. */
    static double value(String exposition, String name, String... labels) {
        return exposition.lines()
                .filter(line -> !line.startsWith("#"))
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> {
                    String labelPart = line.startsWith(name + "{") ? line.substring(name.length(), line.lastIndexOf('}') + 1) : "";
                    return Arrays.stream(labels).allMatch(labelPart::contains);
                })
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
