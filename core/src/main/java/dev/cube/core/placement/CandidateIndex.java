package dev.cube.core.placement;

import dev.cube.events.spec.Resources;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The candidates of one {@link Scheduler}, kept in the order that scheduler prefers them, so that a pick
 * looks only at the candidates it passes over (those that do not fit or are not eligible) instead of
 * scoring every worker.
 *
 * <p>The contract, for every scheduler: {@code index.pick(need, eligible)} chooses the candidate that
 * {@code scheduler.pick(need, candidates that are eligible)} chooses, the full scan it replaces, and
 * tells the scheduler as that does ({@link Scheduler#placed}). {@code CandidateIndexTest} holds each
 * index to it on random fleets.
 *
 * <p>Three orders, one per kind of score:
 * <ul>
 * <li>{@link #inTurn}: round robin, whose score is the candidate's place after the last one chosen: the
 *     candidates in id order, searched from the last one chosen, wrapping around;</li>
 * <li>{@link #byScore}: a score that depends on the candidate alone (greedy): one order by score, then
 *     id, serves every need;</li>
 * <li>{@link #byNeed}: a score that depends on the need too (E-PVM): one order per kind of need, for the
 *     {@value PerNeed#ORDERS} kinds used most recently; a need without an order of its own while all are in
 *     use is placed by the full scan, so a workload of many different needs costs what it did before.</li>
 * </ul>
 * Updating a candidate costs O(log n) per order. Not thread-safe.
 */
public abstract sealed class CandidateIndex {

    private final Map<String, Candidate> byId = new HashMap<>();

    /** Round robin's index: candidates in id order. */
    public static CandidateIndex inTurn(RoundRobinScheduler scheduler) {
        return new InTurn(scheduler);
    }

    /** For a scheduler whose score does not depend on the need: {@code score(need, c) == score(Resources.NONE, c)} for every need. */
    public static CandidateIndex byScore(Scheduler scheduler) {
        return new ByScore(scheduler);
    }

    /** For a scheduler whose score is a function of the need and the candidate alone. */
    public static CandidateIndex byNeed(Scheduler scheduler) {
        return new PerNeed(scheduler, PerNeed.ORDERS, PerNeed.IDLE);
    }

    /** No order at all: every pick is {@link Scheduler#pick} over every candidate. The definition the others are held to. */
    public static CandidateIndex fullScan(Scheduler scheduler) {
        return new FullScan(scheduler);
    }

    /** Adds the candidate, or replaces the one of the same worker. */
    public final void put(Candidate candidate) {
        Candidate before = byId.put(candidate.workerId(), candidate);
        if (candidate.equals(before)) {
            return;
        }
        if (before != null) {
            unordered(before);
        }
        ordered(candidate);
    }

    /** Takes the worker's candidate out, if there is one. */
    public final void remove(String workerId) {
        Candidate before = byId.remove(workerId);
        if (before != null) {
            unordered(before);
        }
    }

    public final void clear() {
        byId.clear();
        cleared();
    }

    public final Optional<Candidate> get(String workerId) {
        return Optional.ofNullable(byId.get(workerId));
    }

    /** Every candidate, in no particular order. */
    public final Collection<Candidate> candidates() {
        return Collections.unmodifiableCollection(byId.values());
    }

    public final int size() {
        return byId.size();
    }

    /** Whether any candidate is {@code eligible}, room or not. */
    public final boolean any(Predicate<Candidate> eligible) {
        for (Candidate candidate : byId.values()) {
            if (eligible.test(candidate)) {
                return true;
            }
        }
        return false;
    }

    /** The scheduler's choice for {@code need} among the eligible candidates, as {@link Scheduler#pick} makes it; empty when none fits. */
    public final Optional<Candidate> pick(Resources need, Predicate<Candidate> eligible) {
        Candidate chosen = first(need, eligible);
        if (chosen == null) {
            return Optional.empty();
        }
        scheduler().placed(chosen);
        return Optional.of(chosen);
    }

    abstract Scheduler scheduler();

    abstract void ordered(Candidate candidate);

    abstract void unordered(Candidate candidate);

    abstract void cleared();

    /** The first eligible candidate with room for {@code need}, in the scheduler's order; null if none. */
    abstract Candidate first(Resources need, Predicate<Candidate> eligible);

    final Collection<Candidate> all() {
        return byId.values();
    }

    static Candidate firstFitting(Iterable<Candidate> inOrder, Resources need, Predicate<Candidate> eligible) {
        for (Candidate candidate : inOrder) {
            if (candidate.fits(need) && eligible.test(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** The definition: every pick scores every eligible candidate. */
    static final class FullScan extends CandidateIndex {
        private final Scheduler scheduler;

        FullScan(Scheduler scheduler) {
            this.scheduler = scheduler;
        }

        @Override
        Scheduler scheduler() {
            return scheduler;
        }

        @Override
        void ordered(Candidate candidate) {
        }

        @Override
        void unordered(Candidate candidate) {
        }

        @Override
        void cleared() {
        }

        @Override
        Candidate first(Resources need, Predicate<Candidate> eligible) {
            return scheduler.best(need, all().stream().filter(eligible).toList()).orElse(null);
        }
    }

    /** Round robin: the first candidate after the last one chosen, in id order, that fits; else, wrapping around, the first that fits. */
    static final class InTurn extends CandidateIndex {
        private final RoundRobinScheduler scheduler;
        private final NavigableMap<String, Candidate> inIdOrder = new TreeMap<>();

        InTurn(RoundRobinScheduler scheduler) {
            this.scheduler = scheduler;
        }

        @Override
        Scheduler scheduler() {
            return scheduler;
        }

        @Override
        void ordered(Candidate candidate) {
            inIdOrder.put(candidate.workerId(), candidate);
        }

        @Override
        void unordered(Candidate candidate) {
            inIdOrder.remove(candidate.workerId());
        }

        @Override
        void cleared() {
            inIdOrder.clear();
        }

        @Override
        Candidate first(Resources need, Predicate<Candidate> eligible) {
            String last = scheduler.last();
            Candidate after = firstFitting(inIdOrder.tailMap(last, false).values(), need, eligible);
            return after != null ? after : firstFitting(inIdOrder.headMap(last, true).values(), need, eligible);
        }
    }

    /** One candidate's place in an order: its score, then its id, as {@link Scheduler#pick} breaks ties. */
    record Ranked(double score, Candidate candidate) {
        static final Comparator<Ranked> ORDER = Comparator.comparingDouble(Ranked::score)
                .thenComparing(ranked -> ranked.candidate().workerId());
    }

    /** Candidates by one score, then id: what a scheduler prefers first, for one need (or any). */
    static final class Order implements Iterable<Candidate> {
        private final Resources need;
        private final Scheduler scheduler;
        private final TreeSet<Ranked> ranked = new TreeSet<>(Ranked.ORDER);
        private final Map<String, Ranked> byId = new HashMap<>();
        long lastUsed;

        Order(Resources need, Scheduler scheduler) {
            this.need = need;
            this.scheduler = scheduler;
        }

        void add(Candidate candidate) {
            Ranked entry = new Ranked(scheduler.score(need, candidate), candidate);
            Ranked before = byId.put(candidate.workerId(), entry);
            if (before != null) {
                ranked.remove(before);
            }
            ranked.add(entry);
        }

        void remove(Candidate candidate) {
            Ranked before = byId.remove(candidate.workerId());
            if (before != null) {
                ranked.remove(before);
            }
        }

        void clear() {
            ranked.clear();
            byId.clear();
        }

        @Override
        public Iterator<Candidate> iterator() {
            Iterator<Ranked> it = ranked.iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public Candidate next() {
                    return it.next().candidate();
                }
            };
        }
    }

    /** A score of the candidate alone: one order serves every need. */
    static final class ByScore extends CandidateIndex {
        private final Scheduler scheduler;
        private final Order order;

        ByScore(Scheduler scheduler) {
            this.scheduler = scheduler;
            this.order = new Order(Resources.NONE, scheduler);
        }

        @Override
        Scheduler scheduler() {
            return scheduler;
        }

        @Override
        void ordered(Candidate candidate) {
            order.add(candidate);
        }

        @Override
        void unordered(Candidate candidate) {
            order.remove(candidate);
        }

        @Override
        void cleared() {
            order.clear();
        }

        @Override
        Candidate first(Resources need, Predicate<Candidate> eligible) {
            return firstFitting(order, need, eligible);
        }
    }

    /**
     * A score of the need and the candidate: one order per need, for at most {@value #ORDERS} needs. A need
     * without an order gets one when a slot is free, or when the least recently used order has not served
     * for {@value #IDLE} picks; otherwise it is placed by the full scan.
     */
    static final class PerNeed extends CandidateIndex {
        static final int ORDERS = 8;
        static final long IDLE = 1_000;

        private final Scheduler scheduler;
        private final int maxOrders;
        private final long idle;
        private final LinkedHashMap<Resources, Order> orders = new LinkedHashMap<>(16, 0.75f, true);
        private long picks;

        PerNeed(Scheduler scheduler, int maxOrders, long idle) {
            this.scheduler = scheduler;
            this.maxOrders = maxOrders;
            this.idle = idle;
        }

        @Override
        Scheduler scheduler() {
            return scheduler;
        }

        /** The needs that have an order now, least recently used first (for tests). */
        List<Resources> orderedNeeds() {
            return new ArrayList<>(orders.keySet());
        }

        @Override
        void ordered(Candidate candidate) {
            for (Order order : orders.values()) {
                order.add(candidate);
            }
        }

        @Override
        void unordered(Candidate candidate) {
            for (Order order : orders.values()) {
                order.remove(candidate);
            }
        }

        @Override
        void cleared() {
            orders.clear();
        }

        @Override
        Candidate first(Resources need, Predicate<Candidate> eligible) {
            picks++;
            Order order = orders.get(need);
            if (order == null) {
                order = newOrder(need);
            }
            if (order == null) {
                return scan(need, eligible);
            }
            order.lastUsed = picks;
            return firstFitting(order, need, eligible);
        }

        private Order newOrder(Resources need) {
            if (maxOrders <= 0) {
                return null;
            }
            if (orders.size() >= maxOrders) {
                Map.Entry<Resources, Order> eldest = orders.entrySet().iterator().next();
                if (picks - eldest.getValue().lastUsed < idle) {
                    return null;
                }
                orders.remove(eldest.getKey());
            }
            Order order = new Order(need, scheduler);
            all().forEach(order::add);
            orders.put(need, order);
            return order;
        }

        private Candidate scan(Resources need, Predicate<Candidate> eligible) {
            Candidate best = null;
            double bestScore = 0;
            for (Candidate candidate : all()) {
                if (!candidate.fits(need) || !eligible.test(candidate)) {
                    continue;
                }
                double score = scheduler.score(need, candidate);
                int against = best == null ? -1 : Double.compare(score, bestScore);
                if (best == null || against < 0 || against == 0 && candidate.workerId().compareTo(best.workerId()) < 0) {
                    best = candidate;
                    bestScore = score;
                }
            }
            return best;
        }
    }
}
