package dev.cube.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * The scheduler's input, on {@code cube.placement} (one partition, so that one writer owns every
 * worker's allocation). Keyed by task id. Written by the manager's task fold.
 */
public sealed interface PlacementEvent extends EventData {

    String taskId();

    int attempt();

    /** Place {@code attempt} of the task, not before {@code notBefore} (a restart's backoff), on a worker with room for {@code resources}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Requested(String taskId, int attempt, Resources resources, Instant notBefore, String reason) implements PlacementEvent {
    }

    /** {@code attempt} no longer holds resources on {@code workerId} (it ended, was lost, or was replaced), or no longer wants a placement. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Released(String taskId, int attempt, String workerId) implements PlacementEvent {
    }

    /** What a task needs: cpu in cores, memory and disk in MB. */
    record Resources(double cpu, long memory, long disk) {
    }
}
