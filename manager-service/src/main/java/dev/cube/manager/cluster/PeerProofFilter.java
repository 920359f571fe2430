package dev.cube.manager.cluster;

import dev.cube.manager.ManagerApplication;
import dev.cube.manager.api.Problem;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;

import java.time.Clock;

/**
 * Takes a read of {@code /internal/v1} only with a {@link PeerProof} of the cluster's secret, when the
 * managers have one; answers 401 (a problem) otherwise. Without a secret the internal reads are open.
 */
@ServerFilter(PeerController.BASE + "/**")
@Requires(property = ManagerApplication.ENABLED, value = "true")
final class PeerProofFilter {

    private final PeerProof proof;
    private final Clock clock;

    PeerProofFilter(@Value("${cube.security.cluster-secret:}") String clusterSecret, Clock clock) {
        this.proof = PeerProof.of(clusterSecret);
        this.clock = clock;
    }

    @RequestFilter
    @Nullable
    HttpResponse<?> check(HttpRequest<?> request) {
        return proof.refusal(request.getHeaders().get(PeerProof.HEADER), request.getPath(), request.getParameters().asMap(), clock.instant())
                .map(reason -> (HttpResponse<?>) Problem.unauthenticated(reason))
                .orElse(null);
    }
}
