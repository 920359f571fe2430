package dev.cube.manager.security;

import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.rules.SecurityRuleResult;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import io.micronaut.core.async.publisher.Publishers;

import java.util.Optional;

/** Micronaut Security's rule for every request: {@link ApiAccess} says which role it needs; an open API ({@link AccessTokens#open()}) allows all. */
@Singleton
final class ApiAccessRule implements SecurityRule<HttpRequest<?>> {

    private final AccessTokens tokens;

    ApiAccessRule(AccessTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Publisher<SecurityRuleResult> check(HttpRequest<?> request, Authentication authentication) {
        if (tokens.open()) {
            return Publishers.just(SecurityRuleResult.ALLOWED);
        }
        Optional<Role> required = ApiAccess.required(request.getMethodName(), request.getPath());
        if (required.isEmpty()) {
            return Publishers.just(SecurityRuleResult.ALLOWED);
        }
        boolean granted = authentication != null && authentication.getRoles().contains(required.get().id());
        return Publishers.just(granted ? SecurityRuleResult.ALLOWED : SecurityRuleResult.REJECTED);
    }

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE;
    }
}
