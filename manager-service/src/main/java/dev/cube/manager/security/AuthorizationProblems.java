package dev.cube.manager.security;

import dev.cube.manager.api.Problem;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.security.authentication.AuthorizationException;
import io.micronaut.security.authentication.DefaultAuthorizationExceptionHandler;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * 401 and 403 as the API's problems, each saying what is missing: a bearer token (401, with
 * {@code WWW-Authenticate: Bearer}), or a role (403, naming the role the request needs and the one the
 * token has).
 */
@Singleton
@Replaces(DefaultAuthorizationExceptionHandler.class)
final class AuthorizationProblems implements ExceptionHandler<AuthorizationException, MutableHttpResponse<?>> {

    @Override
    public MutableHttpResponse<?> handle(HttpRequest request, AuthorizationException exception) {
        String needs = ApiAccess.needs(request.getMethodName(), request.getPath());
        if (!exception.isForbidden()) {
            boolean gaveOne = request.getHeaders().getAuthorization().isPresent();
            String detail = (gaveOne ? "the bearer token is not one this manager takes: " : "a bearer token is required (Authorization: Bearer <token>; cube --token or CUBE_TOKEN): ") + needs;
            return Problem.unauthenticated(detail)
                    .header("WWW-Authenticate", "Bearer realm=\"cube\"" + (gaveOne ? ", error=\"invalid_token\"" : ""));
        }
        Object role = exception.getAuthentication().getAttributes().get("role");
        String detail = needs + "; this token's role is " + (role == null ? "none" : role);
        return Problem.respond(new Problem("https://cube.dev/problems/forbidden", "Forbidden", 403, detail, List.of()));
    }

}
