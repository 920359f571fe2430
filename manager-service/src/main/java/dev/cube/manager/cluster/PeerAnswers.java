package dev.cube.manager.cluster;

import dev.cube.events.state.TaskState;
import dev.cube.manager.read.WorkerReads.WorkerView;

import java.util.List;

/** The bodies of the internal API's answers (JSON, as {@code dev.cube.events.wire.Json} writes Cube's records). */
final class PeerAnswers {

    private PeerAnswers() {
    }

    /**
     * A task as its partition holds it (null: no such task there), where its events start and end, and how far
     * the answering instance had folded the partition (null: unknown, a standby copy or an older instance).
     */
    record TaskAnswer(TaskState task, Long firstOffset, Long lastOffset, Long foldedThrough) {
    }

    /** Every worker the placement stage folded, with what it holds. */
    record WorkersAnswer(List<WorkerView> items) {
    }

    /** One worker (null: the stage never heard of it). */
    record WorkerAnswer(WorkerView worker) {
    }
}
