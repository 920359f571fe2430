package dev.cube.core.task;

import dev.cube.events.TaskEvent;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.spec.TaskSpec.RestartPolicy.Mode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.cube.core.task.Tasks.spec;
import static dev.cube.core.task.Tasks.stateAfter;
import static org.assertj.core.api.Assertions.assertThat;

/** When an ended attempt is followed by another, and after how long. */
class RestartPolicyTest {

    static TaskSpec policy(Mode mode, int max, Integer backoffSeconds) {
        return spec(new TaskSpec.RestartPolicy(mode, max, backoffSeconds));
    }

    static final TaskEvent.Scheduled ON_W1 = new TaskEvent.Scheduled("w1", 1);
    static final TaskEvent.Running RUNNING = new TaskEvent.Running("w1", 1, "c-1", List.of());

    @Test
    void onFailureRestartsAFailureAndALossButNotACleanExit() {
        TaskSpec onFailure = policy(Mode.ON_FAILURE, 3, null);

        assertThat(RestartPolicy.next(stateAfter(onFailure, ON_W1, RUNNING, new TaskEvent.Failed(1, 1, "exit 1", false)))).isPresent();
        assertThat(RestartPolicy.next(stateAfter(onFailure, ON_W1, RUNNING, new TaskEvent.Lost("w1", 1, null)))).isPresent();
        assertThat(RestartPolicy.next(stateAfter(onFailure, ON_W1, RUNNING, new TaskEvent.Completed(1, 0)))).isEmpty();
    }

    @Test
    void alwaysRestartsACleanExitToo() {
        assertThat(RestartPolicy.next(stateAfter(policy(Mode.ALWAYS, 3, null), ON_W1, RUNNING, new TaskEvent.Completed(1, 0))))
                .hasValueSatisfying(restart -> assertThat(restart.attempt()).isEqualTo(2));
    }

    @Test
    void neverRestartsNothing() {
        assertThat(RestartPolicy.next(stateAfter(policy(Mode.NEVER, 0, null), ON_W1, RUNNING, new TaskEvent.Failed(1, 1, "exit 1", false)))).isEmpty();
    }

    @Test
    void stopsAtTheMaximum() {
        TaskSpec twice = policy(Mode.ON_FAILURE, 2, 0);
        var third = stateAfter(twice, ON_W1, new TaskEvent.Failed(1, 1, "exit", false), new TaskEvent.Scheduled("w1", 2),
                new TaskEvent.Failed(2, 1, "exit", false), new TaskEvent.Scheduled("w1", 3), new TaskEvent.Failed(3, 1, "exit", false));

        assertThat(RestartPolicy.next(third)).isEmpty();
    }

    @Test
    void backsOffExponentiallyFromTheGivenBaseUpToFiveMinutes() {
        TaskSpec.RestartPolicy policy = new TaskSpec.RestartPolicy(Mode.ON_FAILURE, 30, 2);

        assertThat(RestartPolicy.backoff(policy, 0)).isEqualTo(Duration.ofSeconds(2));
        assertThat(RestartPolicy.backoff(policy, 3)).isEqualTo(Duration.ofSeconds(16));
        assertThat(RestartPolicy.backoff(policy, 20)).isEqualTo(Duration.ofMinutes(5));
        assertThat(RestartPolicy.backoff(new TaskSpec.RestartPolicy(Mode.ON_FAILURE, 3, null), 1)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void doesNotRestartATaskWhoseStopWasRequested() {
        assertThat(RestartPolicy.next(stateAfter(policy(Mode.ALWAYS, 3, 0), ON_W1, RUNNING, new TaskEvent.StopRequested(null),
                new TaskEvent.Failed(1, 143, "SIGTERM", false)))).isEmpty();
    }
}
