package dev.cube.core.placement;

import dev.cube.events.spec.Resources;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Chooses a worker for a task, as the book's schedulers do: select the candidates that can take
 * it, score them, pick the lowest score. Implementations are pure apart from round robin's turn.
 *
 * <p>{@link #pick} is the definition: it scores every candidate. The placement stage asks an index
 * instead ({@link #newIndex}), which makes the same choice looking only at the candidates it passes over.
 */
public interface Scheduler {

    String name();

    /** The score of placing {@code need} on {@code candidate}; lower is better. Only called for candidates that fit. */
    double score(Resources need, Candidate candidate);

    /** The chosen worker among {@code candidates}, or empty when none can take {@code need}; the scheduler is told ({@link #placed}). */
    default Optional<Candidate> pick(Resources need, List<Candidate> candidates) {
        Optional<Candidate> best = best(need, candidates);
        best.ifPresent(this::placed);
        return best;
    }

    /** What {@link #pick} chooses, without telling the scheduler: the fitting candidate of lowest score, ties to the lowest id. */
    default Optional<Candidate> best(Resources need, List<Candidate> candidates) {
        return candidates.stream()
                .filter(candidate -> candidate.fits(need))
                .min(Comparator.comparingDouble((Candidate c) -> score(need, c)).thenComparing(Candidate::workerId));
    }

    /** Called with the chosen worker, for schedulers that remember (round robin). */
    default void placed(Candidate chosen) {
    }

    /**
     * A new, empty index of candidates that picks as {@link #pick} does. The default suits a score that is a
     * function of the need and the candidate alone (one order per kind of need); a scheduler whose score
     * depends on less, or on more (a turn), says so by returning another.
     */
    default CandidateIndex newIndex() {
        return CandidateIndex.byNeed(this);
    }

    static Scheduler named(String name) {
        return switch (name) {
            case "round-robin", "roundrobin" -> new RoundRobinScheduler();
            case "greedy" -> new GreedyScheduler();
            case "epvm", "e-pvm" -> new EpvmScheduler();
            default -> throw new IllegalArgumentException("unknown scheduler '" + name + "': choose round-robin, greedy or epvm");
        };
    }
}
