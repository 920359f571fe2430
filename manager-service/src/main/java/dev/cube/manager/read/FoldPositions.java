package dev.cube.manager.read;

import java.util.OptionalLong;

/**
 * How far this manager's fold has gone on each partition of {@code cube.task-events} it folds: every
 * record up to the offset answered is in the task-state store. Empty for a partition not folded here
 * (or not yet since the fold started). Thread-safe.
 */
public interface FoldPositions {

    /** Nothing is folded here. */
    FoldPositions NONE = partition -> OptionalLong.empty();

    OptionalLong foldedThrough(int partition);

    /**
     * Whether the fold of {@code partition}, since it started here (at start, or when it moved here from
     * another manager), has folded the partition as far as it reached when this was first asked:
     * {@code lastRecordNow} is its last record's offset now (-1: none), asked once per start. Until then
     * the store here may lack a task whose events are on the log, so it cannot say a task is absent.
     */
    default boolean caughtUpSinceStart(int partition, java.util.function.LongSupplier lastRecordNow) {
        return foldedThrough(partition).isPresent();
    }
}
