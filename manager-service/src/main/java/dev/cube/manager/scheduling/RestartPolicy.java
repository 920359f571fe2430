package dev.cube.manager.scheduling;

import dev.cube.events.PlacementEvent;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.state.DesiredState;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides whether an attempt that ended is followed by another: {@code on-failure} after a failure
 * or a loss, {@code always} after any end, {@code never} not at all; at most {@code maxRestarts}
 * restarts, each after an exponential backoff. Pure: time is passed in.
 */
public final class RestartPolicy {

    public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);
    public static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    private RestartPolicy() {
    }

    /** The placement request for the next attempt of {@code task}, which just reached its current state at {@code now}. */
    public static Optional<PlacementEvent.Requested> next(TaskState task, Instant now) {
        if (task.desiredState() != DesiredState.Running) {
            return Optional.empty();
        }
        TaskSpec.RestartPolicy policy = task.spec().restartPolicy();
        boolean wanted = switch (task.state()) {
            case Failed, Lost -> policy.mode() != TaskSpec.RestartPolicy.Mode.NEVER;
            case Completed -> policy.mode() == TaskSpec.RestartPolicy.Mode.ALWAYS;
            default -> false;
        };
        int restartsSoFar = task.attempt() - 1;
        if (!wanted || restartsSoFar >= policy.maxRestarts()) {
            return Optional.empty();
        }
        return Optional.of(new PlacementEvent.Requested(task.id(), task.attempt() + 1, resourcesOf(task.spec()),
                now.plus(backoff(policy, restartsSoFar)),
                "restart " + (restartsSoFar + 1) + " of " + policy.maxRestarts() + " after " + task.state()));
    }

    static Duration backoff(TaskSpec.RestartPolicy policy, int restartsSoFar) {
        Duration base = policy.backoffSeconds() == null ? DEFAULT_BACKOFF : Duration.ofSeconds(policy.backoffSeconds());
        Duration delay = base.multipliedBy(1L << Math.min(restartsSoFar, 16));
        return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
    }

    public static PlacementEvent.Resources resourcesOf(TaskSpec spec) {
        return new PlacementEvent.Resources(spec.cpuOrZero(), spec.memoryOrZero(), spec.diskOrZero());
    }

    /** Whether {@code status} holds resources on a worker. */
    public static boolean holdsResources(TaskStatus status) {
        return TaskStatus.ON_A_WORKER.contains(status);
    }
}
