package dev.cube.events.state;

import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
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

import static dev.cube.events.state.TaskStatus.Completed;
import static dev.cube.events.state.TaskStatus.Failed;
import static dev.cube.events.state.TaskStatus.Lost;
import static dev.cube.events.state.TaskStatus.Pending;
import static dev.cube.events.state.TaskStatus.Running;
import static dev.cube.events.state.TaskStatus.Scheduled;
import static dev.cube.events.state.TaskStatus.Stopped;

/**
 * The one fold of Cube: task state from task events. Pure and total: it never throws for an event
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
 */
public final class TaskStateMachine {

    private TaskStateMachine() {
    }

    /** Folds {@code event} into {@code state}; {@code state} is null for a task never seen. */
    public static Evolution evolve(TaskState state, CubeEvent event) {
        if (!(event.data() instanceof TaskEvent data)) {
            return new Evolution.Rejected(state, "not a task event: " + event.type().typeName());
        }
        if (state != null && state.hasApplied(event.id())) {
            return new Evolution.Duplicate(state);
        }
        if (state == null) {
            return data instanceof Submitted submitted
                    ? new Evolution.Applied(submit(event, submitted))
                    : new Evolution.Rejected(null, "unknown task " + event.subject() + ": its first event must be " + "dev.cube.task.submitted");
        }
        if (data instanceof TaskEvent.Unplaced && state.state() != Pending) {
            return new Evolution.Ignored(state, "a note that task " + state.id() + " waits for placement, but it is " + state.state());
        }
        if (data instanceof TaskEvent.AttemptReport report && report.attempt() < state.attempt()) {
            return new Evolution.Ignored(state, "a late report about attempt " + report.attempt()
                    + "; task " + state.id() + " is at attempt " + state.attempt());
        }
        TaskState.Builder next = state.toBuilder();
        String rejection = switch (data) {
            case Submitted ignored -> "task " + state.id() + " was already submitted";
            case Unplaced unplaced -> unplace(state, unplaced, next);
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
        next.eventIds.add(event.id());
        return new Evolution.Applied(next.build());
    }

    /** Folds a whole history, skipping what is rejected or duplicated. */
    public static TaskState fold(TaskState initial, Iterable<CubeEvent> events) {
        TaskState state = initial;
        for (CubeEvent event : events) {
            state = evolve(state, event).state();
        }
        return state;
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
        b.eventIds.add(event.id());
        return b.build();
    }

    private static String unplace(TaskState state, Unplaced unplaced, TaskState.Builder next) {
        next.reason = unplaced.reason();
        return null;
    }

    private static String schedule(TaskState state, Scheduled scheduled, CubeEvent event, TaskState.Builder next) {
        if (state.desiredState() == DesiredState.Stopped) {
            return "cannot schedule task " + state.id() + ": a stop was requested";
        }
        if (state.state() == Stopped) {
            return "cannot schedule a Stopped task";
        }
        if (state.state() == Completed && state.spec().restartPolicy().mode() != TaskSpec.RestartPolicy.Mode.ALWAYS) {
            return "cannot schedule a Completed task: only a task whose restart policy is 'always' runs again after a clean exit";
        }
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
        if (state.state() != Scheduled && state.state() != Running) {
            return "cannot fail a " + state.state() + " task: only a Scheduled or Running attempt fails";
        }
        next.state = Failed;
        next.exitCode = failed.exitCode();
        next.reason = failed.reason();
        next.finishedAt = event.time();
        return null;
    }

    private static String requestStop(TaskState state, StopRequested request, CubeEvent event, TaskState.Builder next) {
        if (state.state() == Completed || state.state() == Stopped) {
            return "task " + state.id() + " is already " + state.state();
        }
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
