package dev.cube.core.placement;

import dev.cube.events.spec.Resources;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Chooses a worker for a task, as the book's schedulers do: select the candidates that can take
 * it, score them, pick the lowest score. Implementations are pure apart from round robin's turn.
 */
public interface Scheduler {

    String name();

    /** The score of placing {@code need} on {@code candidate}; lower is better. Only called for candidates that fit. */
    double score(Resources need, Candidate candidate);

    /** The chosen worker among {@code candidates}, or empty when none can take {@code need}. */
    default Optional<Candidate> pick(Resources need, List<Candidate> candidates) {
        Optional<Candidate> best = candidates.stream()
                .filter(candidate -> candidate.fits(need))
                .min(Comparator.comparingDouble((Candidate c) -> score(need, c)).thenComparing(Candidate::workerId));
        best.ifPresent(this::placed);
        return best;
    }

    /** Called with the chosen worker, for schedulers that remember (round robin). */
    default void placed(Candidate chosen) {
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
