package dev.cube.manager.read;

import dev.cube.events.state.TaskStatus;
import dev.cube.events.state.TaskState;

import java.util.Optional;

/**
 * What the HTTP layer may read of the projected tasks, whichever manager instance holds them. Every
 * method may throw {@link ProjectionUnavailableException} while no instance can answer for a task's
 * partition (the group is rebalancing, the instance that held it is gone and no copy is fresh enough):
 * never an empty answer in its place.
 */
public interface TaskReads {

    Optional<TaskState> task(String id);

    /** Where the task's events start on its partition of {@code cube.task-events}. */
    Optional<Long> firstOffset(String id);

    /**
     * The tasks in {@code state} (every task when null), in id order, from the {@code offset}-th on, at most
     * {@code limit} of them, with how many there are in all. Every partition answers, or the call throws
     * {@link ProjectionUnavailableException}; unless {@code partialOk}, in which case the page holds what the
     * partitions that could answer hold, and names the others ({@link TaskPage#unavailablePartitions}).
     */
    TaskPage list(TaskStatus state, int offset, int limit, boolean partialOk);

    /**
     * A task as the instance folding it holds it: its state (as readers see it), where its events are on its
     * partition of {@code cube.task-events} (the first, its submission, and the last that changed it), and how
     * far that instance had folded the partition when it answered ({@code -1}: unknown, e.g. a standby copy).
     */
    record Folded(TaskState state, long firstOffset, long lastOffset, long foldedThrough) {
    }

    Optional<Folded> folded(String id);
}
