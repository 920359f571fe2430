package dev.cube.manager.health;

import dev.cube.manager.ManagerApplication;
import dev.cube.manager.projection.ProjectionProgress;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /health/readiness} of the manager: UP once its reads are right, that is once the projection
 * has caught up ({@link ProjectionProgress}: running, every partition it folds read to where the log
 * ended when it started, the placement stage deciding); DOWN (503) before, and whenever the Streams
 * application is not running (starting, rebalancing, restoring its stores, failed).
 */
@Singleton
@Readiness
@Requires(property = ManagerApplication.ENABLED, value = "true")
final class ProjectionReadiness implements HealthIndicator {

    static final String NAME = "projection";

    private final ProjectionProgress progress;

    ProjectionReadiness(ProjectionProgress progress) {
        this.progress = progress;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        ProjectionProgress.Progress now = progress.progress();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", now.state());
        details.put("caughtUp", now.ready());
        details.put("partitions", now.folding());
        details.put("caughtUpPartitions", now.caughtUp());
        details.put("placementStage", now.placementHere() ? (now.deciding() ? "deciding" : "folding only") : "elsewhere");
        details.put("lag", now.lag());
        return Publishers.just(HealthResult.builder(NAME, now.ready() ? HealthStatus.UP : HealthStatus.DOWN).details(details).build());
    }
}
