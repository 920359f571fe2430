package dev.cube.manager.scheduling;

import dev.cube.events.WorkerEvent;

import java.time.Duration;
import java.time.Instant;

/** What the manager knows of a worker from its latest event on {@code cube.workers}. */
public record WorkerInfo(String id, String address, WorkerEvent.Capacity capacity, Instant startedAt, Instant lastSeen, boolean left) {

    public boolean isLive(Instant now, Duration ttl) {
        return !left && !lastSeen.plus(ttl).isBefore(now);
    }

    public String status(Instant now, Duration ttl) {
        if (left) {
            return "left";
        }
        return isLive(now, ttl) ? "ready" : "lost";
    }
}
