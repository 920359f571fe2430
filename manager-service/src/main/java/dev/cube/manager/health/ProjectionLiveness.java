package dev.cube.manager.health;

import dev.cube.manager.ManagerApplication;
import dev.cube.manager.projection.ProjectionProgress;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Liveness;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

import java.util.Map;

/**
 * {@code /health/liveness} of the manager: DOWN only when the projection cannot come back by itself
 * (its Streams application failed for good, or is not running at all), so that restarting the process
 * is the cure. Starting, rebalancing and catching up are alive.
 */
@Singleton
@Liveness
@Requires(property = ManagerApplication.ENABLED, value = "true")
final class ProjectionLiveness implements HealthIndicator {

    private final ProjectionProgress progress;

    ProjectionLiveness(ProjectionProgress progress) {
        this.progress = progress;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        ProjectionProgress.Progress now = progress.progress();
        return Publishers.just(HealthResult.builder(ProjectionReadiness.NAME + "-streams", now.failed() ? HealthStatus.DOWN : HealthStatus.UP)
                .details(Map.of("state", now.state())).build());
    }
}
