package dev.cube.manager.security;

import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.validator.TokenValidator;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import io.micronaut.core.async.publisher.Publishers;

import java.util.Map;

/** Turns a bearer token of {@link AccessTokens} into an authentication with its role and the roles it includes. */
@Singleton
final class StaticTokenValidator implements TokenValidator<HttpRequest<?>> {

    private final AccessTokens tokens;

    StaticTokenValidator(AccessTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Publisher<Authentication> validateToken(String token, HttpRequest<?> request) {
        return tokens.find(token)
                .map(entry -> Publishers.just(Authentication.build(entry.name(), entry.role().granted(), Map.of("role", entry.role().id()))))
                .orElse(Publishers.empty());
    }
}
