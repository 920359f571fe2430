package dev.cube.core.worker;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cube.events.WorkerEvent;

import java.time.Instant;
import java.util.Objects;

/**
 * A worker as folded from its events by {@link WorkerStateMachine#evolve}. Two axes, as Nomad keeps
 * them: {@link #liveness} (what the log says of the worker's life) and {@link #draining} (what an
 * operator asked). Times are log times: the broker's clock on the record that brought the news.
 *
 * @param lastSeen the log time of the worker's last heartbeat (or of its {@code left}); null until then
 * @param reason   why the worker is where it is (left, lost), when that needs saying
 * @param engine   what its last heartbeat said of its container engine when that does not answer; null when
 *                 it answers (or said nothing, as older workers do)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkerState(String id, String address, WorkerEvent.Capacity capacity, Instant startedAt, WorkerEvent.Stats stats,
                          Instant lastSeen, Liveness liveness, boolean draining, String reason,
                          WorkerEvent.Engine engine) {

    public WorkerState {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(liveness, "liveness");
        if (engine != null && !Boolean.FALSE.equals(engine.answers())) {
            engine = null;
        }
    }

    public WorkerState(String id, String address, WorkerEvent.Capacity capacity, Instant startedAt, WorkerEvent.Stats stats,
                       Instant lastSeen, Liveness liveness, boolean draining, String reason) {
        this(id, address, capacity, startedAt, stats, lastSeen, liveness, draining, reason, null);
    }

    public enum Liveness {
        /** Known only from an operator's request: no heartbeat yet. */
        UNSEEN,
        /** It heartbeats. */
        LIVE,
        /** It said it shut down cleanly (its containers may still run: it takes them up again if it comes back). */
        LEFT,
        /** The log showed its TTL plus grace pass without a heartbeat; its attempts were declared lost. */
        LOST
    }

    static WorkerState unseen(String id) {
        return new WorkerState(id, null, null, null, null, null, Liveness.UNSEEN, false, null);
    }

    /** Whether its container engine answered at its last heartbeat (what a worker that does not say means). */
    public boolean engineAnswers() {
        return engine == null;
    }

    /**
     * What the HTTP API calls it: ready, draining, engine-unreachable (live, not draining, its engine does not
     * answer: it takes no new work, its tasks stay), left, lost or unseen.
     */
    public String status() {
        return switch (liveness) {
            case LIVE -> draining ? "draining" : engineAnswers() ? "ready" : "engine-unreachable";
            case LEFT -> "left";
            case LOST -> "lost";
            case UNSEEN -> "unseen";
        };
    }

    WorkerState with(Liveness liveness, Instant lastSeen, String reason) {
        return new WorkerState(id, address, capacity, startedAt, stats, lastSeen, liveness, draining, reason, engine);
    }

    WorkerState withDraining(boolean draining) {
        return new WorkerState(id, address, capacity, startedAt, stats, lastSeen, liveness, draining, reason, engine);
    }
}
