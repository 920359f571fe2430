package dev.cube.faults;

import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every acknowledgement a client got, and the check that each is on the log exactly once, in the order the
 * acknowledgements came per key (Jepsen's check of acknowledged writes): an HTTP 202 for a submission (the
 * task id: one {@code submitted} for it on the log), or a Kafka producer's acknowledgement of an event (its
 * id, partition and offset: exactly one record with that event id, at that place). Thread-safe.
 */
final class Ledger {

    /** One acknowledgement: {@code eventId} null for an HTTP submission (only the task id is known). */
    record Ack(String via, String key, String eventId, int partition, long offset) {
    }

    /** What the log says of the acknowledgements. */
    record Verdict(int acknowledged, List<String> missing, List<String> doubled, List<String> outOfOrder) {
        int lost() {
            return missing.size();
        }

        boolean clean() {
            return missing.isEmpty() && doubled.isEmpty() && outOfOrder.isEmpty();
        }

        @Override
        public String toString() {
            return "acknowledged " + acknowledged + ", missing " + missing + ", doubled " + doubled + ", out of order " + outOfOrder;
        }
    }

    private final List<Ack> acks = new CopyOnWriteArrayList<>();
    /** Records a scenario wrote on purpose as copies of others (partition@offset): not counted as doubled writes. */
    private final java.util.Set<String> copies = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A record written on purpose as a copy of another (a scenario about duplicates): the check leaves it out. */
    void copy(int partition, long offset) {
        copies.add(partition + "@" + offset);
    }

    void http(String taskId) {
        acks.add(new Ack("http", taskId, null, -1, -1));
    }

    void kafka(String key, String eventId, int partition, long offset) {
        acks.add(new Ack("kafka", key, eventId, partition, offset));
    }

    int size() {
        return acks.size();
    }

    List<String> taskIds() {
        return taskIds(0);
    }

    /** The tasks of the acknowledgements from the {@code from}-th on (a scenario's, when several share a system). */
    List<String> taskIds(int from) {
        return acks.subList(Math.min(from, acks.size()), acks.size()).stream().map(Ack::key).distinct().toList();
    }

    /** Checks every acknowledgement against {@code log}, the decoded records of {@code cube.task-events} with their offsets. */
    Verdict check(List<Logged> log) {
        Map<String, List<Logged>> byEventId = new HashMap<>();
        Map<String, Integer> submittedPerTask = new HashMap<>();
        for (Logged record : log) {
            if (copies.contains(record.partition() + "@" + record.offset())) {
                continue;
            }
            byEventId.computeIfAbsent(record.event().id(), k -> new ArrayList<>()).add(record);
            if (record.event().data() instanceof TaskEvent.Submitted) {
                submittedPerTask.merge(record.event().subject(), 1, Integer::sum);
            }
        }
        List<String> missing = new ArrayList<>();
        List<String> doubled = new ArrayList<>();
        List<String> outOfOrder = new ArrayList<>();
        Map<String, Long> lastOffsetPerKey = new LinkedHashMap<>();
        for (Ack ack : acks) {
            if (ack.eventId() == null) {
                int count = submittedPerTask.getOrDefault(ack.key(), 0);
                if (count == 0) {
                    missing.add(ack.key());
                } else if (count > 1) {
                    doubled.add(ack.key());
                }
                continue;
            }
            List<Logged> found = byEventId.getOrDefault(ack.eventId(), List.of());
            if (found.isEmpty()) {
                missing.add(ack.key() + "/" + ack.eventId());
                continue;
            }
            if (found.size() > 1) {
                doubled.add(ack.key() + "/" + ack.eventId());
            }
            Logged first = found.getFirst();
            if (first.partition() != ack.partition() || first.offset() != ack.offset()) {
                missing.add(ack.key() + "/" + ack.eventId() + " acknowledged at " + ack.partition() + "@" + ack.offset()
                        + " but found at " + first.partition() + "@" + first.offset());
            }
            Long before = lastOffsetPerKey.put(ack.key(), first.offset());
            if (before != null && before > first.offset()) {
                outOfOrder.add(ack.key() + "/" + ack.eventId());
            }
        }
        return new Verdict(acks.size(), missing, doubled, outOfOrder);
    }

    /** A record of the log, decoded, with where it is. */
    record Logged(int partition, long offset, long timestamp, CubeEvent event) {
    }
}
