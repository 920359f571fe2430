package dev.cube.manager.scheduling;

import dev.cube.events.TaskEvent;
import dev.cube.events.state.DesiredState;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStatus;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Decides where a waiting task goes: round robin over the live workers, in the order of their ids.
 * Pure: the caller supplies the live workers and the cursor, and records the decision as an event.
 */
public final class Placement {

    private int cursor;

    /** The event that records the decision for {@code task}, or empty when there is nothing new to say. */
    public Optional<TaskEvent> decide(TaskState task, List<WorkerInfo> liveWorkers) {
        if (task.state() != TaskStatus.Pending || task.desiredState() != DesiredState.Running) {
            return Optional.empty();
        }
        if (liveWorkers.isEmpty()) {
            String reason = "no live worker: waiting for a worker to join";
            return reason.equals(task.reason()) ? Optional.empty() : Optional.of(new TaskEvent.Unplaced(reason));
        }
        List<WorkerInfo> ordered = liveWorkers.stream().sorted(Comparator.comparing(WorkerInfo::id)).toList();
        WorkerInfo chosen = ordered.get(Math.floorMod(cursor++, ordered.size()));
        return Optional.of(new TaskEvent.Scheduled(chosen.id(), task.attempt() + 1));
    }
}
