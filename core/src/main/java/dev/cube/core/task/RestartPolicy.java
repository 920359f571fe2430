package dev.cube.core.task;

import dev.cube.events.spec.TaskSpec;
import dev.cube.events.state.DesiredState;
import dev.cube.events.state.TaskState;

import java.time.Duration;
import java.util.Optional;

/**
 * Decides whether an attempt that ended is followed by another: {@code on-failure} after a failure
 * or a loss, {@code always} after any end, {@code never} not at all; at most {@code maxRestarts}
 * restarts, each after an exponential backoff ({@code backoffSeconds × 2^restarts so far}, 1 s by
 * default, at most 5 min). Pure: a function of the task's state.
 */
public final class RestartPolicy {

    public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);
    public static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    /** The next attempt, how long after the end of the last one it may be placed, and why. */
    public record Restart(int attempt, Duration backoff, String reason) {
    }

    private RestartPolicy() {
    }

    /** The restart that {@code task}'s state calls for, if any. */
    public static Optional<Restart> next(TaskState task) {
        if (task.desiredState() != DesiredState.Running) {
            return Optional.empty();
        }
        TaskSpec.RestartPolicy policy = task.spec().restartPolicy();
        boolean wanted = switch (task.state()) {
            case Failed, Lost -> policy.mode() != TaskSpec.RestartPolicy.Mode.NEVER;
            case Completed -> policy.mode() == TaskSpec.RestartPolicy.Mode.ALWAYS;
            case Pending, Scheduled, Running, Stopped -> false;
        };
        int restartsSoFar = task.attempt() - 1;
        if (!wanted || restartsSoFar >= policy.maxRestarts()) {
            return Optional.empty();
        }
        return Optional.of(new Restart(task.attempt() + 1, backoff(policy, restartsSoFar),
                "restart " + (restartsSoFar + 1) + " of " + policy.maxRestarts() + " after " + task.state()));
    }

    static Duration backoff(TaskSpec.RestartPolicy policy, int restartsSoFar) {
        Duration base = policy.backoffSeconds() == null ? DEFAULT_BACKOFF : Duration.ofSeconds(policy.backoffSeconds());
        Duration delay = base.multipliedBy(1L << Math.min(restartsSoFar, 16));
        return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
    }
}
