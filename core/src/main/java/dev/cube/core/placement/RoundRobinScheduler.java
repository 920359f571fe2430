package dev.cube.core.placement;

import dev.cube.events.spec.Resources;

/**
 * The book's round robin: the worker after the last one chosen (in id order) scores 0.1, every
 * other 1.0. Workers that cannot take the task are skipped, so the turn passes to the next that can.
 */
public final class RoundRobinScheduler implements Scheduler {

    private String last = "";

    @Override
    public String name() {
        return "round-robin";
    }

    @Override
    public double score(Resources need, Candidate candidate) {
        // Ties go to the lowest id: the first worker after the last one chosen, or, wrapping around, the first of all.
        return candidate.workerId().compareTo(last) > 0 ? 0.1 : 1.0;
    }

    @Override
    public void placed(Candidate chosen) {
        last = chosen.workerId();
    }

    /** The id of the last worker chosen; empty before the first. */
    String last() {
        return last;
    }

    /** The candidates in id order, searched from the last one chosen. */
    @Override
    public CandidateIndex newIndex() {
        return CandidateIndex.inTurn(this);
    }
}
