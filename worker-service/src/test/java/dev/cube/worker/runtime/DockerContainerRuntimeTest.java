package dev.cube.worker.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DockerContainerRuntimeTest {

    @Test
    void shouldPullLatestWhenAnImageNamesNoTag() {
        assertThat(DockerContainerRuntime.splitTag("busybox")).containsExactly("busybox", "latest");
        assertThat(DockerContainerRuntime.splitTag("registry:5000/team/app")).containsExactly("registry:5000/team/app", "latest");
    }

    @Test
    void shouldPullTheNamedTagOrDigest() {
        assertThat(DockerContainerRuntime.splitTag("cube/busybox:local")).containsExactly("cube/busybox", "local");
        assertThat(DockerContainerRuntime.splitTag("registry:5000/app:1.2")).containsExactly("registry:5000/app", "1.2");
        assertThat(DockerContainerRuntime.splitTag("app@sha256:abc")).containsExactly("app", "sha256:abc");
    }

    @Test
    void shouldReadTheEnginesStates() {
        assertThat(ContainerStatus.of("running")).isEqualTo(ContainerStatus.RUNNING);
        assertThat(ContainerStatus.of("exited").hasFinished()).isTrue();
        assertThat(ContainerStatus.of("something-new")).isEqualTo(ContainerStatus.UNKNOWN);
    }
}
