package dev.cube.manager.projection;

import dev.cube.core.task.TaskDecider;
import dev.cube.events.state.TaskState;

import java.util.Objects;

/**
 * What the task fold keeps of one task in its store: the folded state, where in the log the task's
 * events lie, and, until the fold has written the task's outputs, what the rest of Cube was last told
 * of it ({@link #told}). The fold writes outputs once per batch of events (see {@link TaskFoldProcessor});
 * keeping the view told beside the state makes that batching survive a crash: a restored store says
 * which tasks still owe outputs and what they must be compared with.
 *
 * @param state           the state folded from the task's events
 * @param firstOffset     the offset of the task's first event on its partition
 * @param lastOffset      the offset of the last event applied
 * @param lastLogTime     the log time (epoch ms) of the last event applied
 * @param desiredRevision the offset of the last event that changed the task's desired attempt (-1: none yet):
 *                        the revision of what the fold writes of it to {@code cube.desired-attempts}
 * @param told            what was last written of the task, while its latest outputs are not written; null once they are
 */
public record FoldedTask(TaskState state, long firstOffset, long lastOffset, long lastLogTime, long desiredRevision, TaskDecider.View told) {

    public FoldedTask {
        Objects.requireNonNull(state, "state");
    }

    public String id() {
        return state.id();
    }

    /** Whether outputs of this task are still to be written. */
    public boolean owesOutputs() {
        return told != null;
    }

    /** The same, with its outputs written. */
    public FoldedTask written() {
        return told == null ? this : new FoldedTask(state, firstOffset, lastOffset, lastLogTime, desiredRevision, null);
    }
}
