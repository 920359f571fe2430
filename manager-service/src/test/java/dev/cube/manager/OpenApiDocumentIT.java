package dev.cube.manager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.topics.Topics;
import dev.cube.events.wire.Json;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The manager's OpenAPI document ({@code /api/openapi.yml}) is a valid OpenAPI 3 document, and every
 * endpoint's real answers (successes and problems) match it: their status and media type are the
 * document's for that operation, and their bodies validate against its schemas. On a broker of its
 * own, with a worker that is only its heartbeats and reports, so that tasks go all the way to Completed.
 */
class OpenApiDocumentIT {

    static final String DOCUMENT = "https://cube.dev/api/openapi.json";
    static final String WORKER = "openapi-worker";
    /** A worker that heartbeats saying its container engine does not answer: it takes no work, and its answer has an engine with since and reason. */
    static final String ENGINE_DOWN = "openapi-engine-down";

    static IsolatedManager cube;
    static ScheduledExecutorService heartbeats;
    static final List<HttpResponse<String>> answers = new ArrayList<>();

    @BeforeAll
    static void start() {
        cube = new IsolatedManager().startManager(Map.of("cube.manager.worker-ttl", "6s", "cube.manager.verify-settle", "2s"));
        // Answers while the projection starts: a 503 problem, when the test is early enough to see one.
        HttpResponse<String> first = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> record(cube.get("/api/v1/tasks")), response -> response.statusCode() == 200);
        assertThat(first.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> cube.get("/health/readiness").statusCode() == 200);
        heartbeats = Executors.newSingleThreadScheduledExecutor();
        Instant startedAt = Instant.now();
        heartbeats.scheduleAtFixedRate(() -> cube.append(Topics.WORKERS.name(), List.of(CubeEvent.of("/cube/worker/" + WORKER, WORKER, Instant.now(),
                new WorkerEvent.Heartbeat(WORKER, "127.0.0.1", new WorkerEvent.Capacity(4, 4096, 10_000), startedAt,
                        new WorkerEvent.Stats(0.1, 512, 1000, 0.5, 0))),
                CubeEvent.of("/cube/worker/" + ENGINE_DOWN, ENGINE_DOWN, Instant.now(),
                        new WorkerEvent.Heartbeat(ENGINE_DOWN, "127.0.0.2", new WorkerEvent.Capacity(4, 4096, 10_000), startedAt, null,
                                WorkerEvent.Engine.unreachable(startedAt, "No Docker engine answers at unix:///var/run/docker.sock"))))), 0, 1, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        if (heartbeats != null) {
            heartbeats.shutdownNow();
        }
        if (cube != null) {
            cube.close();
        }
    }

    @Test
    void theDocumentIsValidAndEveryEndpointAnswersAsItSays() throws Exception {
        HttpResponse<String> served = cube.get("/api/openapi.yml");
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/yaml"));

        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIParser().readContents(served.body(), null, options);
        assertThat(parsed.getMessages()).as("what the OpenAPI parser finds wrong with the document").isEmpty();
        assertThat(parsed.getOpenAPI().getOpenapi()).startsWith("3.");
        assertThat(parsed.getOpenAPI().getInfo().getTitle()).isEqualTo("Cube");

        JsonNode document = new YAMLMapper().readTree(served.body());
        // Bearer tokens (docs/security.md): the scheme, required by every operation, and the two refusals on each.
        assertThat(document.at("/components/securitySchemes/bearer/type").asText()).isEqualTo("http");
        assertThat(document.at("/components/securitySchemes/bearer/scheme").asText()).isEqualTo("bearer");
        assertThat(document.at("/security/0").has("bearer")).as("the document's security requirement").isTrue();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            for (String refusal : List.of("401", "403")) {
                assertThat(op.getValue().at("/responses/" + refusal + "/content").has("application/problem+json"))
                        .as("%s %s documents %s as a problem", op.getKey(), path.getKey(), refusal).isTrue();
            }
        }));
        Schema page = schema(document, "#/components/schemas/TaskPage");
        assertThat(page.validate(Json.MAPPER.readTree("{\"items\":\"none\",\"nextOffset\":null}"))).as("a wrong body is caught").isNotEmpty();
        assertThat(page.validate(Json.MAPPER.readTree("{\"items\":[{\"id\":\"t\",\"state\":\"Sleepy\"}]}"))).as("a wrong state is caught").isNotEmpty();
        exercise();
        Set<String> checked = new TreeSet<>();
        for (HttpResponse<String> answer : answers) {
            checked.add(check(document, answer));
        }
        assertThat(checked).as("operations whose answers were checked").containsAll(operations(document));
    }

    /** Calls every endpoint, successes and refusals, as a user of the API would. */
    private static void exercise() throws Exception {
        String spec = "{\"name\":\"openapi\",\"image\":\"cube/busybox:local\",\"command\":[\"echo\",\"hi\"],\"cpu\":0.1,\"memory\":64,"
                + "\"ports\":[{\"containerPort\":8080}],\"restartPolicy\":{\"mode\":\"on-failure\",\"maxRestarts\":1},"
                + "\"healthCheck\":{\"path\":\"/\",\"intervalSeconds\":5},\"labels\":{\"team\":\"ops\"},\"env\":{\"A\":\"1\"}}";
        String done = id(record(cube.post("/api/v1/tasks", spec)));
        String pending = id(record(cube.post("/api/v1/tasks", "{\"image\":\"cube/busybox:local\",\"cpu\":1000}")));
        String stopped = id(record(cube.post("/api/v1/tasks", "{\"image\":\"cube/busybox:local\",\"cpu\":1000}")));
        record(cube.post("/api/v1/tasks", "{\"image\":\"cube/busybox:local\",\"memory\":-5,\"ports\":[{\"containerPort\":0}]}"));
        record(cube.post("/api/v1/tasks", "{\"name\":"));

        JsonNode scheduled = await().atMost(Duration.ofSeconds(60)).until(() -> json(cube.get("/api/v1/tasks/" + done)),
                task -> "Scheduled".equals(task.path("state").asText()));
        assertThat(scheduled.get("workerId").asText()).isEqualTo(WORKER);
        Instant beforeRunning = Instant.now();
        cube.append(Topics.TASK_EVENTS.name(), List.of(
                CubeEvent.withDerivedId(done + "/1/running", "/cube/worker/" + WORKER, done, Instant.now(),
                        new TaskEvent.Running(WORKER, 1, "c0ffee" + UUID.randomUUID().toString().replace("-", ""),
                                List.of(new TaskEvent.PublishedPort(8080, 49153, "0.0.0.0")))),
                CubeEvent.withDerivedId(done + "/1/completed", "/cube/worker/" + WORKER, done, Instant.now(), new TaskEvent.Completed(1, 0))));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cube.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.TASK_EVENTS.name(), done, "this is { not json")).get();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> "Completed".equals(json(cube.get("/api/v1/tasks/" + done)).path("state").asText()));
        await().atMost(Duration.ofSeconds(30)).until(() -> json(cube.get("/api/v1/tasks/" + pending)).has("reason"));

        record(cube.get("/api/v1/tasks/" + done));
        record(cube.get("/api/v1/tasks/" + pending));
        record(cube.get("/api/v1/tasks/" + UUID.randomUUID()));
        record(cube.get("/api/v1/tasks/" + done + "?asOf=" + beforeRunning));
        record(cube.get("/api/v1/tasks/" + done + "?asOf=2000-01-01T00:00:00Z"));
        record(cube.get("/api/v1/tasks/" + done + "?asOf=yesterday"));
        record(cube.get("/api/v1/tasks"));
        record(cube.get("/api/v1/tasks?limit=1"));
        record(cube.get("/api/v1/tasks?state=pending&offset=0&limit=10"));
        record(cube.get("/api/v1/tasks?asOf=" + Instant.now()));
        record(cube.get("/api/v1/tasks?state=sleepy"));
        record(cube.get("/api/v1/tasks?limit=0"));
        record(cube.get("/api/v1/tasks?partial=true&limit=5"));
        record(cube.get("/api/v1/tasks?partial=maybe"));
        record(cube.get("/api/v1/tasks/" + done + "/events"));
        record(cube.get("/api/v1/tasks/" + UUID.randomUUID() + "/events"));
        record(cube.get("/api/v1/tasks/" + done + "/history"));
        record(cube.get("/api/v1/tasks/" + UUID.randomUUID() + "/history"));
        record(cube.delete("/api/v1/tasks/" + stopped));
        record(cube.delete("/api/v1/tasks/" + done));
        record(cube.delete("/api/v1/tasks/" + UUID.randomUUID()));

        record(cube.get("/api/v1/tasks/" + done + "/logs"));
        record(cube.send(HttpRequest.newBuilder(cube.uri("/api/v1/tasks/" + done + "/logs?attempt=1&stream=stdout"))
                .header("Accept", "application/x-ndjson").GET().build()));
        record(cube.get("/api/v1/tasks/" + done + "/logs?stream=both"));
        record(cube.get("/api/v1/tasks/" + UUID.randomUUID() + "/logs"));
        record(cube.get("/api/v1/events?task=" + done + "&limit=5"));
        record(cube.get("/api/v1/events?type=completed&from=beginning&limit=1"));
        record(cube.get("/api/v1/events?limit=0"));
        record(cube.get("/api/v1/events?from=yesterday"));
        record(cube.get("/api/v1/events?from=" + beforeRunning + "&limit=5"));

        HttpResponse<String> letters = await().atMost(Duration.ofSeconds(30)).until(() -> cube.get("/api/v1/dead-letters"),
                answer -> answer.statusCode() == 200 && answer.body().contains("this is { not json"));
        record(letters);
        record(cube.get("/api/v1/dead-letters?limit=1&before=" + json(letters).get("end").asLong()));
        record(cube.get("/api/v1/dead-letters?limit=0"));
        record(cube.get("/api/v1/dead-letters?before=last"));
        HttpResponse<String> verdict = record(cube.post("/api/v1/projection/verify", ""));
        assertThat(json(verdict).get("equal").asBoolean()).as(verdict.body()).isTrue();
        // A task the live projection shows and the log never had: the check names it.
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cube.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.TASK_STATE.name(), "ghost", "{\"id\":\"ghost\",\"state\":\"Running\"}")).get();
            JsonNode different = json(record(cube.post("/api/v1/projection/verify", "")));
            assertThat(different.get("equal").asBoolean()).isFalse();
            assertThat(different.get("differences")).singleElement().satisfies(d -> {
                assertThat(d.get("task").asText()).isEqualTo("ghost");
                assertThat(d.get("field").asText()).isEqualTo("task");
                assertThat(d.get("rebuilt").asText()).isEqualTo("absent");
            });
            producer.send(new ProducerRecord<>(Topics.TASK_STATE.name(), "ghost", null)).get();
        }

        record(cube.get("/api/v1/workers"));
        record(cube.get("/api/v1/workers/" + WORKER));
        record(await().atMost(Duration.ofSeconds(30)).until(() -> cube.get("/api/v1/workers/" + ENGINE_DOWN),
                response -> response.statusCode() == 200 && response.body().contains("\"engine-unreachable\"")));
        record(cube.get("/api/v1/workers/nobody"));
        record(cube.post("/api/v1/workers/" + WORKER + "/drain", ""));
        record(cube.post("/api/v1/workers/nobody/drain", ""));
        record(cube.post("/api/v1/workers/" + WORKER + "/undrain", ""));
        record(cube.post("/api/v1/workers/nobody/undrain", ""));
    }

    /**
     * Checks one answer against the document: its operation, its status among that operation's, its media
     * type among that status', its body against that media type's schema. Answers the operation checked.
     */
    private static String check(JsonNode document, HttpResponse<String> answer) throws Exception {
        String method = answer.request().method().toLowerCase();
        String path = answer.request().uri().getPath();
        String template = template(document, path);
        assertThat(template).as("a path of the document for %s %s", method, path).isNotNull();
        JsonNode operation = document.path("paths").path(template).path(method);
        assertThat(operation.isMissingNode()).as("%s %s in the document", method, template).isFalse();
        String status = String.valueOf(answer.statusCode());
        JsonNode response = operation.path("responses").path(status);
        assertThat(response.isMissingNode()).as("status %s of %s %s in the document (body %s)", status, method, template, answer.body()).isFalse();
        String mediaType = answer.headers().firstValue("Content-Type").orElseThrow().split(";")[0].trim();
        assertThat(response.path("content").has(mediaType)).as("%s for %s of %s %s", mediaType, status, method, template).isTrue();
        if (response.has("headers") && response.path("headers").has("Location")) {
            assertThat(answer.headers().firstValue("Location")).as("Location of %s %s", method, path).isPresent();
        }
        if (!mediaType.endsWith("json")) {
            return method + " " + template; // text/plain output: no schema beyond "a string"
        }
        if (mediaType.equals("application/x-ndjson")) {
            for (String line : answer.body().split("\n")) {
                if (!line.isBlank()) {
                    assertThat(Json.MAPPER.readTree(line).isObject()).as("each NDJSON line of %s is a JSON object: %s", path, line).isTrue();
                }
            }
            return method + " " + template;
        }
        String pointer = "#/paths/" + escape(template) + "/" + method + "/responses/" + status + "/content/" + escape(mediaType) + "/schema";
        List<Error> errors = schema(document, pointer).validate(Json.MAPPER.readTree(answer.body()));
        assertThat(errors).as("%s %s answered %s: %s", method, answer.request().uri(), status, answer.body()).isEmpty();
        return method + " " + template;
    }

    /** The schema at {@code pointer} of the document, its references resolved within the document (OpenAPI 3.0's dialect). */
    private static Schema schema(JsonNode document, String pointer) {
        return SchemaRegistry.withDialect(Dialects.getOpenApi30(), builder -> builder.schemas(Map.of(DOCUMENT, document.toString())))
                .getSchema(SchemaLocation.of(DOCUMENT + pointer));
    }

    private static Set<String> operations(JsonNode document) {
        Set<String> all = new TreeSet<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> all.add(op.getKey() + " " + path.getKey())));
        return all;
    }

    /** The document's path template that {@code path} matches ({@code /api/v1/tasks/{id}}), the most literal first. */
    private static String template(JsonNode document, String path) {
        String best = null;
        for (Iterator<String> it = document.path("paths").fieldNames(); it.hasNext(); ) {
            String template = it.next();
            String regex = Pattern.quote(template).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
            if (path.matches(regex) && (best == null || template.chars().filter(c -> c == '{').count() < best.chars().filter(c -> c == '{').count())) {
                best = template;
            }
        }
        return best;
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static HttpResponse<String> record(HttpResponse<String> response) {
        answers.add(response);
        return response;
    }

    private static String id(HttpResponse<String> created) {
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        return json(created).get("id").asText();
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
