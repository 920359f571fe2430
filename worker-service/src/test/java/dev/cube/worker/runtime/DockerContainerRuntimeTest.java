package dev.cube.worker.runtime;

import com.github.dockerjava.api.model.StreamType;
import dev.cube.events.output.OutputRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

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

    @Test
    void shouldReadTheLinesOfAFrameWithTheEnginesTimestamps() {
        byte[] payload = "2026-01-31T12:00:00.123456789Z hello from Cube\n2026-01-31T12:00:00.2Z \n".getBytes(StandardCharsets.UTF_8);

        assertThat(DockerContainerRuntime.lines(StreamType.STDERR, payload)).containsExactly(
                new OutputLine(Instant.parse("2026-01-31T12:00:00.123456789Z"), OutputRecord.Stream.STDERR, "hello from Cube"),
                new OutputLine(Instant.parse("2026-01-31T12:00:00.2Z"), OutputRecord.Stream.STDERR, ""));
    }

    @Test
    void shouldKeepAPartOfALongLineAndTextItCannotDateWhole() {
        byte[] part = "2026-01-31T12:00:00Z abc".getBytes(StandardCharsets.UTF_8);
        byte[] undated = "no time here\n".getBytes(StandardCharsets.UTF_8);

        assertThat(DockerContainerRuntime.lines(StreamType.STDOUT, part)).singleElement()
                .satisfies(line -> assertThat(line.text()).isEqualTo("abc"));
        assertThat(DockerContainerRuntime.lines(StreamType.STDOUT, undated)).singleElement()
                .satisfies(line -> assertThat(line.text()).isEqualTo("no time here"));
    }
}
