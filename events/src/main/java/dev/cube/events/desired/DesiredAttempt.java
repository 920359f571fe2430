package dev.cube.events.desired;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cube.events.spec.TaskSpec;

import java.util.Objects;

/**
 * What a worker should do with one attempt of a task, now: the value of {@code cube.desired-attempts}
 * (key {@link #key(String, int)}, on the partition of the worker id). Written only by the manager's
 * task fold, as a function of the task's state: {@link Goal#RUN} while the attempt is placed and wanted,
 * {@link Goal#STOP} once a stop was requested, and a tombstone (no value) once the attempt has ended
 * or moved, which tells the worker to remove what is left of it.
 *
 * <p>A worker converges its containers on the set of these records that name it (its desired set);
 * it never acts on a record alone, so reading the topic again, from any offset, repeats nothing.
 *
 * @param started whether the log already holds the worker's {@code running} report for this attempt:
 *                a worker that finds no container for a started attempt reports it failed instead of
 *                running it a second time
 * @param reason  why the attempt should stop ({@link Goal#STOP} only)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DesiredAttempt(String workerId, String taskId, int attempt, Goal goal, TaskSpec spec, boolean started, String reason) {

    public DesiredAttempt {
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(goal, "goal");
    }

    public enum Goal {
        @JsonProperty("run") RUN,
        @JsonProperty("stop") STOP
    }

    /** The record key: {@code <task id>/<attempt>}. An attempt is placed on one worker only, so the key is unique. */
    public static String key(String taskId, int attempt) {
        return taskId + "/" + attempt;
    }

    @JsonIgnore
    public String key() {
        return key(taskId, attempt);
    }
}
