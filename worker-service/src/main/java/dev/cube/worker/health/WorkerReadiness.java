package dev.cube.worker.health;

import dev.cube.worker.Worker;
import dev.cube.worker.WorkerFactory;
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
 * {@code /health/readiness} of a worker: UP while it has read its desired set to the end and follows
 * it, the Docker engine answered its last pass (every exit-check interval), and it is not cut off from Kafka
 * ({@code cube.worker.stop-after-disconnect}); DOWN (503) otherwise.
 */
@Singleton
@Readiness
@Requires(property = WorkerFactory.ENABLED, value = "true")
final class WorkerReadiness implements HealthIndicator {

    private final Worker worker;

    WorkerReadiness(Worker worker) {
        this.worker = worker;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        boolean following = worker.followsDesiredSet();
        boolean engine = worker.engineAnswers();
        boolean kafka = worker.fence() == dev.cube.worker.supervisor.Fence.State.CONNECTED;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("workerId", worker.id());
        details.put("desiredSetRead", following);
        details.put("dockerEngine", engine ? "answers" : "does not answer");
        details.put("kafka", kafka ? "answers" : worker.fence() == dev.cube.worker.supervisor.Fence.State.CUT_OFF
                ? "acknowledged nothing for longer than stop-after-disconnect: runs nothing" : "answers again: reading its desired set");
        details.put("desiredAttempts", worker.desiredCount());
        details.put("containers", worker.containerCount());
        return Publishers.just(HealthResult.builder("worker", following && engine && kafka ? HealthStatus.UP : HealthStatus.DOWN).details(details).build());
    }
}
