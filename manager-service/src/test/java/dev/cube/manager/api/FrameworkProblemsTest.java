package dev.cube.manager.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.wire.Json;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The errors the framework answers itself come as problem+json, like the API's own: on an HTTP
 * server with only the routes below (the manager's need Kafka; {@code TaskApiIT} checks them).
 */
class FrameworkProblemsTest {

    static EmbeddedServer server;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = ApplicationContext.run(EmbeddedServer.class, Map.of("micronaut.server.port", -1, "spec.name", "FrameworkProblemsTest"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Order(int count) {
    }

    @Controller("/test")
    @Requires(property = "spec.name", value = "FrameworkProblemsTest")
    static class Routes {

        @Post("/orders")
        @Consumes(MediaType.APPLICATION_JSON)
        String order(@Body Order order) {
            return "{\"count\":" + order.count() + "}";
        }

        @Get("/broken")
        String broken() {
            throw new IllegalStateException("the secret of the broken route");
        }
    }

    private static HttpResponse<String> send(String method, String path, String contentType, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURI() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode problem(HttpResponse<String> response, int status) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith(Problem.MEDIA_TYPE));
        JsonNode problem = Json.MAPPER.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("type").asText()).startsWith("https://cube.dev/problems/");
        assertThat(problem.get("title").asText()).isNotBlank();
        return problem;
    }

    @Test
    void anUnknownRouteIsANotFoundProblemNamingIt() throws Exception {
        JsonNode problem = problem(send("GET", "/api/v1/taks", null, null), 404);

        assertThat(problem.get("type").asText()).isEqualTo("https://cube.dev/problems/not-found");
        assertThat(problem.get("title").asText()).isEqualTo("Not found");
        assertThat(problem.get("detail").asText()).isEqualTo("no such resource: GET /api/v1/taks");
    }

    @Test
    void aMethodTheRouteDoesNotTakeIsAMethodNotAllowedProblemSayingWhichItTakes() throws Exception {
        HttpResponse<String> response = send("DELETE", "/test/broken", null, null);

        JsonNode problem = problem(response, 405);
        assertThat(problem.get("type").asText()).isEqualTo("https://cube.dev/problems/method-not-allowed");
        assertThat(problem.get("title").asText()).isEqualTo("Method not allowed");
        assertThat(problem.get("detail").asText()).isEqualTo("DELETE is not allowed on /test/broken; it takes HEAD, GET");
        assertThat(response.headers().firstValue("Allow")).hasValueSatisfying(allow -> assertThat(allow).contains("GET"));
    }

    @Test
    void aBodyOfAnotherMediaTypeIsAnUnsupportedMediaTypeProblem() throws Exception {
        JsonNode problem = problem(send("POST", "/test/orders", "text/xml", "<order count='1'/>"), 415);

        assertThat(problem.get("type").asText()).isEqualTo("https://cube.dev/problems/unsupported-media-type");
        assertThat(problem.get("detail").asText()).contains("text/xml");
    }

    @Test
    void anUnreadableBodyIsAnInvalidRequestProblem() throws Exception {
        JsonNode notJson = problem(send("POST", "/test/orders", "application/json", "{\"count\":"), 400);
        JsonNode wrongType = problem(send("POST", "/test/orders", "application/json", "{\"count\":\"lots\"}"), 400);

        assertThat(notJson.get("type").asText()).isEqualTo("https://cube.dev/problems/invalid-request");
        assertThat(notJson.get("detail").asText()).contains("Invalid JSON");
        assertThat(wrongType.get("detail").asText()).contains("\"lots\"");
        assertThat(wrongType.get("errors").get(0).get("message").asText()).contains("\"lots\"");
    }

    @Test
    void anUnexpectedExceptionIsAnInternalErrorProblemThatKeepsItsMessageInTheLog() throws Exception {
        JsonNode problem = problem(send("GET", "/test/broken", null, null), 500);

        assertThat(problem.get("type").asText()).isEqualTo("https://cube.dev/problems/internal-error");
        assertThat(problem.get("detail").asText()).isEqualTo("the manager failed unexpectedly on GET /test/broken; its log says why");
        assertThat(problem.toString()).doesNotContain("secret");
    }

    @Test
    void aHeadRequestGetsTheStatusWithoutABody() throws Exception {
        HttpResponse<String> response = send("HEAD", "/api/v1/taks", null, null);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void aRouteThatWorksIsNotTouched() throws Exception {
        HttpResponse<String> response = send("POST", "/test/orders", "application/json", "{\"count\":2}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"count\":2}");
    }
}
