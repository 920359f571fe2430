package dev.cube.manager.stream;

import dev.cube.events.topics.Topics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where a reader of the log stands: for each partition it reads, the offset of the next record to read.
 * Written {@code <partition>:<offset>} for {@code cube.task-events} and {@code <topic>/<partition>:<offset>}
 * for the worker topics ({@code workers/0:1203}, {@code worker-admin/0:4}), joined by commas:
 * {@code 0:42,1:17,2:88,3:5}. A reader that starts again from a position reads exactly what followed it.
 * Immutable; pure.
 *
 * @param next topic name → partition → the next offset to read, in a fixed order
 */
public record Position(Map<String, Map<Integer, Long>> next) {

    static final Map<String, String> SHORT = Map.of(Topics.WORKERS.name(), "workers", Topics.WORKER_ADMIN.name(), "worker-admin");

    public Position {
        Map<String, Map<Integer, Long>> copy = new LinkedHashMap<>();
        next.forEach((topic, offsets) -> copy.put(topic, java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(offsets))));
        next = java.util.Collections.unmodifiableMap(copy);
    }

    /** The next offset of {@code topic}'s {@code partition}, if this position has one. */
    public Optional<Long> of(String topic, int partition) {
        return Optional.ofNullable(next.getOrDefault(topic, Map.of()).get(partition));
    }

    /** The same position, having read the record at {@code offset}. */
    public Position after(String topic, int partition, long offset) {
        Map<String, Map<Integer, Long>> moved = new LinkedHashMap<>();
        next.forEach((t, offsets) -> moved.put(t, new LinkedHashMap<>(offsets)));
        moved.computeIfAbsent(topic, t -> new LinkedHashMap<>()).put(partition, offset + 1);
        return new Position(moved);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (var topic : next.entrySet()) {
            String prefix = topic.getKey().equals(Topics.TASK_EVENTS.name()) ? "" : SHORT.getOrDefault(topic.getKey(), topic.getKey()) + "/";
            topic.getValue().forEach((partition, offset) -> {
                if (!text.isEmpty()) {
                    text.append(',');
                }
                text.append(prefix).append(partition).append(':').append(offset);
            });
        }
        return text.toString();
    }

    /** The position written {@code text}; empty when it is not one (an unknown topic, a negative offset, no offsets at all). */
    public static Optional<Position> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        Map<String, Map<Integer, Long>> next = new LinkedHashMap<>();
        for (String part : text.trim().split(",")) {
            String topic = Topics.TASK_EVENTS.name();
            String rest = part.trim();
            int slash = rest.indexOf('/');
            if (slash >= 0) {
                String shortName = rest.substring(0, slash);
                topic = SHORT.entrySet().stream().filter(e -> e.getValue().equals(shortName)).map(Map.Entry::getKey).findFirst().orElse(null);
                if (topic == null) {
                    return Optional.empty();
                }
                rest = rest.substring(slash + 1);
            }
            int colon = rest.indexOf(':');
            if (colon <= 0) {
                return Optional.empty();
            }
            try {
                int partition = Integer.parseInt(rest.substring(0, colon));
                long offset = Long.parseLong(rest.substring(colon + 1));
                if (partition < 0 || offset < 0) {
                    return Optional.empty();
                }
                next.computeIfAbsent(topic, t -> new LinkedHashMap<>()).put(partition, offset);
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.of(new Position(next));
    }
}
