package dev.cube.worker.supervisor;

import dev.cube.events.desired.DesiredAttempt;
import dev.cube.events.desired.Revision;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What one worker should run, as it reads its partition of {@code cube.desired-attempts}: the records
 * that name it, latest per key. A record is taken only if its {@link Revision} is higher than every
 * revision read so far from the same task-events partition: a projection that folds the log again (a
 * restart, a rebuild under a new application id, two side by side) writes again what it wrote before,
 * at the same revisions, and nothing of it is taken twice. Not thread-safe: the worker's loop owns it.
 */
public final class DesiredSet {

    private final String workerId;
    private final Map<String, DesiredAttempt> attempts = new HashMap<>();
    private final Map<Integer, Long> watermarks = new HashMap<>();

    public DesiredSet(String workerId) {
        this.workerId = workerId;
    }

    /**
     * Takes one record of the partition, in order.
     *
     * @param value    the record's value, null for a tombstone or a watermark
     * @param revision its revision, null when it has none (then it is taken as it is)
     * @return the key of this worker's attempt whose desired state changed, if one did
     */
    public Optional<String> apply(String key, DesiredAttempt value, Revision revision) {
        if (key == null) {
            return Optional.empty();
        }
        if (revision != null) {
            long seen = watermarks.getOrDefault(revision.partition(), -1L);
            if (revision.offset() <= seen) {
                return Optional.empty();
            }
            watermarks.put(revision.partition(), revision.offset());
        }
        if (Revision.isWatermarkKey(key)) {
            return Optional.empty();
        }
        if (value == null) {
            return attempts.remove(key) != null ? Optional.of(key) : Optional.empty();
        }
        if (!workerId.equals(value.workerId())) {
            return Optional.empty();
        }
        DesiredAttempt before = attempts.put(key, value);
        return value.equals(before) ? Optional.empty() : Optional.of(key);
    }

    /** A copy of the attempts this worker should hold, by key. */
    public Map<String, DesiredAttempt> attempts() {
        return Map.copyOf(attempts);
    }

    public int size() {
        return attempts.size();
    }
}
