package dev.cube.core.placement;

import dev.cube.events.spec.Resources;
import dev.cube.events.WorkerEvent;

/** A live worker that takes new work, as the scheduler sees it: what it offers, what is placed on it, what it measured. */
public record Candidate(String workerId, WorkerEvent.Capacity capacity, Resources allocated, int taskCount, WorkerEvent.Stats stats) {

    public double freeCpu() {
        return capacity.cpu() - allocated.cpu();
    }

    public long freeMemory() {
        return capacity.memory() - allocated.memory();
    }

    public long freeDisk() {
        return capacity.disk() - allocated.disk();
    }

    /** Whether {@code need} fits in what is left (an epsilon absorbs the sums of fractional cores). */
    public boolean fits(Resources need) {
        return need.cpu() <= freeCpu() + 1e-9 && need.memory() <= freeMemory() && need.disk() <= freeDisk();
    }
}
