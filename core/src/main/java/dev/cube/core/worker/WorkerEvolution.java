package dev.cube.core.worker;

/** The outcome of folding one event into a worker's state; like the task fold's, it never throws. */
public sealed interface WorkerEvolution {

    /** The state after the event; for anything but {@link Applied}, the state before it (null for a worker never seen). */
    WorkerState state();

    record Applied(WorkerState state) implements WorkerEvolution {
    }

    /** The event says what the state already holds. */
    record Duplicate(WorkerState state) implements WorkerEvolution {
    }

    /** A true fact that no longer matters (a {@code lost} that a later heartbeat overtook, a {@code left} after {@code lost}). */
    record Ignored(WorkerState state, String reason) implements WorkerEvolution {
    }

    /** The event does not apply to this state. */
    record Rejected(WorkerState state, String reason) implements WorkerEvolution {
    }
}
