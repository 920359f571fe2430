package dev.cube.manager.output;

import dev.cube.events.spec.TaskSpec;
import dev.cube.events.state.DesiredState;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OutputFollowTest {

    static final Duration GRACE = Duration.ofSeconds(10);

    static TaskState task(TaskStatus state, int attempt, String containerId) {
        return new TaskState("t1", TaskSpec.of(null, "cube/busybox:local", List.of("true")), state, DesiredState.Running, attempt, "w1",
                containerId, List.of(), null, null, null, null, null, null, null, 1, List.of());
    }

    @Test
    void isOverAtTheEndRecord() {
        assertThat(OutputFollow.isOver(1, true, task(TaskStatus.Running, 1, "c1"), Duration.ZERO, GRACE)).isTrue();
    }

    @Test
    void goesOnWhileTheAttemptRunsHoweverQuietItIs() {
        assertThat(OutputFollow.isOver(1, false, task(TaskStatus.Running, 1, "c1"), Duration.ofHours(1), GRACE)).isFalse();
        assertThat(OutputFollow.isOver(1, false, null, Duration.ofHours(1), GRACE)).isFalse();
    }

    @Test
    void onceTheAttemptEndedItWaitsTheGraceForTheRestOfItsOutput() {
        assertThat(OutputFollow.isOver(1, false, task(TaskStatus.Completed, 1, "c1"), Duration.ofSeconds(3), GRACE)).isFalse();
        assertThat(OutputFollow.isOver(1, false, task(TaskStatus.Completed, 1, "c1"), GRACE, GRACE)).isTrue();
        assertThat(OutputFollow.isOver(1, false, task(TaskStatus.Running, 2, "c2"), GRACE, GRACE)).as("a later attempt runs").isTrue();
    }

    @Test
    void anAttemptThatEndedWithoutAContainerIsOverAtOnce() {
        assertThat(OutputFollow.isOver(1, false, task(TaskStatus.Failed, 1, null), Duration.ZERO, GRACE)).isTrue();
    }
}
