package dev.cube.manager.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cube.events.spec.Violation;
import dev.cube.events.wire.Json;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;

import java.io.UncheckedIOException;
import java.util.List;

/** An RFC 9457 problem detail, as {@code application/problem+json}; {@code errors} names each offending field. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, List<Violation> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static MutableHttpResponse<String> invalid(String title, List<Violation> errors) {
        String detail = errors.stream().map(Violation::toString).reduce((a, b) -> a + "; " + b).orElse(title);
        return respond(new Problem("https://cube.dev/problems/invalid-request", title, 400, detail, errors));
    }

    public static MutableHttpResponse<String> notFound(String detail) {
        return respond(new Problem("https://cube.dev/problems/not-found", "Not found", 404, detail, List.of()));
    }

    public static MutableHttpResponse<String> conflict(String detail) {
        return respond(new Problem("https://cube.dev/problems/conflict", "Conflict", 409, detail, List.of()));
    }

    public static MutableHttpResponse<String> unavailable(String detail, int retryAfterSeconds) {
        return respond(new Problem("https://cube.dev/problems/unavailable", "Service unavailable", 503, detail, List.of()))
                .header("Retry-After", String.valueOf(retryAfterSeconds));
    }

    private static MutableHttpResponse<String> respond(Problem problem) {
        try {
            return HttpResponse.<String>status(HttpStatus.valueOf(problem.status()))
                    .contentType(MEDIA_TYPE)
                    .body(Json.MAPPER.writeValueAsString(problem));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
