package dev.cube.core.placement;

import dev.cube.events.spec.Resources;

/**
 * The book's greedy scheduler: among workers with room, the least loaded cpu wins. The load is
 * the larger of the measured cpu usage and the share of cores already allocated, scaled as the
 * book does (divided by 2^0.8).
 */
public final class GreedyScheduler implements Scheduler {

    @Override
    public String name() {
        return "greedy";
    }

    @Override
    public double score(Resources need, Candidate candidate) {
        return EpvmScheduler.cpuLoad(candidate) / Math.pow(2, 0.8);
    }

    /** The score does not depend on the need: one order serves every task. */
    @Override
    public CandidateIndex newIndex() {
        return CandidateIndex.byScore(this);
    }
}
