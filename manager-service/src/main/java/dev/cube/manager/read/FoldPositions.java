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
}
