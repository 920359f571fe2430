package dev.cube.manager;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.wire.Json;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fuzzing the HTTP API of a real manager (on a real broker): whatever method, path, query, media type and
 * body a client sends, the answer is never a 5xx, and every refusal is application/problem+json with a
 * detail.
 */
class ApiFuzzIT {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String SPEC = "{\"image\":\"cube/busybox:local\",\"command\":[\"true\"],\"cpu\":0.1,\"memory\":16,"
            + "\"ports\":[{\"containerPort\":8080}],\"restartPolicy\":{\"mode\":\"never\"},\"labels\":{\"k\":\"v\"}}";
    static final List<String> HOSTILE = List.of("-1", "0", "1e309", "9223372036854775808", "null", "\"\"", "[]", "{}", "\"x\"", "true",
            "\"" + "y".repeat(3000) + "\"", "\"\\u0000\"", "1.5", "{\"a\":[]}");

    record Request(String method, String path, String contentType, String body) {
    }

    @BeforeContainer
    static void managerIsReady() {
        await().atMost(Duration.ofSeconds(120)).until(() -> RunningManager.get().get("/health/readiness").statusCode() == 200);
    }

    @Provide
    Arbitrary<Request> requests() {
        Arbitrary<String> methods = Arbitraries.of("GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS");
        Arbitrary<String> ids = Arbitraries.oneOf(Arbitraries.of("", "x", "..", "%2F", "%00", "a%20b", "ü", "~caught-up", "manager%2Fcube",
                "w1", "00000000-0000-0000-0000-000000000000"), Arbitraries.strings().withCharRange('!', '~').ofMaxLength(12).map(ApiFuzzIT::encode));
        Arbitrary<String> queries = Arbitraries.oneOf(Arbitraries.of("", "?state=Running", "?state=running", "?state=Teleported", "?limit=-1",
                "?limit=100000", "?offset=-5", "?offset=x", "?limit=1e3", "?asOf=yesterday", "?asOf=2026-12-01T12:00:00Z", "?asOf=",
                "?state=Pending&limit=1&offset=0", "?foo=bar"), Arbitraries.strings().withCharRange('!', '~').ofMaxLength(10).map(s -> "?" + encode(s)));
        Arbitrary<String> paths = Combinators.combine(Arbitraries.of("/api/v1/tasks", "/api/v1/tasks/%s", "/api/v1/tasks/%s/events",
                "/api/v1/tasks/%s/history", "/api/v1/tasks/%s/logs", "/api/v1/events", "/api/v1/workers", "/api/v1/workers/%s", "/api/v1/workers/%s/drain", "/api/v1/workers/%s/undrain",
                "/api/v1/%s", "/api/openapi.yml", "/%s", "/health/%s"), ids, queries).as((template, id, query) -> template.replace("%s", id) + query);
        Arbitrary<String> types = Arbitraries.of("application/json", "application/json; charset=UTF-8", "text/plain", "application/xml",
                "application/cloudevents+json", "multipart/form-data", "");
        Arbitrary<String> bodies = Arbitraries.oneOf(
                Combinators.combine(Arbitraries.integers().between(0, SPEC.length()), Arbitraries.of(HOSTILE), Arbitraries.integers().between(0, 6))
                        .as(ApiFuzzIT::mutate),
                Arbitraries.strings().withChars("{}[]\":,0123456789.-eEtrufalsn imagecpuports").ofMaxLength(120),
                Arbitraries.of("", SPEC, "{}", "[]", "null", "{\"image\":\"\"}", "{\"image\":\"a\",\"memory\":-1}", "{\"image\":\"a\",\"unknown\":1}"));
        return Combinators.combine(methods, paths, types, bodies).as(Request::new);
    }

    @Property(tries = 10_000)
    void noRequestGetsA5xxAndEveryRefusalIsAProblem(@ForAll("requests") Request r) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(RunningManager.get().uri("/").toString().replaceAll("/$", "") + r.path()))
                .timeout(Duration.ofSeconds(30))
                .method(r.method(), r.method().equals("GET") || r.method().equals("HEAD") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(r.body(), StandardCharsets.UTF_8));
        if (!r.contentType().isEmpty()) {
            builder.header("Content-Type", r.contentType());
        }
        HttpResponse<String> answer = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).as("%s %s (%s) %s -> %s", r.method(), r.path(), r.contentType(), r.body(), answer.body()).isLessThan(500);
        if (answer.statusCode() >= 400 && !r.method().equals("HEAD")) {
            assertThat(answer.headers().firstValue("Content-Type")).as("%s %s -> %s", r.method(), r.path(), answer.body())
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            JsonNode problem = Json.MAPPER.readTree(answer.body());
            assertThat(problem.path("status").asInt()).isEqualTo(answer.statusCode());
            assertThat(problem.path("detail").asText()).isNotBlank();
        }
    }

    private static String mutate(int at, String hostile, int cut) {
        int colon = SPEC.indexOf(':', at);
        String s = SPEC;
        if (colon >= 0) {
            int end = colon + 1;
            while (end < s.length() && ",}]".indexOf(s.charAt(end)) < 0) {
                end++;
            }
            s = s.substring(0, colon + 1) + hostile + s.substring(end);
        }
        int from = Math.min(at, s.length());
        return s.substring(0, from) + s.substring(Math.min(s.length(), from + cut));
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
