package dev.cube.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cube.events.spec.TaskSpec;

/**
 * Orders for one worker, keyed by worker id on {@code cube.assignments}; the event's subject is
 * the task id. They carry everything the worker needs, so a worker keeps no copy of task state.
 */
public sealed interface AssignmentEvent extends EventData {

    String workerId();

    String taskId();

    int attempt();

    /** Run {@code attempt} of the task. */
    record Start(String workerId, String taskId, int attempt, TaskSpec spec) implements AssignmentEvent {
    }

    /** Stop and remove the container of {@code attempt}, then report {@code Stopped}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Stop(String workerId, String taskId, int attempt, String reason) implements AssignmentEvent {
    }
}
