package dev.cube.events.state;

import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.TaskEvent.AttemptReport;
import dev.cube.events.TaskEvent.Completed;
import dev.cube.events.TaskEvent.Failed;
import dev.cube.events.TaskEvent.Lost;
import dev.cube.events.TaskEvent.Running;
import dev.cube.events.TaskEvent.Scheduled;
import dev.cube.events.TaskEvent.StopRequested;
import dev.cube.events.TaskEvent.Stopped;
import dev.cube.events.TaskEvent.Submitted;
import dev.cube.events.TaskEvent.Unplaced;
import dev.cube.events.spec.TaskSpec;

import java.util.List;
import java.util.Objects;

import static dev.cube.events.state.TaskStatus.Completed;
import static dev.cube.events.state.TaskStatus.Failed;
import static dev.cube.events.state.TaskStatus.Lost;
import static dev.cube.events.state.TaskStatus.Pending;
import static dev.cube.events.state.TaskStatus.Running;
import static dev.cube.events.state.TaskStatus.Scheduled;
import static dev.cube.events.state.TaskStatus.Stopped;

/**
 * The one fold of a task: task state from task events. Pure and total: it never throws for an event
 * that does not apply, it answers {@link Evolution.Rejected} with the reason. The live projection,
 * the replay tool and the tests all call this function.
 *
 * <pre>
 * Pending ──scheduled──▶ Scheduled ──running──▶ Running ──completed──▶ Completed
 *                          │   ▲                 │  │
 *                          │   └──scheduled(n+1)─┤  └──failed──▶ Failed ──scheduled(n+1)──▶ Scheduled
 *                          └──failed──▶ Failed   └──lost──▶ Lost ──scheduled(n+1)──▶ Scheduled
 * Scheduled | Running ──stopped──▶ Stopped;  stop-requested with nothing on a worker ──▶ Stopped
 * </pre>
 *
 * <p>Repetition is recognised without a list of every event id: an event whose id is among the last
 * {@value TaskState#RECENT_IDS} applied is a {@link Evolution.Duplicate}, and so is an event that says
 * again what the state already holds (the same attempt scheduled on the same worker, a second report of
 * how an attempt ended), whatever its id. A true fact that no longer matters (a report about an attempt
 * that already ended or was replaced, a placement that lost a race with a stop) is {@link Evolution.Ignored}.
 */
public final class TaskStateMachine {

    private TaskStateMachine() {
    }

    /** Folds {@code event} into {@code state}; {@code state} is null for a task never seen. */
    public static Evolution evolve(TaskState state, CubeEvent event) {
        if (!(event.data() instanceof TaskEvent data)) {
            return new Evolution.Rejected(state, "not a task event: " + event.type().typeName());
        }
        if (state != null && state.appliedRecently(event.id())) {
            return new Evolution.Duplicate(state);
        }
        if (state == null) {
            return data instanceof Submitted submitted
                    ? new Evolution.Applied(submit(event, submitted))
                    : new Evolution.Rejected(null, "unknown task " + event.subject() + ": its first event must be " + "dev.cube.task.submitted");
        }
        Evolution settled = settledAlready(state, data);
        if (settled != null) {
            return settled;
        }
        TaskState.Builder next = state.toBuilder();
        String rejection = switch (data) {
            case Submitted ignored -> "task " + state.id() + " was already submitted";
            case Unplaced unplaced -> unplace(unplaced, next);
            case Scheduled scheduled -> schedule(state, scheduled, event, next);
            case Running running -> run(state, running, event, next);
            case Completed completed -> complete(state, completed, event, next);
            case Failed failed -> fail(state, failed, event, next);
            case StopRequested stopRequested -> requestStop(state, stopRequested, event, next);
            case Stopped stopped -> stop(state, stopped, event, next);
            case Lost lost -> lose(state, lost, event, next);
        };
        if (rejection != null) {
            return new Evolution.Rejected(state, rejection);
        }
        next.updatedAt = event.time();
        next.eventCount = state.eventCount() + 1;
        next.applied(event.id());
        return new Evolution.Applied(next.build());
    }

    /** Folds a whole history, skipping what is rejected, ignored or duplicated. */
    public static TaskState fold(TaskState initial, Iterable<CubeEvent> events) {
        TaskState state = initial;
        for (CubeEvent event : events) {
            state = evolve(state, event).state();
        }
        return state;
    }

    /**
     * The answer for an event the state has already taken into account, or that no longer matters;
     * null when the event is to be applied (or rejected) by its own rule.
     */
    private static Evolution settledAlready(TaskState state, TaskEvent data) {
        return switch (data) {
            case Submitted ignored -> null;
            case Unplaced unplaced -> {
                if (state.state() != Pending) {
                    yield new Evolution.Ignored(state, "a note that task " + state.id() + " waits for placement, but it is " + state.state());
                }
                yield Objects.equals(unplaced.reason(), state.reason()) ? new Evolution.Duplicate(state) : null;
            }
            case Scheduled scheduled -> {
                if (scheduled.attempt() > state.attempt()) {
                    yield scheduleIgnored(state);
                }
                if (scheduled.attempt() == state.attempt() && scheduled.workerId().equals(state.workerId())) {
                    yield new Evolution.Duplicate(state);
                }
                yield new Evolution.Ignored(state, "attempt " + scheduled.attempt() + " of task " + state.id()
                        + " was already placed" + (scheduled.attempt() == state.attempt() ? " on worker " + state.workerId() : ""));
            }
            case StopRequested ignored -> {
                if (state.state() == Completed || state.state() == Stopped) {
                    yield new Evolution.Ignored(state, "task " + state.id() + " is already " + state.state());
                }
                yield state.desiredState() == DesiredState.Stopped
                        ? new Evolution.Ignored(state, "a stop of task " + state.id() + " was already requested") : null;
            }
            case AttemptReport report -> reportSettled(state, report);
        };
    }

    /** A placement of the next attempt that the state no longer takes: it lost a race with a stop or an end. */
    private static Evolution scheduleIgnored(TaskState state) {
        if (state.desiredState() == DesiredState.Stopped) {
            return new Evolution.Ignored(state, "a placement of task " + state.id() + ", whose stop was requested");
        }
        if (state.state() == Stopped) {
            return new Evolution.Ignored(state, "a placement of task " + state.id() + ", which is Stopped");
        }
        if (state.state() == Completed && state.spec().restartPolicy().mode() != TaskSpec.RestartPolicy.Mode.ALWAYS) {
            return new Evolution.Ignored(state, "a placement of task " + state.id()
                    + ", which is Completed: only a task whose restart policy is 'always' runs again after a clean exit");
        }
        return null;
    }

    private static Evolution reportSettled(TaskState state, AttemptReport report) {
        if (report.attempt() < state.attempt()) {
            return new Evolution.Ignored(state, "a late report about attempt " + report.attempt()
                    + "; task " + state.id() + " is at attempt " + state.attempt());
        }
        if (report.attempt() > state.attempt() || state.state() == Pending) {
            return null;
        }
        if (TaskStatus.ON_A_WORKER.contains(state.state())) {
            boolean sameRun = report instanceof Running running && state.state() == Running
                    && running.workerId().equals(state.workerId()) && running.containerId().equals(state.containerId());
            return sameRun ? new Evolution.Duplicate(state) : null;
        }
        // The current attempt has ended: saying so again is a duplicate, saying anything else is late.
        TaskStatus said = switch (report) {
            case Running ignored -> Running;
            case Completed ignored -> Completed;
            case Failed ignored -> Failed;
            case Stopped ignored -> Stopped;
            case Lost ignored -> Lost;
        };
        if (said == state.state()) {
            return new Evolution.Duplicate(state);
        }
        return new Evolution.Ignored(state, "a late report about attempt " + report.attempt() + " of task " + state.id()
                + ", which already ended " + state.state());
    }

    private static TaskState submit(CubeEvent event, Submitted submitted) {
        TaskState.Builder b = new TaskState.Builder();
        b.id = event.subject();
        b.spec = submitted.spec();
        b.state = Pending;
        b.desiredState = DesiredState.Running;
        b.attempt = 0;
        b.submittedAt = event.time();
        b.updatedAt = event.time();
        b.eventCount = 1;
        b.applied(event.id());
        return b.build();
    }

    private static String unplace(Unplaced unplaced, TaskState.Builder next) {
        next.reason = unplaced.reason();
        return null;
    }

    private static String schedule(TaskState state, Scheduled scheduled, CubeEvent event, TaskState.Builder next) {
        if (scheduled.attempt() != state.attempt() + 1) {
            return "scheduled attempt " + scheduled.attempt() + " must be the next attempt, " + (state.attempt() + 1);
        }
        next.state = Scheduled;
        next.attempt = scheduled.attempt();
        next.workerId = scheduled.workerId();
        next.containerId = null;
        next.ports = List.of();
        next.exitCode = null;
        next.reason = null;
        next.scheduledAt = event.time();
        next.startedAt = null;
        next.finishedAt = null;
        return null;
    }

    private static String run(TaskState state, Running running, CubeEvent event, TaskState.Builder next) {
        String stale = staleAttempt(state, running.attempt());
        if (stale != null) {
            return stale;
        }
        if (state.state() == Running) {
            return "attempt " + running.attempt() + " already runs in container " + state.containerId() + ", not " + running.containerId();
        }
        if (state.state() != Scheduled) {
            return "cannot start a " + state.state() + " task: only a Scheduled attempt starts running";
        }
        if (!running.workerId().equals(state.workerId())) {
            return "attempt " + running.attempt() + " was placed on worker " + state.workerId() + ", not on " + running.workerId();
        }
        next.state = Running;
        next.workerId = running.workerId();
        next.containerId = running.containerId();
        next.ports = running.ports();
        next.startedAt = event.time();
        return null;
    }

    private static String complete(TaskState state, Completed completed, CubeEvent event, TaskState.Builder next) {
        String stale = staleAttempt(state, completed.attempt());
        if (stale != null) {
            return stale;
        }
        if (state.state() != Running) {
            return "cannot complete a " + state.state() + " task: only a Running attempt completes";
        }
        next.state = Completed;
        next.exitCode = completed.exitCode();
        next.finishedAt = event.time();
        return null;
    }

    private static String fail(TaskState state, Failed failed, CubeEvent event, TaskState.Builder next) {
        String stale = staleAttempt(state, failed.attempt());
        if (stale != null) {
            return stale;
        }
        if (!TaskStatus.ON_A_WORKER.contains(state.state())) {
            return "cannot fail a " + state.state() + " task: only a Scheduled or Running attempt fails";
        }
        next.state = Failed;
        next.exitCode = failed.exitCode();
        next.reason = failed.reason();
        next.finishedAt = event.time();
        return null;
    }

    private static String requestStop(TaskState state, StopRequested request, CubeEvent event, TaskState.Builder next) {
        next.desiredState = DesiredState.Stopped;
        if (!TaskStatus.ON_A_WORKER.contains(state.state())) {
            next.state = Stopped;
            next.reason = request.reason() == null ? "stop requested" : request.reason();
            next.finishedAt = event.time();
        }
        return null;
    }

    private static String stop(TaskState state, Stopped stopped, CubeEvent event, TaskState.Builder next) {
        String stale = staleAttempt(state, stopped.attempt());
        if (stale != null) {
            return stale;
        }
        if (!TaskStatus.ON_A_WORKER.contains(state.state())) {
            return "cannot stop a " + state.state() + " task: nothing of it runs on a worker";
        }
        next.state = Stopped;
        next.reason = stopped.reason() == null ? "stopped" : stopped.reason();
        next.finishedAt = event.time();
        return null;
    }

    private static String lose(TaskState state, Lost lost, CubeEvent event, TaskState.Builder next) {
        String stale = staleAttempt(state, lost.attempt());
        if (stale != null) {
            return stale;
        }
        if (!TaskStatus.ON_A_WORKER.contains(state.state())) {
            return "cannot lose a " + state.state() + " task: nothing of it runs on a worker";
        }
        if (!lost.workerId().equals(state.workerId())) {
            return "attempt " + lost.attempt() + " was placed on worker " + state.workerId() + ", not on " + lost.workerId();
        }
        next.state = Lost;
        next.reason = lost.reason() == null ? "worker " + lost.workerId() + " was lost" : lost.reason();
        next.finishedAt = event.time();
        return null;
    }

    private static String staleAttempt(TaskState state, int attempt) {
        return attempt == state.attempt() ? null
                : "event for attempt " + attempt + " does not match the current attempt " + state.attempt();
    }
}
