package dev.cube.core.task;

import dev.cube.events.desired.DesiredAttempt;
import dev.cube.events.state.DesiredState;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What follows from a task's state for the rest of Cube, as pure functions of that state: what its
 * worker should do with its current attempt ({@link #desired}), and what the placement stage must
 * know of it ({@link #control}). The task fold calls {@link #react} with the state before and after
 * each applied event and writes what changed. Because every output is a function of a state, and the
 * state a function of the log, folding the log again (a restart, a rebuild) writes the same outputs
 * in the same order: nothing new happens.
 */
public final class TaskDecider {

    private TaskDecider() {
    }

    /** A change of one desired attempt: {@code value} null means the attempt leaves its worker's desired set. */
    public record DesiredChange(String key, String workerId, DesiredAttempt value) {
    }

    /** What changed between two states of a task: desired attempts to write, and the control view if it changed. */
    public record Reaction(List<DesiredChange> desired, Optional<TaskControl> control) {
        public boolean isEmpty() {
            return desired.isEmpty() && control.isEmpty();
        }
    }

    /**
     * What the worker of the task's current attempt should do: run it while it is placed and wanted,
     * stop it once a stop was requested; nothing once it has ended (then the attempt leaves the set).
     */
    public static Optional<DesiredAttempt> desired(TaskState task) {
        if (task == null || task.attempt() == 0 || !TaskStatus.ON_A_WORKER.contains(task.state())) {
            return Optional.empty();
        }
        boolean started = task.state() == TaskStatus.Running;
        if (task.desiredState() == DesiredState.Stopped) {
            return Optional.of(new DesiredAttempt(task.workerId(), task.id(), task.attempt(), DesiredAttempt.Goal.STOP, task.spec(),
                    started, "stop requested"));
        }
        return Optional.of(new DesiredAttempt(task.workerId(), task.id(), task.attempt(), DesiredAttempt.Goal.RUN, task.spec(), started, null));
    }

    /** What the placement stage must know of the task: its attempt on a worker, the attempt it waits to place, or nothing. */
    public static TaskControl control(TaskState task) {
        if (TaskStatus.ON_A_WORKER.contains(task.state())) {
            return TaskControl.placed(task.id(), task.attempt(), task.workerId(), task.spec().resources());
        }
        if (task.state() == TaskStatus.Pending) {
            return task.desiredState() == DesiredState.Running
                    ? TaskControl.waiting(task.id(), 1, task.spec().resources(), 0, "submitted")
                    : TaskControl.none(task.id());
        }
        return RestartPolicy.next(task)
                .map(restart -> TaskControl.waiting(task.id(), restart.attempt(), task.spec().resources(), restart.backoff().toMillis(), restart.reason()))
                .orElseGet(() -> TaskControl.none(task.id()));
    }

    /**
     * What the rest of Cube was last told of a task: its desired attempt, if it had one, and its control
     * view. The fold writes a task's outputs once per batch of its events, so what it compares the new
     * state with is this view (kept with the state until written), not the state before each event.
     */
    public record View(Optional<DesiredAttempt> desired, TaskControl control) {
        public View {
            Objects.requireNonNull(desired, "desired");
            Objects.requireNonNull(control, "control");
        }
    }

    /** What a task in {@code state} has told the rest of Cube; for null (a task never seen), nothing. */
    public static View view(String taskId, TaskState state) {
        return state == null ? new View(Optional.empty(), TaskControl.none(taskId)) : new View(desired(state), control(state));
    }

    /** What changed from {@code before} (null for a task never seen) to {@code after}. */
    public static Reaction react(TaskState before, TaskState after) {
        return reactSince(view(after.id(), before), after);
    }

    /** What changed from what was last told of the task ({@code told}) to its state {@code after}. */
    public static Reaction reactSince(View told, TaskState after) {
        List<DesiredChange> changes = new ArrayList<>(2);
        Optional<DesiredAttempt> was = told.desired();
        Optional<DesiredAttempt> is = desired(after);
        if (was.isPresent() && (is.isEmpty() || !is.get().key().equals(was.get().key()))) {
            changes.add(new DesiredChange(was.get().key(), was.get().workerId(), null));
        }
        if (is.isPresent() && !is.equals(was)) {
            changes.add(new DesiredChange(is.get().key(), is.get().workerId(), is.get()));
        }
        TaskControl control = control(after);
        TaskControl previous = told.control();
        return new Reaction(List.copyOf(changes), Objects.equals(control, previous) ? Optional.empty() : Optional.of(control));
    }
}
