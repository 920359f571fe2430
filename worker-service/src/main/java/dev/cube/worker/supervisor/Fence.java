package dev.cube.worker.supervisor;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether a worker that Kafka no longer answers must give up its containers: Nomad's
 * {@code stop_after_client_disconnect}. A worker cut off from the log cannot know that the manager
 * declared it lost and started its tasks elsewhere; after {@code stopAfter} without one acknowledged
 * write it assumes so, and converges on nothing. Once Kafka answers again it takes up its desired set
 * only after reading it to the end as of that moment, so that it never runs again an attempt the log
 * moved away while it was cut off. Pure: the time is passed in.
 *
 * @param stopAfter how long without an acknowledgement before the worker stops everything; zero: never
 */
public record Fence(Duration stopAfter) {

    /** Where a worker stands with the log. */
    public enum State {
        /** Kafka acknowledges what it writes: it follows its desired set. */
        CONNECTED,
        /** Nothing acknowledged for longer than {@code stopAfter}: it runs nothing. */
        CUT_OFF,
        /** Acknowledged again, but its desired set not read to the end yet: it still runs nothing. */
        CATCHING_UP
    }

    public Fence {
        stopAfter = stopAfter == null || stopAfter.isNegative() ? Duration.ZERO : stopAfter;
    }

    /** Whether the fence can ever close: {@code stopAfter} is set. */
    public boolean enabled() {
        return !stopAfter.isZero();
    }

    /**
     * The state after {@code current}, at {@code now}, when Kafka last acknowledged a write at {@code lastAcknowledged}
     * and {@code caughtUp} says whether the desired set was read to the end offset taken once Kafka answered again
     * (a worker just back from {@link State#CUT_OFF} has taken none yet: it catches up first).
     */
    public State next(State current, Instant lastAcknowledged, Instant now, boolean caughtUp) {
        if (!enabled()) {
            return State.CONNECTED;
        }
        boolean silent = Duration.between(lastAcknowledged, now).compareTo(stopAfter) > 0;
        if (silent) {
            return State.CUT_OFF;
        }
        return switch (current) {
            case CONNECTED -> State.CONNECTED;
            case CUT_OFF -> State.CATCHING_UP;
            case CATCHING_UP -> caughtUp ? State.CONNECTED : State.CATCHING_UP;
        };
    }
}
