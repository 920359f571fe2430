package dev.cube.worker.metrics;

import dev.cube.events.spec.TaskSpec;
import dev.cube.worker.runtime.ContainerInfo;
import dev.cube.worker.runtime.ContainerRuntime;
import dev.cube.worker.runtime.EngineUnavailableException;
import dev.cube.worker.runtime.ImageUnavailableException;
import dev.cube.worker.runtime.OutputListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A {@link ContainerRuntime} that measures the one it wraps: how long each engine call takes and how
 * it ended, and how many containers were started. The supervisor does not know it is measured.
 *
 * <table>
 *   <caption>Meters (Prometheus names)</caption>
 *   <tr><td>{@code cube_worker_engine_call_seconds{call,outcome}}</td><td>engine calls (find, list, start, inspect, stop, remove, follow: the opening of an output follow) by outcome: ok, refused, unavailable</td></tr>
 *   <tr><td>{@code cube_worker_container_starts_total{outcome}}</td><td>attempts to start a task's container: started, image-unavailable, refused, unavailable</td></tr>
 * </table>
 */
public final class MeteredContainerRuntime implements ContainerRuntime {

    private final ContainerRuntime runtime;
    private final MeterRegistry registry;

    public MeteredContainerRuntime(ContainerRuntime runtime, MeterRegistry registry) {
        this.runtime = runtime;
        this.registry = registry;
        for (String outcome : List.of("started", "image-unavailable", "refused", "unavailable")) {
            starts(outcome);
        }
    }

    @Override
    public Optional<ContainerInfo> find(String taskId, int attempt) {
        return timed("find", () -> runtime.find(taskId, attempt));
    }

    @Override
    public List<ContainerInfo> listOwnedBy(String workerId) {
        return timed("list", () -> runtime.listOwnedBy(workerId));
    }

    @Override
    public ContainerInfo start(String workerId, String taskId, int attempt, TaskSpec spec) {
        try {
            ContainerInfo started = timed("start", () -> runtime.start(workerId, taskId, attempt, spec));
            starts("started").increment();
            return started;
        } catch (RuntimeException e) {
            starts(outcome(e)).increment();
            throw e;
        }
    }

    @Override
    public Optional<ContainerInfo> inspect(String containerId) {
        return timed("inspect", () -> runtime.inspect(containerId));
    }

    @Override
    public Optional<ContainerInfo> stop(String containerId, Duration grace) {
        return timed("stop", () -> runtime.stop(containerId, grace));
    }

    @Override
    public void stopAndRemove(String containerId, Duration grace) {
        timed("remove", () -> {
            runtime.stopAndRemove(containerId, grace);
            return null;
        });
    }

    @Override
    public AutoCloseable followOutput(String containerId, Instant since, OutputListener listener) {
        return timed("follow", () -> runtime.followOutput(containerId, since, listener));
    }

    @Override
    public void close() {
        runtime.close();
    }

    private <T> T timed(String call, Supplier<T> engineCall) {
        long start = System.nanoTime();
        String outcome = "ok";
        try {
            return engineCall.get();
        } catch (RuntimeException e) {
            outcome = e instanceof EngineUnavailableException ? "unavailable" : "refused";
            throw e;
        } finally {
            Timer.builder("cube.worker.engine.call").description("Calls to the Docker engine, by call and outcome")
                    .tag("call", call).tag("outcome", outcome)
                    .publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(5))
                    .register(registry).record(Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private static String outcome(RuntimeException e) {
        if (e instanceof ImageUnavailableException) {
            return "image-unavailable";
        }
        return e instanceof EngineUnavailableException ? "unavailable" : "refused";
    }

    private Counter starts(String outcome) {
        return Counter.builder("cube.worker.container.starts").description("Attempts to start a task's container, by outcome")
                .tag("outcome", outcome).register(registry);
    }
}
