package dev.cube.manager;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.wire.Json;
import dev.cube.infra.SharedKafka;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP API with bearer tokens: who may read, submit, stop and drain, and what a refusal says. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiSecurityIT {

    static final String VIEWER = "viewer-token-" + UUID.randomUUID();
    static final String SUBMITTER = "submitter-token-" + UUID.randomUUID();
    static final String OPERATOR = "operator-token-" + UUID.randomUUID();
    static final String SPEC = "{\"image\":\"cube/busybox:local\",\"command\":[\"true\"]}";

    ApplicationContext manager;
    URI base;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "api-security-");
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, "# role token name\noperator " + OPERATOR + " ops\n");
        manager = ManagerApplication.start(Map.of(
                "cube.kafka.bootstrap", SharedKafka.bootstrapServers(),
                "cube.manager.application-id", "cube-api-security-" + UUID.randomUUID(),
                "cube.manager.state-dir", dir.resolve("state").toString(),
                "cube.security.tokens", "viewer:" + VIEWER + ",submitter:" + SUBMITTER,
                "cube.security.tokens-file", tokens.toString(),
                "micronaut.server.port", -1));
        base = manager.getBean(EmbeddedServer.class).getURI();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(120))
                .until(() -> send("GET", "/health/readiness", null, null).statusCode() == 200);
    }

    @AfterAll
    void stop() {
        if (manager != null) {
            manager.close();
        }
    }

    @Test
    void withoutATokenTheApiAnswers401AsAProblemNamingWhatIsMissing() throws Exception {
        HttpResponse<String> answer = send("GET", "/api/v1/tasks", null, null);

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(answer.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        JsonNode problem = Json.MAPPER.readTree(answer.body());
        assertThat(problem.get("status").asInt()).isEqualTo(401);
        assertThat(problem.get("detail").asText()).contains("a bearer token is required").contains("GET /api/v1/tasks needs the role viewer");

        HttpResponse<String> wrong = send("POST", "/api/v1/tasks", "not-a-token-of-this-manager", SPEC);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(Json.MAPPER.readTree(wrong.body()).get("detail").asText()).contains("not one this manager takes");
    }

    @Test
    void aViewerReadsButMayNotSubmit() throws Exception {
        assertThat(send("GET", "/api/v1/tasks", VIEWER, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/v1/workers", VIEWER, null).statusCode()).isEqualTo(200);

        HttpResponse<String> refused = send("POST", "/api/v1/tasks", VIEWER, SPEC);

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(Json.MAPPER.readTree(refused.body()).get("detail").asText())
                .isEqualTo("POST /api/v1/tasks needs the role submitter (or operator); this token's role is viewer");
    }

    @Test
    void aSubmitterSubmitsAndStopsButMayNotDrain() throws Exception {
        HttpResponse<String> accepted = send("POST", "/api/v1/tasks", SUBMITTER, SPEC);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = Json.MAPPER.readTree(accepted.body()).get("id").asText();

        HttpResponse<String> stop = send("DELETE", "/api/v1/tasks/" + id, SUBMITTER, null);
        assertThat(stop.statusCode()).as(stop.body()).isIn(202, 404);

        HttpResponse<String> drain = send("POST", "/api/v1/workers/w1/drain", SUBMITTER, null);
        assertThat(drain.statusCode()).isEqualTo(403);
        assertThat(Json.MAPPER.readTree(drain.body()).get("detail").asText()).contains("needs the role operator");
    }

    @Test
    void anOperatorDrainsAndUndrains() throws Exception {
        String worker = "w-" + UUID.randomUUID().toString().substring(0, 8);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", SharedKafka.bootstrapServers()),
                dev.cube.events.topics.Topics.WORKERS.keySerde().serializer(), dev.cube.events.topics.Topics.WORKERS.valueSerde().serializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(dev.cube.events.topics.Topics.WORKERS.name(), worker,
                    dev.cube.events.CubeEvent.of("/test", worker, java.time.Instant.now(), new dev.cube.events.WorkerEvent.Heartbeat(worker, "127.0.0.1",
                            new dev.cube.events.WorkerEvent.Capacity(1, 512, 512), java.time.Instant.now(), null)))).get();
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> send("GET", "/api/v1/workers/" + worker, VIEWER, null).statusCode() == 200);

        try {
            assertThat(send("POST", "/api/v1/workers/" + worker + "/drain", OPERATOR, null).statusCode()).isEqualTo(202);
            assertThat(send("POST", "/api/v1/workers/" + worker + "/undrain", OPERATOR, null).statusCode()).isEqualTo(202);
            assertThat(send("POST", "/api/v1/tasks", OPERATOR, SPEC).statusCode()).isEqualTo(202);
        } finally {
            // The broker is shared with the other tests' managers: the made-up worker leaves, or they place their tasks on it.
            try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", SharedKafka.bootstrapServers()),
                    dev.cube.events.topics.Topics.WORKERS.keySerde().serializer(), dev.cube.events.topics.Topics.WORKERS.valueSerde().serializer())) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(dev.cube.events.topics.Topics.WORKERS.name(), worker,
                        dev.cube.events.CubeEvent.of("/test", worker, java.time.Instant.now(), new dev.cube.events.WorkerEvent.Left(worker, "the test is done")))).get();
            }
        }
    }

    @Test
    void healthAndMetricsStayOpen() {
        assertThat(send("GET", "/health/liveness", null, null).statusCode()).isIn(200, 503);
        assertThat(send("GET", "/health/readiness", null, null).statusCode()).isIn(200, 503);
        assertThat(send("GET", "/prometheus", null, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/openapi.yml", null, null).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> send(String method, String path, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
