package dev.cube.manager.read;

import dev.cube.core.placement.Allocation;
import dev.cube.core.worker.WorkerState;

import java.util.List;
import java.util.Optional;

/**
 * What the HTTP layer may read of the workers, as the placement stage folded them. Every method may
 * throw {@link ProjectionUnavailableException} while the projection is not queryable.
 */
public interface WorkerReads {

    /** A worker and what the scheduler counts as held on it. */
    record WorkerView(WorkerState state, Allocation allocation) {
    }

    List<WorkerView> workers();

    Optional<WorkerView> worker(String id);
}
