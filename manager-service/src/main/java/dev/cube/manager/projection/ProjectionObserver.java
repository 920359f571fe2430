package dev.cube.manager.projection;

import dev.cube.events.state.TaskState;

import java.util.List;

/**
 * What the projection's processors tell the rest of the manager as they go: how far the fold is,
 * what it made of each record, and what it dead-lettered. The manager's health and metrics listen;
 * the processors know nothing of them.
 *
 * <p>Called on the stream thread, inside the processing of a record: implementations must be
 * thread-safe, quick, and must not throw. What they are told may be redone (a transaction aborted
 * and retried after a crash), so they count, they do not decide.
 */
public interface ProjectionObserver {

    /** Listens to nothing. */
    ProjectionObserver NONE = new ProjectionObserver() {
    };

    /** What the fold made of one record of {@code cube.task-events}. */
    enum Outcome { APPLIED, DUPLICATE, IGNORED, REJECTED, INVALID, RELAYED }

    /** Why a record went to {@code cube.dead-letters}: it is not a usable event, or the state machine refused it. */
    enum DeadLetter { INVALID, REJECTED }

    /** The fold of {@code partition} (re)started: it reads the log again up to where it ended at start. */
    default void foldStarted(int partition) {
    }

    /** The fold of {@code partition} has processed the partition's last record as it was when the projection started. */
    default void caughtUp(int partition) {
    }

    /**
     * Every record of {@code partition} up to {@code offset} is folded into the task-state store (reads
     * see it). Told once per batch of the fold, so it may lag by a batch; never ahead.
     */
    default void foldedThrough(int partition, long offset) {
    }

    /** The fold of {@code partition} stopped here (the partition moved away, or the manager stops). */
    default void foldStopped(int partition) {
    }

    /** One record of {@code cube.task-events} folded. */
    default void folded(Outcome outcome) {
    }

    /**
     * An event changed a task: {@code before} (null for a new task) became {@code after}.
     *
     * @param live whether the fold had caught up on this partition already (false while it re-reads history)
     */
    default void applied(TaskState before, TaskState after, boolean live) {
    }

    /**
     * A record went to {@code cube.dead-letters}.
     *
     * @param topic where it was read
     * @param field the field at fault, or null when the whole record is
     */
    default void deadLettered(String topic, DeadLetter why, String field) {
    }

    /** Tells every one of {@code observers}; one that throws does not keep the others from hearing. */
    static ProjectionObserver all(List<? extends ProjectionObserver> observers) {
        List<ProjectionObserver> copy = List.copyOf(observers);
        if (copy.isEmpty()) {
            return NONE;
        }
        return new ProjectionObserver() {
            @Override
            public void foldStarted(int partition) {
                each(o -> o.foldStarted(partition));
            }

            @Override
            public void caughtUp(int partition) {
                each(o -> o.caughtUp(partition));
            }

            @Override
            public void foldedThrough(int partition, long offset) {
                each(o -> o.foldedThrough(partition, offset));
            }

            @Override
            public void foldStopped(int partition) {
                each(o -> o.foldStopped(partition));
            }

            @Override
            public void folded(Outcome outcome) {
                each(o -> o.folded(outcome));
            }

            @Override
            public void applied(TaskState before, TaskState after, boolean live) {
                each(o -> o.applied(before, after, live));
            }

            @Override
            public void deadLettered(String topic, DeadLetter why, String field) {
                each(o -> o.deadLettered(topic, why, field));
            }

            private void each(java.util.function.Consumer<ProjectionObserver> call) {
                for (ProjectionObserver observer : copy) {
                    try {
                        call.accept(observer);
                    } catch (RuntimeException e) {
                        org.slf4j.LoggerFactory.getLogger(ProjectionObserver.class).debug("an observer failed: {}", e.toString());
                    }
                }
            }
        };
    }
}
