package dev.cube.events.wire;

import dev.cube.events.EventData;
import dev.cube.events.ManagerEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.spec.TaskSpecValidator;
import dev.cube.events.spec.Violation;
import dev.cube.events.WorkerEvent;

import java.util.ArrayList;
import java.util.List;

/** Field rules of each event's data, beyond what its JSON shape already enforces. Paths start at {@code data}. */
public final class EventRules {

    public static final int MAX_REASON_LENGTH = 4096;
    public static final int MAX_WORKER_ID_LENGTH = 253;
    /** The most cores a worker may offer. */
    public static final int MAX_CAPACITY_CPU = 1_000_000;
    /** The most memory or disk a worker may offer or measure: 1 EiB, in MB (sums of many stay far from overflowing a long). */
    public static final long MAX_CAPACITY_MB = 1024L * 1024 * 1024 * 1024;
    private static final java.util.regex.Pattern WORKER_ID = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0," + (MAX_WORKER_ID_LENGTH - 1) + "}");

    private EventRules() {
    }

    public static List<Violation> violations(EventData data) {
        List<Violation> out = new ArrayList<>();
        switch (data) {
            case TaskEvent.Submitted e -> out.addAll(TaskSpecValidator.validate(e.spec(), "data.spec."));
            case TaskEvent.Unplaced e -> text(e.reason(), "data.reason", true, out);
            case TaskEvent.Scheduled e -> {
                workerId(e.workerId(), out);
                attempt(e.attempt(), out);
            }
            case TaskEvent.Running e -> {
                workerId(e.workerId(), out);
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
                workerId(e.workerId(), out);
                attempt(e.attempt(), out);
            }
            case WorkerEvent.Heartbeat e -> {
                workerId(e.workerId(), out);
                if (e.capacity() == null) {
                    out.add(new Violation("data.capacity", "is required"));
                } else {
                    capacity(e.capacity(), out);
                }
                if (e.stats() != null) {
                    stats(e.stats(), out);
                }
                if (e.engine() != null) {
                    if (e.engine().answers() == null) {
                        out.add(new Violation("data.engine.answers", "is required"));
                    }
                    text(e.engine().reason(), "data.engine.reason", false, out);
                }
            }
            case WorkerEvent.Left e -> workerId(e.workerId(), out);
            case WorkerEvent.Draining e -> workerId(e.workerId(), out);
            case WorkerEvent.Undrained e -> workerId(e.workerId(), out);
            case WorkerEvent.Lost e -> workerId(e.workerId(), out);
            case ManagerEvent.Tick e -> text(e.instance(), "data.instance", true, out);
        }
        return out;
    }

    /** Whether {@code id} can name a worker: a host name's characters, so that it never contains '/' (see {@link dev.cube.events.topics.Topics#tickKey}). */
    public static boolean isWorkerId(String id) {
        return id != null && WORKER_ID.matcher(id).matches();
    }

    private static void workerId(String id, List<Violation> out) {
        if (id == null || id.isBlank()) {
            out.add(new Violation("data.workerId", "is required"));
        } else if (!isWorkerId(id)) {
            out.add(new Violation("data.workerId", "must be 1 to " + MAX_WORKER_ID_LENGTH
                    + " letters, digits, '.', '_' or '-', starting with a letter or a digit"));
        }
    }

    private static void capacity(WorkerEvent.Capacity capacity, List<Violation> out) {
        if (!(capacity.cpu() >= 0) || capacity.cpu() > MAX_CAPACITY_CPU) {
            out.add(new Violation("data.capacity.cpu", "must be between 0 and " + MAX_CAPACITY_CPU + " cores"));
        }
        if (capacity.memory() < 0 || capacity.memory() > MAX_CAPACITY_MB) {
            out.add(new Violation("data.capacity.memory", "must be between 0 and " + MAX_CAPACITY_MB + " MB"));
        }
        if (capacity.disk() < 0 || capacity.disk() > MAX_CAPACITY_MB) {
            out.add(new Violation("data.capacity.disk", "must be between 0 and " + MAX_CAPACITY_MB + " MB"));
        }
    }

    private static void stats(WorkerEvent.Stats stats, List<Violation> out) {
        if (!(stats.cpuUsage() >= 0) || stats.cpuUsage() > 1) {
            out.add(new Violation("data.stats.cpuUsage", "must be between 0 and 1"));
        }
        if (stats.memoryUsed() < 0 || stats.memoryUsed() > MAX_CAPACITY_MB) {
            out.add(new Violation("data.stats.memoryUsed", "must be between 0 and " + MAX_CAPACITY_MB + " MB"));
        }
        if (stats.diskUsed() < 0 || stats.diskUsed() > MAX_CAPACITY_MB) {
            out.add(new Violation("data.stats.diskUsed", "must be between 0 and " + MAX_CAPACITY_MB + " MB"));
        }
        if (!(stats.loadAverage() >= 0) || Double.isInfinite(stats.loadAverage())) {
            out.add(new Violation("data.stats.loadAverage", "must be a number of at least 0"));
        }
        if (stats.containers() < 0) {
            out.add(new Violation("data.stats.containers", "must not be negative"));
        }
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
