package dev.cube.manager.api;

import dev.cube.events.spec.Violation;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * The errors Micronaut answers itself, as the API's own {@link Problem}s: no such route (404), a
 * method the route does not take (405), a body of a media type it does not read (415), a body it
 * cannot read (400), an exception no handler took (500), and any other status the framework sets.
 * Being an {@link ErrorResponseProcessor} bean, it replaces Micronaut's JSON and HTML error bodies.
 * An unexpected exception's message stays in the manager's log, which Micronaut writes; the answer
 * does not repeat it.
 */
@Singleton
final class FrameworkProblems implements ErrorResponseProcessor<String> {

    @Override
    public MutableHttpResponse<String> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        HttpRequest<?> request = context.getRequest();
        MutableHttpResponse<String> answer = response.body((String) null);
        if (request.getMethod() == HttpMethod.HEAD) {
            return answer;
        }
        HttpStatus status = response.getStatus();
        List<Violation> errors = status.getCode() == 400
                ? context.getErrors().stream().map(error -> new Violation(error.getPath().orElse("body"), error.getMessage())).toList()
                : List.of();
        return answer.contentType(Problem.MEDIA_TYPE).body(Problem.of(status, detail(request, response, context), errors).toJson());
    }

    private static String detail(HttpRequest<?> request, MutableHttpResponse<?> response, ErrorContext context) {
        String target = request.getMethodName() + " " + request.getPath();
        return switch (response.code()) {
            case 404 -> "no such resource: " + target;
            case 405 -> request.getMethodName() + " is not allowed on " + request.getPath()
                    + response.getHeaders().findFirst("Allow").map(allowed -> "; it takes " + allowed.replace(",", ", ")).orElse("");
            case 415 -> target + " does not take a body of type " + request.getContentType().map(Object::toString).orElse("(none given)");
            case 500 -> "the manager failed unexpectedly on " + target + "; its log says why";
            default -> context.getErrors().stream().map(Error::getMessage).reduce((a, b) -> a + "; " + b)
                    .orElse(target + ": " + response.getStatus().getReason());
        };
    }
}
