package dev.cube.core.placement;

import dev.cube.events.WorkerEvent;
import dev.cube.events.spec.Resources;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every index chooses what the full scan it replaces chooses ({@link Scheduler#pick} over every eligible
 * candidate), on random fleets changed at random: candidates added, changed and removed, needs of a few
 * kinds, some candidates not eligible. Values come from small sets so that scores tie often and ties
 * are broken by id, as the scan breaks them.
 */
class CandidateIndexTest {

    sealed interface Op {
    }

    record Put(Candidate candidate) implements Op {
    }

    record Remove(String workerId) implements Op {
    }

    record Pick(Resources need, Set<String> ineligible) implements Op {
    }

    @Property(tries = 400)
    void roundRobinsIndexChoosesAsTheFullScan(@ForAll("operations") List<Op> operations) {
        RoundRobinScheduler indexed = new RoundRobinScheduler();
        assertSameChoices(indexed.newIndex(), new RoundRobinScheduler(), operations);
    }

    @Property(tries = 400)
    void greedysIndexChoosesAsTheFullScan(@ForAll("operations") List<Op> operations) {
        assertSameChoices(new GreedyScheduler().newIndex(), new GreedyScheduler(), operations);
    }

    @Property(tries = 400)
    void epvmsIndexChoosesAsTheFullScan(@ForAll("operations") List<Op> operations) {
        assertSameChoices(new EpvmScheduler().newIndex(), new EpvmScheduler(), operations);
    }

    @Property(tries = 400)
    void epvmsIndexChoosesAsTheFullScanWhenItHasFewerOrdersThanKindsOfNeed(@ForAll("operations") List<Op> operations) {
        // Two orders, dropped after three picks unused: orders are built, used, evicted, and needs without one are scanned.
        assertSameChoices(new CandidateIndex.PerNeed(new EpvmScheduler(), 2, 3), new EpvmScheduler(), operations);
        assertSameChoices(new CandidateIndex.PerNeed(new EpvmScheduler(), 0, 0), new EpvmScheduler(), operations);
    }

    @Property(tries = 200)
    void theFullScanIsTheSchedulersOwnPick(@ForAll("operations") List<Op> operations) {
        assertSameChoices(CandidateIndex.fullScan(new RoundRobinScheduler()), new RoundRobinScheduler(), operations);
        assertSameChoices(CandidateIndex.fullScan(new EpvmScheduler()), new EpvmScheduler(), operations);
    }

    @Test
    void aNeedGetsAnOrderWhileASlotIsFreeAndTakesTheSlotOfAnOrderLeftUnused() {
        CandidateIndex.PerNeed index = new CandidateIndex.PerNeed(new EpvmScheduler(), 2, 3);
        index.put(SchedulerTest.candidate("w1", 4, 4096, 0, 0, 0, null));
        Resources a = new Resources(1, 256, 0);
        Resources b = new Resources(2, 256, 0);
        Resources c = new Resources(0.5, 512, 0);

        index.pick(a, any -> true);
        index.pick(b, any -> true);
        index.pick(c, any -> true);
        assertThat(index.orderedNeeds()).as("both slots used within 3 picks: c is scanned").containsExactly(a, b);

        index.pick(b, any -> true);
        index.pick(b, any -> true);
        index.pick(c, any -> true);
        assertThat(index.orderedNeeds()).as("a unused for 3 picks: c takes its slot").containsExactly(b, c);
    }

    @Test
    void anIndexCountsACandidateOnceWhateverItWasBefore() {
        CandidateIndex index = new EpvmScheduler().newIndex();
        index.put(SchedulerTest.candidate("w1", 4, 4096, 0, 0, 0, null));
        index.pick(new Resources(1, 256, 0), any -> true);
        index.put(SchedulerTest.candidate("w1", 4, 4096, 1, 256, 1, null));
        index.put(SchedulerTest.candidate("w2", 4, 4096, 0, 0, 0, null));
        index.remove("w2");
        index.remove("w3");

        assertThat(index.size()).isEqualTo(1);
        assertThat(index.pick(new Resources(1, 256, 0), any -> true)).map(Candidate::workerId).hasValue("w1");
        assertThat(index.pick(new Resources(4, 256, 0), any -> true)).as("3 cores left").isEmpty();
    }

    private static void assertSameChoices(CandidateIndex index, Scheduler reference, List<Op> operations) {
        Map<String, Candidate> fleet = new LinkedHashMap<>();
        for (Op op : operations) {
            switch (op) {
                case Put put -> {
                    fleet.put(put.candidate().workerId(), put.candidate());
                    index.put(put.candidate());
                }
                case Remove remove -> {
                    fleet.remove(remove.workerId());
                    index.remove(remove.workerId());
                }
                case Pick pick -> {
                    Predicate<Candidate> eligible = candidate -> !pick.ineligible().contains(candidate.workerId());
                    List<Candidate> scanned = new ArrayList<>(fleet.values().stream().filter(eligible).toList());
                    Optional<Candidate> expected = reference.pick(pick.need(), scanned);
                    assertThat(index.pick(pick.need(), eligible)).as("%s of %s", pick, fleet.values()).isEqualTo(expected);
                    assertThat(index.any(eligible)).isEqualTo(!scanned.isEmpty());
                }
            }
            assertThat(index.size()).isEqualTo(fleet.size());
        }
    }

    // ---- generators ----

    private static final List<String> IDS = List.of("w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "w9", "w10", "w11");

    @Provide
    Arbitrary<List<Op>> operations() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, candidates().map(c -> (Op) new Put(c))),
                Tuple.of(1, Arbitraries.of(IDS).map(id -> (Op) new Remove(id))),
                Tuple.of(5, picks())).list().ofMinSize(1).ofMaxSize(120);
    }

    static Arbitrary<Candidate> candidates() {
        Arbitrary<WorkerEvent.Capacity> capacity = Combinators.combine(Arbitraries.of(1.0, 2.0, 4.0), Arbitraries.of(1024L, 2048L),
                Arbitraries.of(0L, 1000L)).as(WorkerEvent.Capacity::new);
        Arbitrary<Resources> allocated = Combinators.combine(Arbitraries.of(0.0, 0.5, 1.0, 1.5, 2.0, 3.0), Arbitraries.of(0L, 256L, 512L, 1024L),
                Arbitraries.of(0L, 500L)).as(Resources::new);
        Arbitrary<WorkerEvent.Stats> stats = Arbitraries.of(0.0, 0.25, 0.5, 0.9).map(usage -> new WorkerEvent.Stats(usage, 0, 0, 0, 0))
                .injectNull(0.5);
        return Combinators.combine(Arbitraries.of(IDS), capacity, allocated, Arbitraries.integers().between(0, 4), stats)
                .as(Candidate::new);
    }

    static Arbitrary<Resources> needs() {
        return Combinators.combine(Arbitraries.of(0.0, 0.5, 1.0, 2.0), Arbitraries.of(0L, 256L, 512L), Arbitraries.of(0L, 500L))
                .as(Resources::new);
    }

    private static Arbitrary<Op> picks() {
        Arbitrary<Set<String>> ineligible = Arbitraries.of(IDS).set().ofMaxSize(4);
        Supplier<Arbitrary<Set<String>>> none = () -> Arbitraries.just(Set.of());
        return Combinators.combine(needs(), Arbitraries.frequencyOf(Tuple.of(3, none.get()), Tuple.of(1, ineligible)))
                .as((need, excluded) -> (Op) new Pick(need, excluded));
    }
}
