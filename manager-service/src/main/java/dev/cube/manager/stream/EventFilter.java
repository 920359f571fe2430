package dev.cube.manager.stream;

import dev.cube.events.CubeEvent;
import dev.cube.events.EventType;
import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which events a reader of the event stream wants: those of one task, of some types, concerning one
 * worker. An event concerns a worker when it names it ({@code scheduled}, {@code running}, {@code lost},
 * every worker event) or comes from it (its reports: source {@code /cube/worker/<id>}). Heartbeats and
 * managers' ticks are left out unless asked for by type: there is one every few seconds. Pure.
 *
 * @param task   a task id, or null for every task
 * @param types  the types wanted, or empty for every type
 * @param worker a worker id, or null for every worker
 */
public record EventFilter(String task, Set<EventType> types, String worker) {

    private static final Set<EventType> NOISE = EnumSet.of(EventType.WORKER_HEARTBEAT, EventType.MANAGER_TICK);

    public EventFilter {
        types = types == null || types.isEmpty() ? Set.of() : Set.copyOf(types);
    }

    public boolean matches(CubeEvent event) {
        EventType type = event.type();
        if (types.isEmpty() ? NOISE.contains(type) : !types.contains(type)) {
            return false;
        }
        if (task != null && (!(event.data() instanceof TaskEvent) || !task.equals(event.subject()))) {
            return false;
        }
        return worker == null || worker.equals(workerOf(event)) || ("/cube/worker/" + worker).equals(event.source());
    }

    private static String workerOf(CubeEvent event) {
        return switch (event.data()) {
            case TaskEvent.Scheduled scheduled -> scheduled.workerId();
            case TaskEvent.Running running -> running.workerId();
            case TaskEvent.Lost lost -> lost.workerId();
            case WorkerEvent ignored -> event.subject();
            default -> null;
        };
    }

    /**
     * The types named by {@code text}, a comma-separated list of type names ({@code dev.cube.task.completed}),
     * or their ends after {@code dev.cube.} ({@code task.completed}) or after the last dot ({@code completed};
     * {@code lost} is both {@code task.lost} and {@code worker.lost}); empty when a name is none of these.
     */
    public static Optional<Set<EventType>> types(String text) {
        Set<EventType> out = EnumSet.noneOf(EventType.class);
        if (text == null || text.isBlank()) {
            return Optional.of(out);
        }
        for (String name : text.split(",")) {
            String wanted = name.trim().toLowerCase(Locale.ROOT);
            List<EventType> named = new ArrayList<>();
            for (EventType type : EventType.values()) {
                String full = type.typeName();
                if (full.equals(wanted) || full.equals("dev.cube." + wanted) || full.substring(full.lastIndexOf('.') + 1).equals(wanted)) {
                    named.add(type);
                }
            }
            if (named.isEmpty()) {
                return Optional.empty();
            }
            out.addAll(named);
        }
        return Optional.of(out);
    }

    /** Whether events of the worker topics can match: no task is named. */
    public boolean wantsWorkerTopics() {
        return task == null;
    }
}
