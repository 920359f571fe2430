package dev.cube.core.placement;

import dev.cube.events.spec.Resources;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the scheduler counts as held on one worker: each attempt placed there (and not yet seen to end
 * or move) with what it needs, keyed by {@code <task id>/<attempt>}. Two attempts of one task can be
 * held at once, on different workers, while a drain moves it. Immutable.
 */
public record Allocation(Map<String, Held> attempts) {

    public static final Allocation EMPTY = new Allocation(Map.of());

    public Allocation {
        attempts = attempts == null ? Map.of() : Map.copyOf(attempts);
    }

    /** One attempt held on the worker. */
    public record Held(String taskId, int attempt, Resources resources) {
        public String key() {
            return taskId + "/" + attempt;
        }
    }

    public Resources total() {
        Resources total = Resources.NONE;
        for (Held held : attempts.values()) {
            total = total.plus(held.resources());
        }
        return total;
    }

    public int taskCount() {
        return attempts.size();
    }

    /** The ids of the tasks with an attempt held here, sorted. */
    public Set<String> taskIds() {
        Set<String> ids = new TreeSet<>();
        attempts.values().forEach(held -> ids.add(held.taskId()));
        return ids;
    }

    public Allocation with(Held held) {
        Map<String, Held> next = new TreeMap<>(attempts);
        next.put(held.key(), held);
        return new Allocation(next);
    }

    public Allocation without(String key) {
        if (!attempts.containsKey(key)) {
            return this;
        }
        Map<String, Held> next = new TreeMap<>(attempts);
        next.remove(key);
        return new Allocation(next);
    }
}
