package dev.cube.manager.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cube.events.spec.Violation;
import dev.cube.events.wire.Json;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.swagger.v3.oas.annotations.media.Schema;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/** An RFC 9457 problem detail, as {@code application/problem+json}; {@code errors} names each offending field. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@Schema(name = "Problem", description = "An RFC 9457 problem detail (application/problem+json); errors only for a 400 that names fields",
        requiredProperties = {"type", "title", "status", "detail"})
public record Problem(
        @Schema(description = "https://cube.dev/problems/... or about:blank") String type,
        String title,
        int status,
        String detail,
        @Schema(description = "each offending field, as a JSON path such as ports[0].containerPort") List<Violation> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    static final String INVALID_REQUEST = "https://cube.dev/problems/invalid-request";
    static final String NOT_FOUND = "https://cube.dev/problems/not-found";
    static final String CONFLICT = "https://cube.dev/problems/conflict";

    public static MutableHttpResponse<String> unavailable(String detail, int retryAfterSeconds) {
        return respond(new Problem("https://cube.dev/problems/unavailable", "Service unavailable", 503, detail, List.of()))
                .header("Retry-After", String.valueOf(retryAfterSeconds));
    }

    /** A problem for an answer of {@code status} that only the status explains: its type is Cube's name for it, its title the reason phrase as the API's own titles are written ("Method not allowed"). */
    public static Problem of(HttpStatus status, String detail, List<Violation> errors) {
        String type = switch (status.getCode()) {
            case 400 -> INVALID_REQUEST;
            case 404 -> NOT_FOUND;
            case 405 -> "https://cube.dev/problems/method-not-allowed";
            case 406 -> "https://cube.dev/problems/not-acceptable";
            case 413 -> "https://cube.dev/problems/content-too-large";
            case 415 -> "https://cube.dev/problems/unsupported-media-type";
            case 500 -> "https://cube.dev/problems/internal-error";
            case 503 -> "https://cube.dev/problems/unavailable";
            default -> "about:blank";
        };
        String reason = status.getReason();
        String title = reason.isEmpty() ? reason : reason.charAt(0) + reason.substring(1).toLowerCase(Locale.ROOT);
        return new Problem(type, title, status.getCode(), detail, errors);
    }

    /** The problem as its JSON document. */
    public String toJson() {
        try {
            return Json.MAPPER.writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A 401: the request does not say who it is from, or says it in a way this manager does not take. */
    public static MutableHttpResponse<String> unauthenticated(String detail) {
        return respond(new Problem("https://cube.dev/problems/unauthenticated", "Unauthorized", 401, detail, List.of()));
    }

    /** The problem as an answer of its status, in {@value #MEDIA_TYPE}. */
    public static MutableHttpResponse<String> respond(Problem problem) {
        return HttpResponse.<String>status(HttpStatus.valueOf(problem.status()))
                .contentType(MEDIA_TYPE)
                .body(problem.toJson());
    }
}
