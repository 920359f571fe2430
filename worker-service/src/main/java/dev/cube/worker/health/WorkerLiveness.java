package dev.cube.worker.health;

import dev.cube.worker.Worker;
import dev.cube.worker.WorkerFactory;
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
 * {@code /health/liveness} of a worker: DOWN once its loop stopped following its desired set (it
 * failed), so that restarting the process is the cure. An engine that does not answer is not a reason
 * to restart: the worker waits for it, and readiness says so.
 */
@Singleton
@Liveness
@Requires(property = WorkerFactory.ENABLED, value = "true")
final class WorkerLiveness implements HealthIndicator {

    private final Worker worker;

    WorkerLiveness(Worker worker) {
        this.worker = worker;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        boolean following = worker.followsDesiredSet();
        return Publishers.just(HealthResult.builder("worker-loop", following ? HealthStatus.UP : HealthStatus.DOWN)
                .details(Map.of("workerId", worker.id(), "following", following)).build());
    }
}
