package dev.cube.core.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cube.events.spec.Resources;

import java.util.Objects;

/**
 * What the placement stage needs to know of one task, as a function of its state ({@link TaskDecider#control}):
 * nothing, an attempt waiting for a worker, or an attempt holding resources on one. The task fold sends it
 * whenever it changes; the stage keeps the latest per task. Being a level (not an edge), it can be sent
 * again, or read again from the start, without effect.
 *
 * @param attempt       the attempt waiting ({@link Need#WAITING}) or placed ({@link Need#PLACED}); 0 for {@link Need#NONE}
 * @param workerId      where it is placed ({@link Need#PLACED} only)
 * @param backoffMillis how long after this view the waiting attempt may be placed (a restart's backoff)
 * @param reason        why it waits (a restart's reason), for logs
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskControl(String taskId, Need need, int attempt, String workerId, Resources resources, long backoffMillis, String reason) {

    public TaskControl {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(need, "need");
    }

    public enum Need {
        /** Nothing held, nothing wanted: the task is done, stopped, or waits for nothing. */
        NONE,
        /** {@code attempt} wants a worker with room for {@code resources}. */
        WAITING,
        /** {@code attempt} holds {@code resources} on {@code workerId}. */
        PLACED
    }

    public static TaskControl none(String taskId) {
        return new TaskControl(taskId, Need.NONE, 0, null, null, 0, null);
    }

    public static TaskControl waiting(String taskId, int attempt, Resources resources, long backoffMillis, String reason) {
        return new TaskControl(taskId, Need.WAITING, attempt, null, resources, backoffMillis, reason);
    }

    public static TaskControl placed(String taskId, int attempt, String workerId, Resources resources) {
        return new TaskControl(taskId, Need.PLACED, attempt, workerId, resources, 0, null);
    }
}
