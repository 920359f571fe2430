package dev.cube.worker.supervisor;

import dev.cube.events.desired.DesiredAttempt;
import dev.cube.events.desired.Revision;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What a worker should run, as it reads its partition of {@code cube.desired-attempts}: the records
 * that name it, latest per key. A record is taken only if its {@link Revision} is not lower than any
 * revision read so far from the same task-events partition: a projection that folds the log again (a
 * restart, a rebuild under a new application id, two side by side) writes again what it wrote before,
 * at the same or lower revisions, and nothing it says of the past is taken over what came after. Records
 * of one revision come from one event of one task (an attempt that ends and the next one placed), so
 * they are all taken; taking one again changes nothing. One set reads one partition (revisions of
 * different partitions of {@code cube.desired-attempts} are not comparable). Not thread-safe.
 */
public final class DesiredSet {

    /** The attempt of {@code workerId} under {@code key} changed. */
    public record Change(String workerId, String key) {
    }

    private final Predicate<String> workers;
    private final Map<String, Map<String, DesiredAttempt>> byWorker = new HashMap<>();
    private final Map<String, String> owners = new HashMap<>();
    private final Map<Integer, Long> watermarks = new HashMap<>();

    /** The set of one worker. */
    public DesiredSet(String workerId) {
        this(workerId::equals);
    }

    /** The sets of every worker {@code workers} accepts, read from one partition (the bench's hollow workers). */
    public DesiredSet(Predicate<String> workers) {
        this.workers = workers;
    }

    /**
     * Takes one record of the partition, in order.
     *
     * @param value    the record's value, null for a tombstone or a watermark
     * @param revision its revision, null when it has none (then it is taken as it is)
     * @return which attempt changed, if one of the workers' did
     */
    public Optional<Change> apply(String key, DesiredAttempt value, Revision revision) {
        if (key == null) {
            return Optional.empty();
        }
        if (revision != null) {
            long seen = watermarks.getOrDefault(revision.partition(), -1L);
            if (revision.offset() < seen) {
                return Optional.empty();
            }
            watermarks.put(revision.partition(), revision.offset());
        }
        if (Revision.isWatermarkKey(key)) {
            return Optional.empty();
        }
        if (value == null) {
            String owner = owners.remove(key);
            if (owner == null) {
                return Optional.empty();
            }
            Map<String, DesiredAttempt> of = byWorker.get(owner);
            of.remove(key);
            if (of.isEmpty()) {
                byWorker.remove(owner);
            }
            return Optional.of(new Change(owner, key));
        }
        if (!workers.test(value.workerId())) {
            return Optional.empty();
        }
        owners.put(key, value.workerId());
        DesiredAttempt before = byWorker.computeIfAbsent(value.workerId(), w -> new HashMap<>()).put(key, value);
        return value.equals(before) ? Optional.empty() : Optional.of(new Change(value.workerId(), key));
    }

    /** A copy of the attempts {@code workerId} should hold, by key. */
    public Map<String, DesiredAttempt> attemptsOf(String workerId) {
        return Map.copyOf(byWorker.getOrDefault(workerId, Map.of()));
    }

    /** A copy of every attempt of the set, by key (for a set of one worker: that worker's). */
    public Map<String, DesiredAttempt> attempts() {
        Map<String, DesiredAttempt> all = new HashMap<>();
        byWorker.values().forEach(all::putAll);
        return Map.copyOf(all);
    }

    public int size() {
        return owners.size();
    }
}
