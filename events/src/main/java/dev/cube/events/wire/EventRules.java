package dev.cube.events.wire;

import dev.cube.events.EventData;
import dev.cube.events.AssignmentEvent;
import dev.cube.events.PlacementEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.spec.TaskSpecValidator;
import dev.cube.events.spec.Violation;
import dev.cube.events.WorkerEvent;

import java.util.ArrayList;
import java.util.List;

/** Field rules of each event's data, beyond what its JSON shape already enforces. Paths start at {@code data}. */
public final class EventRules {

    public static final int MAX_REASON_LENGTH = 4096;

    private EventRules() {
    }

    public static List<Violation> violations(EventData data) {
        List<Violation> out = new ArrayList<>();
        switch (data) {
            case TaskEvent.Submitted e -> out.addAll(TaskSpecValidator.validate(e.spec(), "data.spec."));
            case TaskEvent.Unplaced e -> text(e.reason(), "data.reason", true, out);
            case TaskEvent.Scheduled e -> {
                text(e.workerId(), "data.workerId", true, out);
                attempt(e.attempt(), out);
            }
            case TaskEvent.Running e -> {
                text(e.workerId(), "data.workerId", true, out);
                attempt(e.attempt(), out);
                text(e.containerId(), "data.containerId", true, out);
            }
            case TaskEvent.Completed e -> {
                attempt(e.attempt(), out);
                if (e.exitCode() != 0) {
                    out.add(new Violation("data.exitCode", "must be 0 for a completed task; a non-zero exit is dev.cube.task.failed"));
                }
            }
            case TaskEvent.Failed e -> {
                attempt(e.attempt(), out);
                text(e.reason(), "data.reason", true, out);
            }
            case TaskEvent.StopRequested e -> text(e.reason(), "data.reason", false, out);
            case TaskEvent.Stopped e -> {
                attempt(e.attempt(), out);
                text(e.reason(), "data.reason", false, out);
            }
            case TaskEvent.Lost e -> {
                text(e.workerId(), "data.workerId", true, out);
                attempt(e.attempt(), out);
            }
            case WorkerEvent.Heartbeat e -> {
                text(e.workerId(), "data.workerId", true, out);
                if (e.capacity() == null) {
                    out.add(new Violation("data.capacity", "is required"));
                }
            }
            case WorkerEvent.Left e -> text(e.workerId(), "data.workerId", true, out);
            case WorkerEvent.Draining e -> text(e.workerId(), "data.workerId", true, out);
            case WorkerEvent.Lost e -> text(e.workerId(), "data.workerId", true, out);
            case PlacementEvent.Requested e -> {
                text(e.taskId(), "data.taskId", true, out);
                attempt(e.attempt(), out);
                if (e.resources() == null) {
                    out.add(new Violation("data.resources", "is required"));
                }
            }
            case PlacementEvent.Released e -> {
                text(e.taskId(), "data.taskId", true, out);
                attempt(e.attempt(), out);
            }
            case AssignmentEvent.Start e -> {
                text(e.workerId(), "data.workerId", true, out);
                text(e.taskId(), "data.taskId", true, out);
                attempt(e.attempt(), out);
                out.addAll(TaskSpecValidator.validate(e.spec(), "data.spec."));
            }
            case AssignmentEvent.Stop e -> {
                text(e.workerId(), "data.workerId", true, out);
                text(e.taskId(), "data.taskId", true, out);
                attempt(e.attempt(), out);
            }
        }
        return out;
    }

    private static void attempt(int attempt, List<Violation> out) {
        if (attempt < 1) {
            out.add(new Violation("data.attempt", "is required and must be at least 1"));
        }
    }

    private static void text(String value, String field, boolean required, List<Violation> out) {
        if (value == null || value.isBlank()) {
            if (required) {
                out.add(new Violation(field, "is required"));
            }
        } else if (value.length() > MAX_REASON_LENGTH) {
            out.add(new Violation(field, "must be at most " + MAX_REASON_LENGTH + " characters"));
        }
    }
}
