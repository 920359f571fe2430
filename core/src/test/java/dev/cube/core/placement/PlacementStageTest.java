package dev.cube.core.placement;

import dev.cube.core.placement.PlacementStage.Decision;
import dev.cube.core.placement.PlacementStage.Step;
import dev.cube.core.placement.PlacementStage.TaskDecision;
import dev.cube.core.placement.PlacementStage.WorkerDecision;
import dev.cube.core.task.TaskControl;
import dev.cube.core.worker.WorkerState;
import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.spec.Resources;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One test per rule of the placement stage: given workers and task views (with their log times),
 * when this happens, expect these decisions.
 */
class PlacementStageTest {

    static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
    static final Duration TTL = Duration.ofSeconds(15);
    static final Duration GRACE = Duration.ofSeconds(5);
    static final Resources SMALL = new Resources(0.5, 256, 0);

    private PlacementStage stage = newStage(1);
    private final List<Decision> decided = new ArrayList<>();

    private static PlacementStage newStage(int partitions) {
        return new PlacementStage(new PlacementStage.Settings(TTL, GRACE, Duration.ofSeconds(5), partitions), new EpvmScheduler());
    }

    // ---- given / when ----

    private static Instant at(double seconds) {
        return T0.plusMillis((long) (seconds * 1000));
    }

    private List<Decision> record(Step step) {
        decided.addAll(step.decisions());
        return step.decisions();
    }

    private List<Decision> heartbeat(String worker, double cpu, long memory, double second) {
        return record(stage.onWorkersRecord(new WorkerEvent.Heartbeat(worker, worker, new WorkerEvent.Capacity(cpu, memory, 10_000), T0), at(second)));
    }

    private List<Decision> tick(double second) {
        return record(stage.onWorkersRecord(null, at(second)));
    }

    /** Ticks every second from {@code from} to {@code to}, inclusive, with the given workers heartbeating each time. */
    private List<Decision> ticks(double from, double to, String... heartbeating) {
        List<Decision> out = new ArrayList<>();
        for (double s = from; s <= to; s += 1) {
            for (String worker : heartbeating) {
                out.addAll(heartbeat(worker, 4, 4096, s));
            }
            out.addAll(tick(s));
        }
        return out;
    }

    private List<Decision> caughtUp(double second) {
        return record(stage.onCaughtUp(0, at(second)));
    }

    private List<Decision> waiting(String task, int attempt, Resources need, long backoffMillis, double second) {
        return record(stage.onControl(TaskControl.waiting(task, attempt, need, backoffMillis, "test"), at(second)));
    }

    private List<Decision> placed(String task, int attempt, String worker, Resources need, double second) {
        return record(stage.onControl(TaskControl.placed(task, attempt, worker, need), at(second)));
    }

    private List<Decision> none(String task, double second) {
        return record(stage.onControl(TaskControl.none(task), at(second)));
    }

    private List<Decision> retry() {
        return record(stage.retry(10_000));
    }

    private List<Decision> admin(WorkerEvent event, double second) {
        return record(stage.onAdminRecord(event, at(second)));
    }

    // ---- then ----

    private static List<TaskDecision> scheduled(List<Decision> decisions) {
        return decisions.stream().filter(d -> d instanceof TaskDecision t && t.event() instanceof TaskEvent.Scheduled)
                .map(TaskDecision.class::cast).toList();
    }

    private static TaskDecision onlyScheduled(List<Decision> decisions) {
        assertThat(scheduled(decisions)).hasSize(1);
        return scheduled(decisions).getFirst();
    }

    private static String workerOf(TaskDecision decision) {
        return ((TaskEvent.Scheduled) decision.event()).workerId();
    }

    @Nested
    class Placing {

        @Test
        void placesAWaitingAttemptOnAWorkerWithRoomAsAScheduledEventWithADerivedId() {
            heartbeat("w1", 4, 4096, 0);
            caughtUp(0);

            TaskDecision decision = onlyScheduled(waiting("t1", 1, SMALL, 0, 0.5));

            assertThat(decision.taskId()).isEqualTo("t1");
            assertThat(decision.eventId()).isEqualTo("t1/1/scheduled");
            assertThat(decision.event()).isEqualTo(new TaskEvent.Scheduled("w1", 1));
            assertThat(stage.allocation("w1").taskIds()).containsExactly("t1");
        }

        @Test
        void decidesNothingUntilEveryPartitionOfTheFoldHasCaughtUpThenPlacesWhatWaits() {
            stage = newStage(2);
            heartbeat("w1", 4, 4096, 0);
            stage.onCaughtUp(0, at(0));

            assertThat(waiting("t1", 1, SMALL, 0, 0.5)).isEmpty();
            assertThat(retry()).isEmpty();

            List<Decision> atCatchUp = record(stage.onCaughtUp(1, at(1)));

            assertThat(onlyScheduled(atCatchUp).taskId()).as("decided the moment the last partition caught up").isEqualTo("t1");
        }

        @Test
        void tellsAFirstAttemptThatFitsNowhereWhyOnceAndPlacesItWhenRoomAppears() {
            heartbeat("w1", 1, 512, 0);
            caughtUp(0);

            List<Decision> first = waiting("t1", 1, new Resources(2, 256, 0), 0, 0.5);
            List<Decision> again = retry();

            assertThat(first).singleElement().satisfies(d -> {
                assertThat(((TaskDecision) d).event()).isInstanceOf(TaskEvent.Unplaced.class);
                assertThat(((TaskEvent.Unplaced) ((TaskDecision) d).event()).reason())
                        .contains("no worker has room for 2 cpu").contains("most free: w1 with 1 cpu");
                assertThat(d.eventId()).isEqualTo("t1/1/unplaced/no-room");
            });
            assertThat(again).as("the same kind of reason is not told twice").isEmpty();

            heartbeat("w2", 4, 4096, 1);
            assertThat(workerOf(onlyScheduled(retry()))).isEqualTo("w2");
        }

        @Test
        void saysSoWhenNoWorkerTakesWorkAtAll() {
            caughtUp(0);

            assertThat(waiting("t1", 1, SMALL, 0, 0.5)).singleElement()
                    .satisfies(d -> assertThat(((TaskEvent.Unplaced) ((TaskDecision) d).event()).reason()).contains("no live worker"));
        }

        @Test
        void placesFirstComeFirstWhenRoomAppears() {
            heartbeat("w1", 1, 512, 0);
            caughtUp(0);
            placed("busy", 1, "w1", new Resources(1, 256, 0), 0.1);
            waiting("early", 1, new Resources(1, 256, 0), 0, 0.2);
            waiting("late", 1, new Resources(1, 256, 0), 0, 0.3);

            none("busy", 1);

            assertThat(onlyScheduled(retry()).taskId()).isEqualTo("early");
        }

        @Test
        void neverCommitsMoreThanAWorkerHasCountingItsOwnUnconfirmedDecisions() {
            heartbeat("w1", 2, 1024, 0);
            caughtUp(0);

            int placedCount = 0;
            for (int i = 0; i < 10; i++) {
                placedCount += scheduled(waiting("t" + i, 1, SMALL, 0, 0.1 * i)).size();
            }

            assertThat(placedCount).as("four of 0.5 cpu on 2 cores").isEqualTo(4);
            assertThat(stage.allocation("w1").total().cpu()).isEqualTo(2.0);
        }

        @Test
        void waitsARestartsBackoffInLogTime() {
            heartbeat("w1", 4, 4096, 0);
            caughtUp(0);

            assertThat(waiting("t1", 2, SMALL, 3000, 1)).isEmpty();
            ticks(2, 3.5, "w1");
            assertThat(retry()).as("1 + 3 s of backoff have not passed in log time").isEmpty();

            ticks(4, 4, "w1");
            assertThat(onlyScheduled(retry()).eventId()).isEqualTo("t1/2/scheduled");
        }

        @Test
        void aRestartIsNeverToldItIsUnplaced() {
            caughtUp(0);

            assertThat(waiting("t1", 2, SMALL, 0, 0.5)).isEmpty();
        }
    }

    @Nested
    class Allocations {

        @Test
        void aViewThatConfirmsADecisionKeepsOneHold() {
            heartbeat("w1", 4, 4096, 0);
            caughtUp(0);
            waiting("t1", 1, SMALL, 0, 0.5);

            placed("t1", 1, "w1", SMALL, 1);

            assertThat(stage.allocation("w1").attempts()).containsOnlyKeys("t1/1");
            assertThat(stage.task("t1").orElseThrow().decided()).isNull();
        }

        @Test
        void aViewThatShowsAnotherDecisionWonFreesTheOneThatLost() {
            heartbeat("w1", 4, 4096, 0);
            heartbeat("w2", 1, 4096, 0);
            caughtUp(0);
            assertThat(workerOf(onlyScheduled(waiting("t1", 1, SMALL, 0, 0.5)))).isEqualTo("w1");

            placed("t1", 1, "w2", SMALL, 1);

            assertThat(stage.allocation("w1").attempts()).isEmpty();
            assertThat(stage.allocation("w2").attempts()).containsOnlyKeys("t1/1");
        }

        @Test
        void theEndOfOneAttemptNeverFreesAnotherAttemptOfTheSameTask() {
            heartbeat("w1", 4, 4096, 0);
            heartbeat("w2", 4, 4096, 0);
            caughtUp(0);
            placed("t1", 1, "w1", SMALL, 0.5);
            admin(new WorkerEvent.Draining("w1", "upgrade"), 1);
            assertThat(stage.allocation("w2").attempts()).containsOnlyKeys("t1/2");

            placed("t1", 2, "w2", SMALL, 2);

            assertThat(stage.allocation("w1").attempts()).isEmpty();
            assertThat(stage.allocation("w2").attempts()).containsOnlyKeys("t1/2");
        }

        @Test
        void aTaskThatNeedsNothingFreesWhatItHeldAndLeavesTheQueue() {
            heartbeat("w1", 1, 512, 0);
            caughtUp(0);
            placed("t1", 1, "w1", new Resources(1, 256, 0), 0.5);
            waiting("t2", 1, new Resources(1, 256, 0), 0, 0.6);

            none("t2", 0.7);
            none("t1", 0.8);

            assertThat(stage.allocation("w1").attempts()).isEmpty();
            assertThat(retry()).as("t2 no longer waits").isEmpty();
            assertThat(stage.task("t1")).isEmpty();
        }
    }

    @Nested
    class Liveness {

        @Test
        void declaresAWorkerLostWhenTheLogShowsItsTtlPlusGracePassWithoutAHeartbeat() {
            heartbeat("w1", 4, 4096, 0);
            caughtUp(0);
            placed("t1", 1, "w1", SMALL, 0.5);
            placed("t2", 1, "w1", SMALL, 0.5);

            assertThat(ticks(1, 20)).as("20 s of log time").isEmpty();
            List<Decision> lost = ticks(21, 21);

            assertThat(lost).extracting(Decision::eventId).containsExactlyInAnyOrder("t1/1/lost", "t2/1/lost", "w1/lost/" + T0.toEpochMilli());
            assertThat(lost.getLast()).isInstanceOf(WorkerDecision.class);
            assertThat(((WorkerDecision) lost.getLast()).event()).isEqualTo(new WorkerEvent.Lost("w1", T0,
                    "worker w1 sent no heartbeat for more than 20 s of log time"));
            assertThat(stage.worker("w1").orElseThrow().liveness()).isEqualTo(WorkerState.Liveness.LOST);
            assertThat(ticks(22, 40)).as("declared once").isEmpty();
        }

        @Test
        void neverDeclaresAWorkerThatKeepsHeartbeating() {
            heartbeat("w1", 4, 4096, 0);
            caughtUp(0);

            assertThat(ticks(1, 120, "w1")).isEmpty();
        }

        @Test
        void aGapInTheLogIsNotEvidenceAgainstAnyoneAndEveryWorkerGetsAFreshPeriodAfterIt() {
            heartbeat("w1", 4, 4096, 0);
            heartbeat("w2", 4, 4096, 0);
            caughtUp(0);
            ticks(1, 2, "w1", "w2");

            // The broker is down from 2 s to 62 s: the next record is w1's heartbeat at 62 s; w2's comes at 64 s.
            assertThat(heartbeat("w1", 4, 4096, 62)).isEmpty();
            assertThat(ticks(63, 63, "w1")).isEmpty();
            assertThat(heartbeat("w2", 4, 4096, 64)).isEmpty();
            assertThat(ticks(65, 100, "w1", "w2")).as("both heartbeat after the gap").isEmpty();
        }

        @Test
        void afterAGapAWorkerThatStaysSilentIsLostOnceItsFreshPeriodPasses() {
            heartbeat("w1", 4, 4096, 0);
            caughtUp(0);

            assertThat(ticks(60, 80)).as("the gap ended at 60 s: 20 s since").isEmpty();
            assertThat(ticks(81, 81)).extracting(Decision::eventId).containsExactly("w1/lost/" + T0.toEpochMilli());
        }

        @Test
        void aWorkerSilentForLongerThanItsTtlTakesNoNewWorkBeforeItIsLost() {
            heartbeat("w1", 4, 4096, 0);
            caughtUp(0);
            ticks(0, 16, "w2");

            TaskDecision decision = onlyScheduled(waiting("t1", 1, SMALL, 0, 16.5));

            assertThat(workerOf(decision)).as("w1 is 16 s silent, past its 15 s TTL").isEqualTo("w2");
        }

        @Test
        void declaresAnAttemptPlacedOnALostWorkerLost() {
            heartbeat("w1", 4, 4096, 0);
            caughtUp(0);
            ticks(1, 21);

            List<Decision> decisions = placed("t1", 1, "w1", SMALL, 22);

            assertThat(decisions).extracting(Decision::eventId).containsExactly("t1/1/lost");
        }

        @Test
        void aWorkerThatLeftIsLostOnlyIfItStillHoldsAttempts() {
            heartbeat("idle", 4, 4096, 0);
            heartbeat("holder", 4, 4096, 0);
            caughtUp(0);
            placed("t1", 1, "holder", SMALL, 0.5);
            record(stage.onWorkersRecord(new WorkerEvent.Left("idle", "shut down"), at(1)));
            record(stage.onWorkersRecord(new WorkerEvent.Left("holder", "shut down"), at(1)));

            List<Decision> decisions = ticks(2, 30);

            assertThat(decisions).extracting(Decision::eventId).containsExactlyInAnyOrder("t1/1/lost", "holder/lost/" + at(1).toEpochMilli());
        }

        @Test
        void declaresNothingBeforeTheFoldHasCaughtUpThenWhatIsDue() {
            heartbeat("w1", 4, 4096, 0);

            assertThat(ticks(1, 30)).isEmpty();
            assertThat(caughtUp(30)).extracting(Decision::eventId).containsExactly("w1/lost/" + T0.toEpochMilli());
        }
    }

    @Nested
    class Draining {

        @Test
        void movesEachAttemptOfADrainingWorkerToAnotherAsItsNextAttempt() {
            heartbeat("w1", 4, 4096, 0);
            heartbeat("w2", 4, 4096, 0);
            caughtUp(0);
            placed("t1", 1, "w1", SMALL, 0.5);
            placed("t2", 3, "w1", SMALL, 0.5);

            List<Decision> moves = admin(new WorkerEvent.Draining("w1", "upgrade"), 1);

            assertThat(scheduled(moves)).extracting(Decision::eventId).containsExactlyInAnyOrder("t1/2/scheduled", "t2/4/scheduled");
            assertThat(scheduled(moves)).allSatisfy(d -> assertThat(workerOf(d)).isEqualTo("w2"));
            assertThat(retry()).as("a move is decided once").isEmpty();
        }

        @Test
        void placesNothingNewOnADrainingWorkerUntilItIsUndrained() {
            heartbeat("w1", 4, 4096, 0);
            caughtUp(0);
            admin(new WorkerEvent.Draining("w1", "upgrade"), 0.5);

            assertThat(scheduled(waiting("t1", 1, SMALL, 0, 1))).isEmpty();

            admin(new WorkerEvent.Undrained("w1", null), 2);
            assertThat(workerOf(onlyScheduled(retry()))).isEqualTo("w1");
        }

        @Test
        void movesWhatItCouldNotMoveOnceAnotherWorkerHasRoom() {
            heartbeat("w1", 4, 4096, 0);
            caughtUp(0);
            placed("t1", 1, "w1", SMALL, 0.5);
            assertThat(scheduled(admin(new WorkerEvent.Draining("w1", "upgrade"), 1))).isEmpty();

            heartbeat("w2", 4, 4096, 2);

            assertThat(scheduled(retry())).extracting(Decision::eventId).containsExactly("t1/2/scheduled");
        }
    }

    @Nested
    class EngineDown {

        private List<Decision> engineDownHeartbeat(String worker, double second) {
            return record(stage.onWorkersRecord(new WorkerEvent.Heartbeat(worker, worker, new WorkerEvent.Capacity(4, 4096, 10_000), T0, null,
                    WorkerEvent.Engine.unreachable(T0, "No Docker engine answers at unix:///var/run/docker.sock")), at(second)));
        }

        @Test
        void placesNothingNewOnAWorkerWhoseEngineDoesNotAnswerAndPlacesThereAgainOnceAHeartbeatSaysItAnswers() {
            heartbeat("w1", 4, 4096, 0);
            caughtUp(0);
            engineDownHeartbeat("w1", 0.5);

            List<Decision> first = waiting("t1", 1, SMALL, 0, 1);
            assertThat(scheduled(first)).isEmpty();
            assertThat(first).singleElement().satisfies(d -> {
                assertThat(d.eventId()).isEqualTo("t1/1/unplaced/no-engine");
                assertThat(((TaskEvent.Unplaced) ((TaskDecision) d).event()).reason())
                        .isEqualTo("no live worker takes new work: the container engine of worker w1 does not answer;"
                                + " waiting for one to answer or a worker to join");
            });
            assertThat(engineDownHeartbeat("w1", 3.5)).as("the same kind of reason is not told twice").isEmpty();
            assertThat(retry()).isEmpty();

            heartbeat("w1", 4, 4096, 6.5);
            assertThat(onlyScheduled(retry()).eventId()).isEqualTo("t1/1/scheduled");
            assertThat(workerOf(onlyScheduled(decided))).isEqualTo("w1");
        }

        @Test
        void placesOnAnotherWorkerWhileOnesEngineDoesNotAnswer() {
            heartbeat("w1", 4, 4096, 0);
            heartbeat("w2", 1, 512, 0);
            caughtUp(0);
            engineDownHeartbeat("w1", 0.5);

            assertThat(workerOf(onlyScheduled(waiting("t1", 1, SMALL, 0, 1)))).isEqualTo("w2");
        }

        @Test
        void neitherMovesNorLosesTheAttemptsItRunsWhileItKeepsHeartbeating() {
            heartbeat("w1", 4, 4096, 0);
            heartbeat("w2", 4, 4096, 0);
            caughtUp(0);
            placed("t1", 1, "w1", SMALL, 0.5);

            List<Decision> during = new ArrayList<>();
            for (double s = 1; s <= 60; s += 1) {
                during.addAll(engineDownHeartbeat("w1", s));
                during.addAll(heartbeat("w2", 4, 4096, s));
                during.addAll(tick(s));
            }
            during.addAll(retry());

            assertThat(during).as("no move, no loss, no lost worker").isEmpty();
            assertThat(stage.allocation("w1").taskIds()).containsExactly("t1");
            assertThat(stage.worker("w1").orElseThrow().liveness()).isEqualTo(WorkerState.Liveness.LIVE);
            assertThat(stage.worker("w1").orElseThrow().status()).isEqualTo("engine-unreachable");
        }

        @Test
        void aStageRestoredFromTheStoredStateStillKeepsWorkOffIt() {
            heartbeat("w1", 4, 4096, 0);
            caughtUp(0);
            engineDownHeartbeat("w1", 0.5);
            PlacementStage restored = newStage(1);
            restored.restore(List.of(stage.worker("w1").orElseThrow()), Map.of(), stage.meta());
            stage = restored;

            assertThat(scheduled(waiting("t1", 1, SMALL, 0, 1))).isEmpty();
            heartbeat("w1", 4, 4096, 2);
            assertThat(workerOf(onlyScheduled(retry()))).isEqualTo("w1");
        }
    }

    @Nested
    class ItsStoredState {

        @Test
        void restoredIntoANewStageDecidesAsTheOldOneWould() {
            heartbeat("w1", 1, 1024, 0);
            caughtUp(0);
            placed("t1", 1, "w1", new Resources(1, 256, 0), 0.5);
            waiting("t2", 1, new Resources(1, 256, 0), 0, 0.6);
            Map<String, PlacementStage.TaskEntry> entries = new HashMap<>();
            for (String id : List.of("t1", "t2")) {
                stage.task(id).ifPresent(entry -> entries.put(id, entry));
            }
            PlacementStage restored = newStage(1);

            restored.restore(List.of(stage.worker("w1").orElseThrow()), entries, stage.meta());

            assertThat(restored.allocation("w1")).isEqualTo(stage.allocation("w1"));
            assertThat(restored.deciding()).isTrue();
            restored.onControl(TaskControl.none("t1"), at(1));
            assertThat(scheduled(restored.retry(100).decisions())).extracting(TaskDecision::taskId).containsExactly("t2");
        }
    }
}
