package dev.cube.events.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cube.events.TaskEvent;
import dev.cube.events.spec.TaskSpec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A task as folded from its events by {@link TaskStateMachine#evolve}. Nothing here is kept that
 * the task's events cannot rebuild.
 *
 * @param attempt       0 until the first placement; each placement (first run or restart) adds one
 * @param reason        why the task is where it is, when that needs saying (unplaced, failed, stopped, lost)
 * @param eventCount    how many events were applied
 * @param recentEventIds the ids of the last few events applied ({@value #RECENT_IDS} at most), so that
 *                      an event delivered twice in a row is told {@link Evolution.Duplicate}; the fold
 *                      recognises every other repetition from what the event says (its attempt and kind),
 *                      so the state stays the same size whatever the task's history. Bookkeeping of the
 *                      fold: {@link #forReaders()} leaves it out of what readers get.
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
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> recentEventIds) {

    /** How many of the latest applied event ids a state keeps. */
    public static final int RECENT_IDS = 3;

    public TaskState {
        ports = ports == null ? List.of() : List.copyOf(ports);
        recentEventIds = recentEventIds == null ? List.of() : List.copyOf(recentEventIds);
    }

    boolean appliedRecently(String eventId) {
        return recentEventIds.contains(eventId);
    }

    /** The state as readers see it (the HTTP API, {@code cube.task-state}): without the fold's bookkeeping. */
    public TaskState forReaders() {
        return recentEventIds.isEmpty() ? this : new TaskState(id, spec, state, desiredState, attempt, workerId, containerId, ports,
                exitCode, reason, submittedAt, scheduledAt, startedAt, finishedAt, updatedAt, eventCount, List.of());
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
        List<String> recentEventIds;

        Builder() {
            recentEventIds = new ArrayList<>();
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
            recentEventIds = new ArrayList<>(s.recentEventIds);
        }

        void applied(String eventId) {
            recentEventIds.add(eventId);
            while (recentEventIds.size() > RECENT_IDS) {
                recentEventIds.removeFirst();
            }
        }

        TaskState build() {
            return new TaskState(id, spec, state, desiredState, attempt, workerId, containerId, ports, exitCode, reason,
                    submittedAt, scheduledAt, startedAt, finishedAt, updatedAt, eventCount, recentEventIds);
        }
    }
}
