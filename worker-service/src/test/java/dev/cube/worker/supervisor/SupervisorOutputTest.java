package dev.cube.worker.supervisor;

import dev.cube.events.desired.DesiredAttempt;
import dev.cube.events.desired.Revision;
import dev.cube.events.spec.TaskSpec;
import dev.cube.worker.runtime.ContainerInfo;
import dev.cube.worker.runtime.ContainerStatus;
import dev.cube.worker.runtime.InMemoryContainerRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The supervisor and whoever ships its containers' output: shown every container, and a container goes only once its output is shipped. */
class SupervisorOutputTest {

    static final TaskSpec SPEC = TaskSpec.of(null, "cube/busybox:local", List.of("sleep", "30"));
    static final Duration PATIENCE = Duration.ofSeconds(5);

    final InMemoryContainerRuntime runtime = new InMemoryContainerRuntime(Clock.systemUTC());
    final DesiredSet desired = new DesiredSet("w1");
    final Shipping shipping = new Shipping();
    final Supervisor supervisor = new Supervisor("w1", runtime, event -> CompletableFuture.completedFuture(null),
            new Supervisor.Settings(Duration.ofMillis(100), 4, Duration.ofSeconds(1), "127.0.0.1"), Clock.systemUTC(), shipping);

    /** Ships nothing, remembers what it was shown, and says a container is shipped when the test says so. */
    static final class Shipping implements OutputShipping {
        final Set<String> observed = ConcurrentHashMap.newKeySet();
        final Map<String, CompletableFuture<Void>> shipped = new ConcurrentHashMap<>();
        final Map<String, ContainerStatus> statusWhenAsked = new ConcurrentHashMap<>();

        @Override
        public void observe(List<ContainerInfo> containers) {
            containers.forEach(c -> observed.add(c.taskId()));
        }

        @Override
        public CompletableFuture<Void> shipped(ContainerInfo container) {
            statusWhenAsked.putIfAbsent(container.taskId(), container.status());
            return shipped.computeIfAbsent(container.taskId(), id -> new CompletableFuture<>());
        }
    }

    @AfterEach
    void close() {
        shipping.shipped.values().forEach(f -> f.complete(null));
        supervisor.close();
    }

    private void converge() {
        supervisor.converge(desired.attempts());
    }

    private void convergeUntil(java.util.concurrent.Callable<Boolean> condition) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(() -> {
            converge();
            return condition.call();
        });
    }

    private List<ContainerInfo> containers() {
        return runtime.listOwnedBy("w1");
    }

    @Test
    void everyContainerIsShownToTheShipping() {
        desired.apply("t1/1", new DesiredAttempt("w1", "t1", 1, DesiredAttempt.Goal.RUN, SPEC, false, null), new Revision(0, 10));

        convergeUntil(() -> shipping.observed.contains("t1"));
    }

    @Test
    void anExitedContainerWhoseAttemptLeftTheSetStaysUntilItsOutputIsShippedWhileTheLoopGoesOn() {
        desired.apply("t1/1", new DesiredAttempt("w1", "t1", 1, DesiredAttempt.Goal.RUN, SPEC, false, null), new Revision(0, 10));
        convergeUntil(() -> !containers().isEmpty());
        runtime.exit("t1", 1, 0, false);
        desired.apply("t1/1", null, new Revision(0, 11));

        convergeUntil(() -> shipping.shipped.containsKey("t1"));
        desired.apply("t2/1", new DesiredAttempt("w1", "t2", 1, DesiredAttempt.Goal.RUN, SPEC, false, null), new Revision(0, 12));
        convergeUntil(() -> runtime.find("t2", 1).isPresent());
        assertThat(runtime.find("t1", 1)).as("kept while its output is shipped").isPresent();

        shipping.shipped.get("t1").complete(null);
        convergeUntil(() -> runtime.find("t1", 1).isEmpty());
    }

    @Test
    void aRunningContainerWhoseAttemptLeftTheSetIsStoppedBeforeItsOutputIsAwaitedThenRemoved() {
        desired.apply("t1/1", new DesiredAttempt("w1", "t1", 1, DesiredAttempt.Goal.RUN, SPEC, false, null), new Revision(0, 10));
        convergeUntil(() -> !containers().isEmpty());
        desired.apply("t1/1", null, new Revision(0, 11));

        convergeUntil(() -> shipping.shipped.containsKey("t1"));

        assertThat(runtime.find("t1", 1)).hasValueSatisfying(c -> assertThat(c.status()).isEqualTo(ContainerStatus.EXITED));
        shipping.shipped.get("t1").complete(null);
        convergeUntil(() -> runtime.find("t1", 1).isEmpty());
    }
}
