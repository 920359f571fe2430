package dev.cube.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cube.events.CubeEvent;
import dev.cube.events.EventData;
import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The repository's docker-compose.secure.yml, run as a user would run it, with secrets of its own (the
 * file's overrides): a broker with SASL_SSL (SCRAM) and ACLs whose certificate the stack makes, topics and
 * ACLs created by its setup service, a manager with API tokens and origin proofs, two workers with their
 * own principals and keys. A task submitted over HTTP with a submitter's token completes, and so does one
 * submitted from the host over SASL_SSL as the submitter principal (trusting the truststore copied out of
 * the stack); a PLAINTEXT client, a wrong password and the submitter writing cube.workers are refused by
 * the broker; the submitter's forged {@code dev.cube.task.running} is dead-lettered and changes nothing.
 * Logs are saved on failure; the project, volumes included, is always taken down.
 */
class ComposeSecureIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TASK_WITHIN = Duration.ofSeconds(90);
    private static final String SUBMITTER = "alice";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String submitterToken = "submitter-" + UUID.randomUUID();
    private final String viewerToken = "viewer-" + UUID.randomUUID();
    private final String adminPassword = secret();
    private final String submitterPassword = secret();
    private final String truststorePassword = secret();
    private ComposeProject project;
    private String worker1;
    private String worker2;
    private int httpPort;
    private int kafkaPort;
    private Path truststore;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void theSecureStackRunsTheTasksOfItsPrincipalsAndRefusesEveryoneElse() throws Exception {
        ComposeProject.buildImages();
        project = new ComposeProject("cube-sec-it", "docker-compose.secure.yml");
        worker1 = project.name + "-w1";
        worker2 = project.name + "-w2";
        httpPort = ComposeProject.freePort();
        kafkaPort = ComposeProject.freePort();
        Map<String, String> environment = new HashMap<>(Map.of(
                "KAFKA_IMAGE", "cube/kafka:local",
                "JRE_IMAGE", "cube/jre:local",
                "CUBE_MANAGER_IMAGE", "cube/manager:local",
                "CUBE_WORKER_IMAGE", "cube/worker:local",
                "CUBE_HTTP_PORT", String.valueOf(httpPort),
                "CUBE_KAFKA_PORT", String.valueOf(kafkaPort),
                "CUBE_WORKER_1_ID", worker1,
                "CUBE_WORKER_2_ID", worker2));
        environment.putAll(Map.of(
                "CUBE_KAFKA_ADMIN_PASSWORD", adminPassword,
                "CUBE_KAFKA_MANAGER_PASSWORD", secret(),
                "CUBE_KAFKA_WORKER_1_PASSWORD", secret(),
                "CUBE_KAFKA_WORKER_2_PASSWORD", secret(),
                "CUBE_KAFKA_SUBMITTER_USER", SUBMITTER,
                "CUBE_KAFKA_SUBMITTER_PASSWORD", submitterPassword,
                "CUBE_KAFKA_KEYSTORE_PASSWORD", secret(),
                "CUBE_KAFKA_TRUSTSTORE_PASSWORD", truststorePassword,
                "CUBE_CLUSTER_SECRET", secret()));
        environment.putAll(Map.of(
                "CUBE_OPERATOR_TOKEN", "operator-" + UUID.randomUUID(),
                "CUBE_SUBMITTER_TOKEN", submitterToken,
                "CUBE_VIEWER_TOKEN", viewerToken));
        project.environment(environment);
        try {
            Instant start = Instant.now();
            project.composeOk(Duration.ofMinutes(4), "up", "-d", "--no-build");
            project.awaitHealthy("kafka", "manager", "worker-1", "worker-2");
            assertThat(project.exitCode("tls")).isZero();
            assertThat(project.exitCode("keys")).isZero();
            assertThat(project.exitCode("setup")).isZero();
            System.out.printf("ComposeSecureIT: %s up and healthy in %d s%n", project.name, Duration.between(start, Instant.now()).toSeconds());

            truststore = Files.createTempFile(Path.of("target").toAbsolutePath(), project.name + "-truststore-", ".p12");
            project.copyOut("tls", "/tls/trust/truststore.p12", truststore);

            // HTTP: no token, no API; the submitter's token submits, the viewer's reads.
            assertThat(get("/api/v1/tasks", null).statusCode()).isEqualTo(401);
            String overHttp = submitOverHttp();

            // Kafka from the host: the submitter principal over SASL_SSL.
            String overKafka = "compose-sec-" + UUID.randomUUID();
            try (KafkaProducer<String, CubeEvent> alice = producer(sasl(SUBMITTER, submitterPassword))) {
                send(alice, Topics.TASK_EVENTS.name(), overKafka, new TaskEvent.Submitted(
                        new TaskSpec(null, "cube/busybox:local", List.of("sh", "-c", "exit 0"), null, 0.1, 32L, null, null, TaskSpec.RestartPolicy.NEVER, null, null)));
                assertThat(awaitState(overHttp, "Completed").get("exitCode").asInt()).isZero();
                JsonNode done = awaitState(overKafka, "Completed");
                assertThat(done.get("exitCode").asInt()).isZero();
                String worker = done.get("workerId").asText();
                assertThat(worker).isIn(worker1, worker2);

                // What the submitter may write but not say: a running for that task, as its worker.
                String forged = send(alice, Topics.TASK_EVENTS.name(), overKafka, new TaskEvent.Running(worker, 1, "forged", List.of()));
                Map<String, String> refused = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                        .until(this::deadLetterReasons, reasons -> reasons.containsKey(forged));
                assertThat(refused.get(forged)).contains("dev.cube.task.running is written by the worker it names only");
                JsonNode after = task(overKafka);
                assertThat(after.get("state").asText()).isEqualTo("Completed");
                assertThat(after.get("containerId").asText()).isEqualTo(done.get("containerId").asText());
                assertThat(after.get("eventCount").asInt()).isEqualTo(done.get("eventCount").asInt());

                // The broker's ACLs: the submitter may not write the workers' topic.
                assertThat(failure(() -> send(alice, Topics.WORKERS.name(), "ghost", new WorkerEvent.Heartbeat("ghost", "127.0.0.1",
                        new WorkerEvent.Capacity(64, 1 << 20, 1 << 20), Instant.now(), null))))
                        .hasRootCauseInstanceOf(TopicAuthorizationException.class);
            }

            // Nobody else gets in: not without TLS and SASL, not with a wrong password.
            Map<String, Object> plaintext = Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 8_000);
            try (KafkaProducer<String, CubeEvent> anonymous = producer(plaintext)) {
                assertThat(rootCause(failure(() -> send(anonymous, Topics.TASK_EVENTS.name(), "anon", new TaskEvent.StopRequested("anon")))))
                        .isInstanceOf(TimeoutException.class);
            }
            try (KafkaProducer<String, CubeEvent> impostor = producer(sasl(SUBMITTER, "not-" + submitterPassword))) {
                assertThat(failure(() -> send(impostor, Topics.TASK_EVENTS.name(), "impostor", new TaskEvent.StopRequested("impostor"))))
                        .hasRootCauseInstanceOf(SaslAuthenticationException.class);
            }
            System.out.printf("ComposeSecureIT: all steps done in %d s%n", Duration.between(start, Instant.now()).toSeconds());
        } catch (Throwable failure) {
            project.saveAndPrintLogs();
            throw failure;
        } finally {
            project.tearDown(worker1, worker2);
            if (truststore != null) {
                Files.deleteIfExists(truststore);
            }
        }
    }

    private static String secret() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /** What a client on the host sets to reach the stack's broker: SASL_SSL, SCRAM-SHA-512, the stack's truststore. */
    private Map<String, Object> sasl(String user, String password) {
        return Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";",
                "ssl.truststore.location", truststore.toString(),
                "ssl.truststore.type", "PKCS12",
                "ssl.truststore.password", truststorePassword);
    }

    private KafkaProducer<String, CubeEvent> producer(Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + kafkaPort,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000));
        config.putAll(settings);
        return new KafkaProducer<>(config, Topics.TASK_EVENTS.keySerde().serializer(), Topics.TASK_EVENTS.valueSerde().serializer());
    }

    /** Appends {@code data} as an outside producer would, and returns its event id. */
    private static String send(KafkaProducer<String, CubeEvent> producer, String topic, String subject, EventData data) throws Exception {
        CubeEvent event = CubeEvent.of("/compose-secure-it", subject, Instant.now(), data);
        producer.send(new ProducerRecord<>(topic, subject, event)).get(40, TimeUnit.SECONDS);
        return event.id();
    }

    private interface Step {
        void run() throws Exception;
    }

    private static Throwable failure(Step step) {
        try {
            step.run();
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("expected the broker to refuse this");
    }

    private static Throwable rootCause(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** The dead letters so far, by the id of the event each holds, with the reason: read as the admin. */
    private Map<String, String> deadLetterReasons() throws Exception {
        Map<String, Object> config = new HashMap<>(sasl("admin", adminPassword));
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + kafkaPort);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, String> reasons = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(Topics.DEAD_LETTERS.name(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null) {
                        reasons.put(JSON.readTree(record.value()).path("id").asText(),
                                new String(record.headers().lastHeader(Topics.DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return reasons;
    }

    private String submitOverHttp() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/api/v1/tasks"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + submitterToken)
                .POST(HttpRequest.BodyPublishers.ofString("{\"image\":\"cube/busybox:local\",\"command\":[\"sh\",\"-c\",\"exit 0\"]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).get("id").asText();
    }

    private JsonNode awaitState(String taskId, String state) throws Exception {
        Instant deadline = Instant.now().plus(TASK_WITHIN);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            last = task(taskId);
            if (last != null && state.equals(last.path("state").asText())) {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("task " + taskId + " not " + state + " within " + TASK_WITHIN + "; last seen: " + last);
    }

    private JsonNode task(String taskId) throws Exception {
        HttpResponse<String> response = get("/api/v1/tasks/" + taskId, viewerToken);
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + httpPort + path);
    }
}
