package dev.cube.events.state;

/** The outcome of folding one event into a task's state. */
public sealed interface Evolution {

    /** The state after the event; for {@link Rejected} and {@link Duplicate}, the state before it (null for an unknown task). */
    TaskState state();

    /** The event changed the state (or was accepted as a harmless no-op and recorded). */
    record Applied(TaskState state) implements Evolution {
    }

    /** The event's id was applied before: nothing changes. */
    record Duplicate(TaskState state) implements Evolution {
    }

    /**
     * A late report about an earlier attempt (for example from a worker that comes back after its
     * tasks were moved): true once, but no longer about the task's current attempt. Nothing changes,
     * and it is not an error.
     */
    record Ignored(TaskState state, String reason) implements Evolution {
    }

    /** The event does not apply to this state; the state is unchanged and {@code reason} says why. */
    record Rejected(TaskState state, String reason) implements Evolution {
    }
}
