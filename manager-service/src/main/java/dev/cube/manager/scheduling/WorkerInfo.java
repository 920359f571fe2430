package dev.cube.manager.scheduling;

import dev.cube.events.WorkerEvent;

import java.time.Duration;
import java.time.Instant;

/**
 * What the manager knows of a worker from {@code cube.workers}: its latest heartbeat, whether it
 * left cleanly, and whether an operator asked it to drain. {@code lastSeen} is the broker's time of
 * its latest heartbeat.
 */
public record WorkerInfo(String id, String address, WorkerEvent.Capacity capacity, Instant startedAt, Instant lastSeen,
                         boolean left, boolean draining, WorkerEvent.Stats stats) {

    public WorkerInfo(String id, String address, WorkerEvent.Capacity capacity, Instant startedAt, Instant lastSeen, boolean left) {
        this(id, address, capacity, startedAt, lastSeen, left, false, null);
    }

    public boolean isLive(Instant now, Duration ttl) {
        return !left && !lastSeen.plus(ttl).isBefore(now);
    }

    /** Live and not draining: new work may go there. */
    public boolean takesWork(Instant now, Duration ttl) {
        return isLive(now, ttl) && !draining;
    }

    public String status(Instant now, Duration ttl) {
        if (left) {
            return "left";
        }
        if (!isLive(now, ttl)) {
            return "lost";
        }
        return draining ? "draining" : "ready";
    }
}
