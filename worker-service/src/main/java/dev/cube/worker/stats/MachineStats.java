package dev.cube.worker.stats;

import dev.cube.events.WorkerEvent.Stats;

/**
 * Measures the machine a worker runs on, for its heartbeats.
 *
 * <p>{@link #sample(int)} is called from one thread at a time; its cpu usage covers the time
 * since the previous call (or since the instance was created). It does not throw: a value that
 * cannot be read is reported as 0.
 */
public interface MachineStats {

    /** The machine's stats now, with {@code containers} as the number of Cube containers the worker runs. */
    Stats sample(int containers);
}
