package dev.cube.events.origin;

import dev.cube.events.CubeEvent;
import dev.cube.events.ManagerEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.state.TaskState;

import java.util.Optional;

/**
 * Who may say what: the rule that keeps a principal who may submit and stop tasks from saying what only
 * the manager or a worker may. Pure.
 *
 * <table>
 *   <caption>who may write each event</caption>
 *   <tr><th>events</th><th>origin</th></tr>
 *   <tr><td>submitted, stop-requested</td><td>anyone allowed to write the topic</td></tr>
 *   <tr><td>scheduled, unplaced, lost (task); lost, tick (cube.workers); draining, undrained</td><td>the manager</td></tr>
 *   <tr><td>running</td><td>the worker it names</td></tr>
 *   <tr><td>completed, failed, stopped</td><td>the worker the task's current attempt is placed on</td></tr>
 *   <tr><td>heartbeat, left</td><td>the worker it names</td></tr>
 * </table>
 *
 * With {@link Origin.Unchecked} (no cluster secret) everything is allowed, as before proofs existed.
 */
public final class OriginPolicy {

    private OriginPolicy() {
    }

    /**
     * Why {@code origin} may not say {@code event}, or empty when it may.
     *
     * @param task the task's state before the event (task events; {@code null} for others or an unknown task)
     */
    public static Optional<String> refusal(CubeEvent event, Origin origin, TaskState task) {
        if (origin instanceof Origin.Unchecked) {
            return Optional.empty();
        }
        String type = event.type().typeName();
        return switch (event.data()) {
            case TaskEvent.Submitted ignored -> Optional.empty();
            case TaskEvent.StopRequested ignored -> Optional.empty();
            case TaskEvent.Scheduled ignored -> manager(type, origin);
            case TaskEvent.Unplaced ignored -> manager(type, origin);
            case TaskEvent.Lost ignored -> manager(type, origin);
            case TaskEvent.Running running -> worker(type, origin, running.workerId(), "the worker it names");
            case TaskEvent.Completed ignored -> attemptWorker(type, origin, task);
            case TaskEvent.Failed ignored -> attemptWorker(type, origin, task);
            case TaskEvent.Stopped ignored -> attemptWorker(type, origin, task);
            case WorkerEvent.Heartbeat beat -> worker(type, origin, beat.workerId(), "the worker it names");
            case WorkerEvent.Left left -> worker(type, origin, left.workerId(), "the worker it names");
            case WorkerEvent.Lost ignored -> manager(type, origin);
            case WorkerEvent.Draining ignored -> manager(type, origin);
            case WorkerEvent.Undrained ignored -> manager(type, origin);
            case ManagerEvent.Tick ignored -> manager(type, origin);
        };
    }

    private static Optional<String> manager(String type, Origin origin) {
        return origin instanceof Origin.Manager ? Optional.empty()
                : Optional.of(type + " is written by the manager only, and " + describe(origin));
    }

    private static Optional<String> attemptWorker(String type, Origin origin, TaskState task) {
        if (task == null || task.workerId() == null) {
            return origin instanceof Origin.Worker ? Optional.empty()
                    : Optional.of(type + " is written by the worker of the task's attempt only, and " + describe(origin));
        }
        return worker(type, origin, task.workerId(), "the worker of the task's attempt (" + task.workerId() + ")");
    }

    private static Optional<String> worker(String type, Origin origin, String workerId, String who) {
        if (origin instanceof Origin.Worker worker && worker.id().equals(workerId)) {
            return Optional.empty();
        }
        return Optional.of(type + " is written by " + who + " only, and " + describe(origin));
    }

    private static String describe(Origin origin) {
        return switch (origin) {
            case Origin.Unproven unproven -> unproven.reason();
            case Origin.Manager ignored -> "this record is the manager's";
            case Origin.Worker worker -> "this record is worker " + worker.id() + "'s";
            case Origin.Unchecked ignored -> "origins are not checked";
        };
    }
}
