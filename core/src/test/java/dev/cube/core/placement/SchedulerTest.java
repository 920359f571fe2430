package dev.cube.core.placement;

import dev.cube.events.spec.Resources;
import dev.cube.events.WorkerEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Each scheduler's scores and picks on fixed inputs. Expected figures were computed by hand from the formulas. */
class SchedulerTest {

    static final Resources ONE_CORE_HALF_GIG = new Resources(1, 512, 0);

    @Test
    void epvmScoresTheBooksFormulaWithTheCpuTermsNoLongerCancelling() {
        EpvmScheduler epvm = new EpvmScheduler();

        assertThat(epvm.score(ONE_CORE_HALF_GIG, candidate("a", 4, 4096, 1, 1024, 1, null))).isCloseTo(0.44240967893925376, within(1e-12));
        assertThat(epvm.score(ONE_CORE_HALF_GIG, candidate("b", 2, 2048, 0, 0, 0, null))).isCloseTo(0.5825512789371832, within(1e-12));
        assertThat(epvm.score(new Resources(0, 0, 0), candidate("c", 4, 4096, 0, 0, 0, null))).isCloseTo(0.22782986675625594, within(1e-12));
    }

    @Test
    void epvmCountsCpuSoAFasterFillingWorkerCostsMore() {
        EpvmScheduler epvm = new EpvmScheduler();
        Candidate idle = candidate("idle", 4, 4096, 0, 0, 0, null);
        Candidate busy = candidate("busy", 4, 4096, 0, 0, 0, new WorkerEvent.Stats(0.9, 0, 0, 3.5, 0));

        assertThat(epvm.score(ONE_CORE_HALF_GIG, busy)).isGreaterThan(epvm.score(ONE_CORE_HALF_GIG, idle));
        assertThat(epvm.pick(ONE_CORE_HALF_GIG, List.of(busy, idle))).hasValueSatisfying(c -> assertThat(c.workerId()).isEqualTo("idle"));
    }

    @Test
    void greedyScoresCpuLoadAsTheBookDoesAndPicksTheLeastLoaded() {
        GreedyScheduler greedy = new GreedyScheduler();
        Candidate half = candidate("half", 4, 4096, 2, 0, 2, null);
        Candidate quarter = candidate("quarter", 4, 4096, 1, 0, 1, null);

        assertThat(greedy.score(ONE_CORE_HALF_GIG, half)).isCloseTo(0.2871745887492588, within(1e-12));
        assertThat(greedy.score(ONE_CORE_HALF_GIG, quarter)).isCloseTo(0.1435872943746294, within(1e-12));
        assertThat(greedy.pick(ONE_CORE_HALF_GIG, List.of(half, quarter))).hasValueSatisfying(c -> assertThat(c.workerId()).isEqualTo("quarter"));
    }

    @Test
    void roundRobinScoresTheNextWorkerInTurnPointOneAndTheOthersOne() {
        RoundRobinScheduler roundRobin = new RoundRobinScheduler();
        List<Candidate> three = List.of(candidate("w1", 4, 4096, 0, 0, 0, null), candidate("w2", 4, 4096, 0, 0, 0, null),
                candidate("w3", 4, 4096, 0, 0, 0, null));
        roundRobin.placed(three.get(0));

        assertThat(roundRobin.score(ONE_CORE_HALF_GIG, three.get(1))).isEqualTo(0.1);
        assertThat(roundRobin.score(ONE_CORE_HALF_GIG, three.get(0))).isEqualTo(1.0);

        List<String> turns = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            turns.add(roundRobin.pick(ONE_CORE_HALF_GIG, three).orElseThrow().workerId());
        }
        assertThat(turns).containsExactly("w2", "w3", "w1", "w2", "w3");
    }

    @Test
    void noSchedulerPicksAWorkerWithoutRoomForTheTask() {
        Candidate full = candidate("full", 2, 1024, 1.5, 900, 3, null);
        for (Scheduler scheduler : List.of(new RoundRobinScheduler(), new GreedyScheduler(), new EpvmScheduler())) {
            assertThat(scheduler.pick(ONE_CORE_HALF_GIG, List.of(full))).as(scheduler.name()).isEmpty();
            assertThat(scheduler.pick(new Resources(0.5, 124, 0), List.of(full))).as(scheduler.name()).isPresent();
        }
    }

    @Test
    void schedulersAreChosenByName() {
        assertThat(Scheduler.named("round-robin").name()).isEqualTo("round-robin");
        assertThat(Scheduler.named("greedy").name()).isEqualTo("greedy");
        assertThat(Scheduler.named("epvm").name()).isEqualTo("epvm");
    }

    static Candidate candidate(String id, double cpu, long memory, double allocatedCpu, long allocatedMemory, int tasks, WorkerEvent.Stats stats) {
        return new Candidate(id, new WorkerEvent.Capacity(cpu, memory, 100_000), new Resources(allocatedCpu, allocatedMemory, 0), tasks, stats);
    }
}
