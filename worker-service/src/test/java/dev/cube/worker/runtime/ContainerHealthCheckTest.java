package dev.cube.worker.runtime;

import dev.cube.events.spec.TaskSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ContainerHealthCheckTest {

    static TaskSpec web(TaskSpec.HealthCheck check, TaskSpec.PortMapping... ports) {
        return new TaskSpec("web", "cube/busybox:local", List.of(), null, null, null, null, List.of(ports), null, check, null);
    }

    @Test
    void shouldProbeTheTasksFirstPortEveryFiveSecondsByDefault() {
        TaskSpec spec = web(new TaskSpec.HealthCheck("/health", null, null),
                new TaskSpec.PortMapping(8080, null, null), new TaskSpec.PortMapping(9090, null, null));

        assertThat(ContainerHealthCheck.of(spec))
                .contains(new ContainerHealthCheck("/health", 8080, Duration.ofSeconds(5)));
    }

    @Test
    void shouldProbeTheNamedPortAtTheNamedInterval() {
        TaskSpec spec = web(new TaskSpec.HealthCheck("/ready", 9090, 1), new TaskSpec.PortMapping(8080, null, null));

        assertThat(ContainerHealthCheck.of(spec)).contains(new ContainerHealthCheck("/ready", 9090, Duration.ofSeconds(1)));
    }

    @Test
    void shouldHaveNoPortWhenTheTaskPublishesNone() {
        assertThat(ContainerHealthCheck.of(web(new TaskSpec.HealthCheck("/health", null, 2))))
                .contains(new ContainerHealthCheck("/health", null, Duration.ofSeconds(2)));
    }

    @Test
    void shouldHaveNoneWhenTheSpecAsksForNone() {
        assertThat(ContainerHealthCheck.of(web(null))).isEmpty();
    }

    @Test
    void shouldComeBackFromTheLabelsItWrites() {
        ContainerHealthCheck check = new ContainerHealthCheck("/health", 8080, Duration.ofSeconds(3));

        assertThat(check.labels()).containsOnly(
                Map.entry(ContainerHealthCheck.PATH_LABEL, "/health"),
                Map.entry(ContainerHealthCheck.PORT_LABEL, "8080"),
                Map.entry(ContainerHealthCheck.INTERVAL_LABEL, "3"));
        assertThat(ContainerHealthCheck.fromLabels(check.labels())).contains(check);
    }

    @Test
    void shouldReadNoHealthCheckFromAContainerWithoutTheLabels() {
        assertThat(ContainerHealthCheck.fromLabels(Map.of(ContainerRuntime.TASK_ID_LABEL, "t1"))).isEmpty();
    }

    @Test
    void shouldUseTheDefaultIntervalWhenTheLabelIsUnreadable() {
        assertThat(ContainerHealthCheck.fromLabels(Map.of(ContainerHealthCheck.PATH_LABEL, "/h",
                ContainerHealthCheck.INTERVAL_LABEL, "soon")))
                .contains(new ContainerHealthCheck("/h", null, ContainerHealthCheck.DEFAULT_INTERVAL));
    }
}
