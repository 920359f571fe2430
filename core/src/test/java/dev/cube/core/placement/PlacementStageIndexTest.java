package dev.cube.core.placement;

import dev.cube.core.task.TaskControl;
import dev.cube.events.WorkerEvent;
import dev.cube.events.spec.Resources;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stage with its candidate index decides exactly as the same stage whose scheduler scores every
 * candidate at every decision (the design before the index): given the same random history of
 * heartbeats, silences, gaps, drains, departures and task views, both append the same decisions and hold
 * the same allocations, for every scheduler.
 */
class PlacementStageIndexTest {

    static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
    static final List<String> WORKERS = List.of("w0", "w1", "w2", "w3", "w4", "w5");
    static final List<String> TASKS = List.of("t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9", "t10", "t11");

    sealed interface Op {
        /** Seconds of log time before this record. */
        double after();
    }

    record Beat(double after, String worker, WorkerEvent.Capacity capacity, WorkerEvent.Stats stats) implements Op {
    }

    record Tick(double after) implements Op {
    }

    record Admin(double after, String worker, boolean drain) implements Op {
    }

    record Left(double after, String worker) implements Op {
    }

    record View(double after, TaskControl control) implements Op {
    }

    record CaughtUp(double after) implements Op {
    }

    record Retry(double after) implements Op {
    }

    /** A scheduler that picks as {@code delegate} does, by the full scan at every decision. */
    record Scanning(Scheduler delegate) implements Scheduler {
        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public double score(Resources need, Candidate candidate) {
            return delegate.score(need, candidate);
        }

        @Override
        public void placed(Candidate chosen) {
            delegate.placed(chosen);
        }

        @Override
        public CandidateIndex newIndex() {
            return CandidateIndex.fullScan(this);
        }
    }

    @Property(tries = 300)
    void roundRobinDecidesAsTheFullScan(@ForAll("histories") List<Op> history) {
        assertSameDecisions(new RoundRobinScheduler(), new Scanning(new RoundRobinScheduler()), history);
    }

    @Property(tries = 300)
    void greedyDecidesAsTheFullScan(@ForAll("histories") List<Op> history) {
        assertSameDecisions(new GreedyScheduler(), new Scanning(new GreedyScheduler()), history);
    }

    @Property(tries = 300)
    void epvmDecidesAsTheFullScan(@ForAll("histories") List<Op> history) {
        assertSameDecisions(new EpvmScheduler(), new Scanning(new EpvmScheduler()), history);
    }

    private static void assertSameDecisions(Scheduler indexed, Scheduler scanning, List<Op> history) {
        PlacementStage.Settings settings = new PlacementStage.Settings(Duration.ofSeconds(15), Duration.ofSeconds(5), Duration.ofSeconds(5), 1);
        PlacementStage a = new PlacementStage(settings, indexed);
        PlacementStage b = new PlacementStage(settings, scanning);
        double seconds = 0;
        for (Op op : history) {
            seconds += op.after();
            Instant at = T0.plusMillis((long) (seconds * 1000));
            assertThat(apply(a, op, at).decisions()).as("after %s", op).isEqualTo(apply(b, op, at).decisions());
            for (String worker : WORKERS) {
                assertThat(a.allocation(worker)).isEqualTo(b.allocation(worker));
            }
            for (String task : TASKS) {
                assertThat(a.task(task)).isEqualTo(b.task(task));
            }
        }
    }

    private static PlacementStage.Step apply(PlacementStage stage, Op op, Instant at) {
        return switch (op) {
            case Beat beat -> stage.onWorkersRecord(new WorkerEvent.Heartbeat(beat.worker(), beat.worker(), beat.capacity(), T0, beat.stats()), at);
            case Tick ignored -> stage.onWorkersRecord(null, at);
            case Admin admin -> stage.onAdminRecord(admin.drain() ? new WorkerEvent.Draining(admin.worker(), "test")
                    : new WorkerEvent.Undrained(admin.worker(), "test"), at);
            case Left left -> stage.onWorkersRecord(new WorkerEvent.Left(left.worker(), "test"), at);
            case View view -> stage.onControl(view.control(), at);
            case CaughtUp ignored -> stage.onCaughtUp(0, at);
            case Retry ignored -> stage.retry(1_000);
        };
    }

    // ---- generators ----

    @Provide
    Arbitrary<List<Op>> histories() {
        Arbitrary<Double> after = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(0.0)), Tuple.of(6, Arbitraries.just(0.5)),
                Tuple.of(3, Arbitraries.just(2.0)), Tuple.of(1, Arbitraries.just(6.0)));
        Arbitrary<String> worker = Arbitraries.of(WORKERS);
        Arbitrary<WorkerEvent.Capacity> capacity = Combinators.combine(Arbitraries.of(1.0, 2.0, 4.0), Arbitraries.of(1024L, 2048L),
                Arbitraries.just(1000L)).as(WorkerEvent.Capacity::new);
        Arbitrary<WorkerEvent.Stats> stats = Arbitraries.of(0.0, 0.5, 0.9).map(usage -> new WorkerEvent.Stats(usage, 0, 0, 0, 0)).injectNull(0.6);
        Arbitrary<Resources> need = Combinators.combine(Arbitraries.of(0.0, 0.5, 1.0, 2.0), Arbitraries.of(0L, 256L, 512L), Arbitraries.of(0L, 500L))
                .as(Resources::new);
        Arbitrary<String> task = Arbitraries.of(TASKS);
        Arbitrary<Integer> attempt = Arbitraries.integers().between(1, 3);
        Arbitrary<TaskControl> control = Arbitraries.frequencyOf(
                Tuple.of(5, Combinators.combine(task, attempt, need, Arbitraries.of(0L, 0L, 1500L))
                        .as((t, n, r, backoff) -> TaskControl.waiting(t, n, r, backoff, "test"))),
                Tuple.of(3, Combinators.combine(task, attempt, worker, need).as(TaskControl::placed)),
                Tuple.of(2, task.map(TaskControl::none)));
        return Arbitraries.<Op>frequencyOf(
                Tuple.of(8, Combinators.combine(after, worker, capacity, stats).as(Beat::new)),
                Tuple.of(3, after.map(Tick::new)),
                Tuple.of(1, Combinators.combine(after, worker, Arbitraries.of(true, false)).as(Admin::new)),
                Tuple.of(1, Combinators.combine(after, worker).as(Left::new)),
                Tuple.of(8, Combinators.combine(after, control).as(View::new)),
                Tuple.of(2, after.map(CaughtUp::new)),
                Tuple.of(2, after.map(Retry::new))).list().ofMinSize(1).ofMaxSize(150);
    }
}
