package dev.cube.manager.output;

import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStatus;

import java.time.Duration;
import java.util.Set;

/**
 * When following an attempt's output is over: at its {@code end} record; or once the log shows the
 * attempt ended and no output of it came for {@code grace} (its worker died before it shipped the
 * end, or was lost); at once when the attempt ended without a container (it never started). Pure.
 */
public final class OutputFollow {

    private static final Set<TaskStatus> ENDED = Set.of(TaskStatus.Completed, TaskStatus.Failed, TaskStatus.Stopped, TaskStatus.Lost);

    private OutputFollow() {
    }

    /**
     * @param task      the task as the projection has it now (null: not known)
     * @param quiet     how long no record of the attempt has come
     */
    public static boolean isOver(int attempt, boolean endRead, TaskState task, Duration quiet, Duration grace) {
        if (endRead) {
            return true;
        }
        if (!hasEnded(attempt, task)) {
            return false;
        }
        boolean neverRan = attempt == task.attempt() && task.containerId() == null;
        return neverRan || quiet.compareTo(grace) >= 0;
    }

    /** Whether the log shows the attempt over: a later attempt exists, or it is the task's and it ended. */
    public static boolean hasEnded(int attempt, TaskState task) {
        return task != null && (attempt < task.attempt() || attempt == task.attempt() && ENDED.contains(task.state()));
    }
}
