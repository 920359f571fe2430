package dev.cube.manager.scheduling;

import java.util.List;
import java.util.Optional;

/** What the scheduler may know of the workers. */
public interface WorkerView {

    /** Whether the view has read everything that existed when the manager started: before that, a worker's absence means nothing. */
    boolean caughtUp();

    /** Grows whenever the view changes. */
    long version();

    List<WorkerInfo> all();

    Optional<WorkerInfo> get(String id);

    /** Live workers that are not draining, in id order. */
    List<WorkerInfo> takingWork();
}
