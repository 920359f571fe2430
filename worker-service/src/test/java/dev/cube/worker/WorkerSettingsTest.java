package dev.cube.worker;

import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The worker's settings, in particular where health checks are sent ({@code cube.worker.probe-host}). */
class WorkerSettingsTest {

    @Test
    void healthChecksGoTo127001ByDefault() {
        assertThat(WorkerSettings.of("w1", "localhost:9092").probeHost()).isEqualTo("127.0.0.1");
        assertThat(WorkerSettings.of("w1", "localhost:9092").withProbeHost(" ").probeHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void theProbeHostIsKeptAcrossTheOtherWithers() {
        WorkerSettings settings = WorkerSettings.of("w1", "localhost:9092").withProbeHost(" host.docker.internal ")
                .withStopGrace(java.time.Duration.ofSeconds(1))
                .withHeartbeatInterval(java.time.Duration.ofSeconds(1));

        assertThat(settings.probeHost()).isEqualTo("host.docker.internal");
    }

    @Test
    void aProbeHostThatIsNotAHostIsRefused() {
        assertThatThrownBy(() -> WorkerSettings.of("w1", "localhost:9092").withProbeHost("http://host.docker.internal"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host name or an address");
    }

    @Test
    void theFactoryReadsCubeWorkerProbeHost() {
        try (ApplicationContext context = ApplicationContext.run(Map.of(
                "cube.worker.id", "w1",
                "cube.worker.probe-host", "host.docker.internal"))) {
            assertThat(WorkerFactory.settings(context.getEnvironment()).probeHost()).isEqualTo("host.docker.internal");
        }
        try (ApplicationContext context = ApplicationContext.run(Map.of("cube.worker.id", "w1"))) {
            assertThat(WorkerFactory.settings(context.getEnvironment()).probeHost()).isEqualTo("127.0.0.1");
        }
    }
}
