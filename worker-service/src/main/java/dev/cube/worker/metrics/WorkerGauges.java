package dev.cube.worker.metrics;

import dev.cube.worker.Worker;
import dev.cube.worker.WorkerFactory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;

/**
 * A worker's gauges, read at each scrape.
 *
 * <table>
 *   <caption>Meters (Prometheus names)</caption>
 *   <tr><td>{@code cube_worker_desired_attempts}</td><td>attempts in its desired set</td></tr>
 *   <tr><td>{@code cube_worker_containers}</td><td>its containers that run or may run, at the last pass</td></tr>
 *   <tr><td>{@code cube_worker_engine_up}</td><td>1 when the Docker engine answered the last pass, else 0</td></tr>
 * </table>
 */
@Context
@Requires(property = WorkerFactory.ENABLED, value = "true")
final class WorkerGauges {

    WorkerGauges(MeterRegistry registry, Worker worker) {
        Gauge.builder("cube.worker.desired.attempts", worker, Worker::desiredCount).description("Attempts in the worker's desired set")
                .tag("worker", worker.id()).register(registry);
        Gauge.builder("cube.worker.containers", worker, Worker::containerCount).description("The worker's containers that run or may run")
                .tag("worker", worker.id()).register(registry);
        Gauge.builder("cube.worker.engine.up", worker, w -> w.engineAnswers() ? 1 : 0).description("1 when the Docker engine answered the last pass")
                .tag("worker", worker.id()).register(registry);
    }
}
