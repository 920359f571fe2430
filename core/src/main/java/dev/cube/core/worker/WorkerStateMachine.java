package dev.cube.core.worker;

import dev.cube.events.WorkerEvent;
import dev.cube.events.WorkerEvent.Draining;
import dev.cube.events.WorkerEvent.Heartbeat;
import dev.cube.events.WorkerEvent.Left;
import dev.cube.events.WorkerEvent.Lost;
import dev.cube.events.WorkerEvent.Undrained;
import dev.cube.core.worker.WorkerState.Liveness;

import java.time.Instant;

/**
 * The one fold of a worker: worker state from worker events, each with the log time it was read at.
 * Pure and total. The placement stage, the replay of {@code cube.workers} and the tests call it.
 *
 * <pre>
 * (unseen) ──heartbeat──▶ LIVE ──left──▶ LEFT ──heartbeat──▶ LIVE
 *                          │                │
 *                          └──lost──▶ LOST ◀┘ (lost, when its lastSeen is the last heartbeat)
 *                                      └──heartbeat──▶ LIVE
 * draining / undrained set the other axis, whatever the liveness
 * each heartbeat says whether the worker's engine answers (its engine field, absent: it answers): the state
 * keeps what the last one said
 * </pre>
 */
public final class WorkerStateMachine {

    private WorkerStateMachine() {
    }

    /** Folds {@code event}, read at {@code logTime}, into {@code state} (null for a worker never seen). */
    public static WorkerEvolution evolve(WorkerState state, WorkerEvent event, Instant logTime) {
        if (state != null && !state.id().equals(event.workerId())) {
            return new WorkerEvolution.Rejected(state, "an event of worker " + event.workerId() + " folded into worker " + state.id());
        }
        WorkerState known = state == null ? WorkerState.unseen(event.workerId()) : state;
        return switch (event) {
            case Heartbeat beat -> new WorkerEvolution.Applied(new WorkerState(known.id(), beat.address(), beat.capacity(), beat.startedAt(),
                    beat.stats(), logTime, Liveness.LIVE, known.draining(), null, beat.engineAnswers() ? null : beat.engine()));
            case Left left -> switch (known.liveness()) {
                case LIVE -> new WorkerEvolution.Applied(known.with(Liveness.LEFT, logTime, left.reason() == null ? "left" : left.reason()));
                case LEFT -> new WorkerEvolution.Duplicate(known);
                case LOST -> new WorkerEvolution.Ignored(known, "worker " + known.id() + " was already declared lost");
                case UNSEEN -> new WorkerEvolution.Ignored(state, "worker " + known.id() + " left before any heartbeat of it was read");
            };
            case Lost lost -> switch (known.liveness()) {
                case LOST -> new WorkerEvolution.Duplicate(known);
                case UNSEEN -> new WorkerEvolution.Ignored(state, "worker " + known.id() + " was declared lost before any heartbeat of it was read");
                case LIVE, LEFT -> lost.lastSeen() != null && known.lastSeen() != null && known.lastSeen().isAfter(lost.lastSeen())
                        ? new WorkerEvolution.Ignored(known, "worker " + known.id() + " was heard from at " + known.lastSeen()
                        + ", after the heartbeat of " + lost.lastSeen() + " that its loss was declared on")
                        : new WorkerEvolution.Applied(known.with(Liveness.LOST, known.lastSeen(),
                        lost.reason() == null ? "lost" : lost.reason()));
            };
            case Draining ignored -> known.draining() ? new WorkerEvolution.Duplicate(known)
                    : new WorkerEvolution.Applied(known.withDraining(true));
            case Undrained ignored -> known.draining() ? new WorkerEvolution.Applied(known.withDraining(false))
                    : new WorkerEvolution.Duplicate(known);
        };
    }
}
