package dev.cube.manager.read;

import dev.cube.events.state.TaskState;

import java.util.Iterator;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the HTTP layer may read of the projected tasks. Every method may throw
 * {@link ProjectionUnavailableException} while the projection is not queryable.
 */
public interface TaskReads {

    Optional<TaskState> task(String id);

    /** Where the task's events start on its partition of {@code cube.task-events}. */
    Optional<Long> firstOffset(String id);

    /** Applies {@code reader} to every task, in id order; the iterator is valid during the call only. */
    <T> T readAll(Function<Iterator<TaskState>, T> reader);

    /**
     * A task as the fold holds it: its state (as readers see it) and where its events are on its
     * partition of {@code cube.task-events}: the first (its submission) and the last that changed it.
     */
    record Folded(TaskState state, long firstOffset, long lastOffset) {
    }

    Optional<Folded> folded(String id);

    /** Like {@link #readAll}, with where each task's events are. */
    <T> T readAllFolded(Function<Iterator<Folded>, T> reader);
}
