package dev.cube.events.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cube.events.TaskEvent;
import dev.cube.events.spec.TaskSpec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A task as folded from its events by {@link TaskStateMachine#evolve}. Nothing here is kept that
 * the task's events cannot rebuild.
 *
 * @param attempt       0 until the first placement; each placement (first run or restart) adds one
 * @param reason        why the task is where it is, when that needs saying (unplaced, failed, stopped, lost)
 * @param eventIds      ids of the events applied, for deduplication
 * @param eventCount    how many events were applied
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskState(
        String id,
        TaskSpec spec,
        TaskStatus state,
        DesiredState desiredState,
        int attempt,
        String workerId,
        String containerId,
        List<TaskEvent.PublishedPort> ports,
        Integer exitCode,
        String reason,
        Instant submittedAt,
        Instant scheduledAt,
        Instant startedAt,
        Instant finishedAt,
        Instant updatedAt,
        int eventCount,
        List<String> eventIds) {

    public TaskState {
        ports = ports == null ? List.of() : List.copyOf(ports);
        eventIds = eventIds == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(eventIds));
    }

    boolean hasApplied(String eventId) {
        return eventIds.contains(eventId);
    }

    Builder toBuilder() {
        return new Builder(this);
    }

    static final class Builder {
        String id;
        TaskSpec spec;
        TaskStatus state;
        DesiredState desiredState;
        int attempt;
        String workerId;
        String containerId;
        List<TaskEvent.PublishedPort> ports;
        Integer exitCode;
        String reason;
        Instant submittedAt;
        Instant scheduledAt;
        Instant startedAt;
        Instant finishedAt;
        Instant updatedAt;
        int eventCount;
        List<String> eventIds;

        Builder() {
            eventIds = new ArrayList<>();
            ports = List.of();
        }

        Builder(TaskState s) {
            id = s.id;
            spec = s.spec;
            state = s.state;
            desiredState = s.desiredState;
            attempt = s.attempt;
            workerId = s.workerId;
            containerId = s.containerId;
            ports = s.ports;
            exitCode = s.exitCode;
            reason = s.reason;
            submittedAt = s.submittedAt;
            scheduledAt = s.scheduledAt;
            startedAt = s.startedAt;
            finishedAt = s.finishedAt;
            updatedAt = s.updatedAt;
            eventCount = s.eventCount;
            eventIds = new ArrayList<>(s.eventIds);
        }

        TaskState build() {
            return new TaskState(id, spec, state, desiredState, attempt, workerId, containerId, ports, exitCode, reason,
                    submittedAt, scheduledAt, startedAt, finishedAt, updatedAt, eventCount, eventIds);
        }
    }
}
