package dev.cube.core.worker;

import java.time.Duration;
import java.time.Instant;

/**
 * Time as the log tells it, for liveness: the broker's clock on the records of {@code cube.workers}
 * (heartbeats, managers' ticks), in their order on its one partition. Nothing here reads a clock.
 *
 * <p>The rule: a worker is due to be declared lost when the log shows its TTL plus grace pass since the
 * later of its last heartbeat and the end of the last gap. A gap is two consecutive records more than
 * {@code gap} apart: the broker was down, or no one wrote (every manager and worker paused or gone).
 * A gap is not evidence against anyone, so after one every worker gets a fresh TTL plus grace, counted
 * from the first record after it (as Nomad gives every node a fresh TTL after a leader election).
 *
 * @param last   the log time of the latest record read; null before the first
 * @param gapEnd the log time of the first record after the latest gap (the first record of all counts as one); null before the first
 */
public record LogClock(Instant last, Instant gapEnd) {

    public static final LogClock START = new LogClock(null, null);

    /** The clock after a record at {@code time}; a record older than the latest (another partition's clock) does not move it back. */
    public LogClock advance(Instant time, Duration gap) {
        if (last == null) {
            return new LogClock(time, time);
        }
        if (!time.isAfter(last)) {
            return this;
        }
        return Duration.between(last, time).compareTo(gap) > 0 ? new LogClock(time, time) : new LogClock(time, gapEnd);
    }

    /** From when a worker's silence counts: its last heartbeat, or the end of the last gap if that is later. */
    public Instant silentSince(Instant lastSeen) {
        if (lastSeen == null) {
            return gapEnd;
        }
        return gapEnd == null || lastSeen.isAfter(gapEnd) ? lastSeen : gapEnd;
    }

    /** Whether a worker last seen at {@code lastSeen} has been silent for longer than {@code after}, now. */
    public boolean silentFor(Instant lastSeen, Duration after) {
        Instant since = silentSince(lastSeen);
        return last != null && since != null && since.plus(after).isBefore(last);
    }
}
