package dev.cube.manager.scheduling;

import dev.cube.events.PlacementEvent.Resources;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the scheduler has placed on one worker and not yet seen released: task id → the attempt
 * and what it holds. Derived from {@code cube.placement} and the scheduler's own decisions.
 */
public record Allocation(Map<String, Held> attempts) {

    public static final Allocation EMPTY = new Allocation(Map.of());

    public Allocation {
        attempts = attempts == null ? Map.of() : Map.copyOf(attempts);
    }

    /** One attempt on the worker; {@code moving} once the scheduler has placed its successor elsewhere (drain). */
    public record Held(int attempt, Resources resources, boolean moving) {
    }

    public Resources total() {
        double cpu = 0;
        long memory = 0;
        long disk = 0;
        for (Held held : attempts.values()) {
            cpu += held.resources().cpu();
            memory += held.resources().memory();
            disk += held.resources().disk();
        }
        return new Resources(cpu, memory, disk);
    }

    public int taskCount() {
        return attempts.size();
    }

    public Allocation with(String taskId, Held held) {
        Map<String, Held> next = new TreeMap<>(attempts);
        next.put(taskId, held);
        return new Allocation(next);
    }

    /** Without the task's attempt {@code attempt} (or any earlier one); unchanged when it holds a later one. */
    public Allocation without(String taskId, int attempt) {
        Held held = attempts.get(taskId);
        if (held == null || held.attempt() > attempt) {
            return this;
        }
        Map<String, Held> next = new TreeMap<>(attempts);
        next.remove(taskId);
        return new Allocation(next);
    }
}
