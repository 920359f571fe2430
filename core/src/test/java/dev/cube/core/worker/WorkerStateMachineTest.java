package dev.cube.core.worker;

import dev.cube.core.worker.WorkerState.Liveness;
import dev.cube.events.WorkerEvent;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** One test per transition of {@link WorkerStateMachine#evolve}: given a worker's past, when this event, expect this. */
class WorkerStateMachineTest {

    static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
    static final WorkerEvent.Capacity CAPACITY = new WorkerEvent.Capacity(4, 8192, 100_000);

    private WorkerState state;

    private void given(WorkerEvent... events) {
        for (int i = 0; i < events.length; i++) {
            WorkerEvolution evolution = WorkerStateMachine.evolve(state, events[i], T0.plusSeconds(i));
            assertThat(evolution).as("past event %s", events[i]).isInstanceOf(WorkerEvolution.Applied.class);
            state = evolution.state();
        }
    }

    private WorkerEvolution when(WorkerEvent event, Instant logTime) {
        return WorkerStateMachine.evolve(state, event, logTime);
    }

    static WorkerEvent.Heartbeat heartbeat() {
        return new WorkerEvent.Heartbeat("w1", "10.0.0.7", CAPACITY, T0.minusSeconds(60));
    }

    static WorkerEvent.Heartbeat engineDown(WorkerEvent.Engine engine) {
        return new WorkerEvent.Heartbeat("w1", "10.0.0.7", CAPACITY, T0.minusSeconds(60), null, engine);
    }

    @Nested
    class AWorkerNeverSeen {

        @Test
        void isLiveFromItsFirstHeartbeatSeenAtItsLogTime() {
            WorkerState live = when(heartbeat(), T0).state();

            assertThat(live.liveness()).isEqualTo(Liveness.LIVE);
            assertThat(live.lastSeen()).isEqualTo(T0);
            assertThat(live.capacity()).isEqualTo(CAPACITY);
            assertThat(live.address()).isEqualTo("10.0.0.7");
            assertThat(live.status()).isEqualTo("ready");
        }

        @Test
        void canBeDrainedBeforeItsFirstHeartbeatIsRead() {
            WorkerEvolution evolution = when(new WorkerEvent.Draining("w1", "upgrade"), T0);

            assertThat(evolution).isInstanceOf(WorkerEvolution.Applied.class);
            assertThat(evolution.state().liveness()).isEqualTo(Liveness.UNSEEN);
            assertThat(evolution.state().draining()).isTrue();
        }

        @Test
        void ignoresALossOrADepartureItNeverSawTheWorkerFor() {
            assertThat(when(new WorkerEvent.Lost("w1", T0, null), T0)).isInstanceOf(WorkerEvolution.Ignored.class);
            assertThat(when(new WorkerEvent.Left("w1", null), T0)).isInstanceOf(WorkerEvolution.Ignored.class);
        }
    }

    @Nested
    class ALiveWorker {

        @Test
        void refreshesItsLastSeenAndStatsWithEveryHeartbeat() {
            given(heartbeat());
            WorkerEvent.Stats stats = new WorkerEvent.Stats(0.5, 1024, 10, 0.3, 2);

            WorkerState after = when(new WorkerEvent.Heartbeat("w1", "10.0.0.7", CAPACITY, T0, stats), T0.plusSeconds(3)).state();

            assertThat(after.lastSeen()).isEqualTo(T0.plusSeconds(3));
            assertThat(after.stats()).isEqualTo(stats);
        }

        @Test
        void leavesCleanly() {
            given(heartbeat());

            WorkerState after = when(new WorkerEvent.Left("w1", "worker shut down"), T0.plusSeconds(2)).state();

            assertThat(after.liveness()).isEqualTo(Liveness.LEFT);
            assertThat(after.reason()).isEqualTo("worker shut down");
            assertThat(after.status()).isEqualTo("left");
        }

        @Test
        void isLostWhenDeclaredSoOnItsLastHeartbeat() {
            given(heartbeat());

            WorkerState after = when(new WorkerEvent.Lost("w1", T0, "silent"), T0.plusSeconds(30)).state();

            assertThat(after.liveness()).isEqualTo(Liveness.LOST);
            assertThat(after.lastSeen()).as("its last heartbeat, not the time of the declaration").isEqualTo(T0);
            assertThat(after.status()).isEqualTo("lost");
        }

        @Test
        void ignoresALossDeclaredOnAHeartbeatOlderThanItsLast() {
            given(heartbeat(), heartbeat());

            WorkerEvolution evolution = when(new WorkerEvent.Lost("w1", T0, "silent"), T0.plusSeconds(30));

            assertThat(evolution).isInstanceOf(WorkerEvolution.Ignored.class);
            assertThat(evolution.state().liveness()).isEqualTo(Liveness.LIVE);
        }

        @Test
        void drainsAndUndrains() {
            given(heartbeat(), new WorkerEvent.Draining("w1", "upgrade"));
            assertThat(state.draining()).isTrue();
            assertThat(state.status()).isEqualTo("draining");

            WorkerState after = when(new WorkerEvent.Undrained("w1", null), T0.plusSeconds(5)).state();

            assertThat(after.draining()).isFalse();
            assertThat(after.status()).isEqualTo("ready");
        }

        @Test
        void staysDrainingThroughItsHeartbeats() {
            given(heartbeat(), new WorkerEvent.Draining("w1", "upgrade"));

            assertThat(when(heartbeat(), T0.plusSeconds(9)).state().draining()).isTrue();
        }

        @Test
        void takesASecondDrainAsADuplicate() {
            given(heartbeat(), new WorkerEvent.Draining("w1", "upgrade"));

            assertThat(when(new WorkerEvent.Draining("w1", "again"), T0.plusSeconds(5))).isInstanceOf(WorkerEvolution.Duplicate.class);
            assertThat(when(new WorkerEvent.Undrained("w1", null), T0.plusSeconds(5)).state().draining()).isFalse();
        }

        @Test
        void keepsWhatEachHeartbeatSaysOfItsEngine() {
            WorkerEvent.Engine down = WorkerEvent.Engine.unreachable(T0.minusSeconds(2), "No Docker engine answers at unix:///var/run/docker.sock");
            given(heartbeat());

            WorkerState unreachable = when(engineDown(down), T0.plusSeconds(3)).state();
            assertThat(unreachable.liveness()).isEqualTo(Liveness.LIVE);
            assertThat(unreachable.engineAnswers()).isFalse();
            assertThat(unreachable.engine()).isEqualTo(down);
            assertThat(unreachable.status()).isEqualTo("engine-unreachable");
            assertThat(unreachable.lastSeen()).isEqualTo(T0.plusSeconds(3));

            state = unreachable;
            WorkerState answersAgain = when(heartbeat(), T0.plusSeconds(6)).state();
            assertThat(answersAgain.engineAnswers()).isTrue();
            assertThat(answersAgain.engine()).isNull();
            assertThat(answersAgain.status()).isEqualTo("ready");
        }

        @Test
        void takesAnEngineThatSaysItAnswersAsNoEngineNews() {
            given(heartbeat());

            WorkerState after = when(engineDown(new WorkerEvent.Engine(true, null, null)), T0.plusSeconds(3)).state();

            assertThat(after.engine()).isNull();
            assertThat(after.status()).isEqualTo("ready");
        }

        @Test
        void aDrainingWorkerWhoseEngineDoesNotAnswerSaysDraining() {
            given(heartbeat(), new WorkerEvent.Draining("w1", "upgrade"));

            WorkerState after = when(engineDown(WorkerEvent.Engine.unreachable(T0, "down")), T0.plusSeconds(3)).state();

            assertThat(after.status()).isEqualTo("draining");
            assertThat(after.engineAnswers()).isFalse();
        }

        @Test
        void rejectsAnEventOfAnotherWorker() {
            given(heartbeat());

            assertThat(when(new WorkerEvent.Left("w2", null), T0)).isInstanceOf(WorkerEvolution.Rejected.class);
        }
    }

    @Nested
    class AWorkerThatLeftOrWasLost {

        @Test
        void isLiveAgainWithItsNextHeartbeatAndKeepsItsDrain() {
            given(heartbeat(), new WorkerEvent.Draining("w1", "upgrade"), new WorkerEvent.Left("w1", null));

            WorkerState back = when(heartbeat(), T0.plusSeconds(60)).state();

            assertThat(back.liveness()).isEqualTo(Liveness.LIVE);
            assertThat(back.draining()).as("a drain stands until undrained, across restarts").isTrue();
        }

        @Test
        void aLostWorkerIsLiveAgainWhenItHeartbeats() {
            given(heartbeat(), new WorkerEvent.Lost("w1", T0, "silent"));

            assertThat(when(heartbeat(), T0.plusSeconds(60)).state().liveness()).isEqualTo(Liveness.LIVE);
        }

        @Test
        void aWorkerThatLeftCanStillBeDeclaredLost() {
            given(heartbeat(), new WorkerEvent.Left("w1", null));

            assertThat(when(new WorkerEvent.Lost("w1", T0.plusSeconds(1), "silent"), T0.plusSeconds(30)).state().liveness())
                    .isEqualTo(Liveness.LOST);
        }

        @Test
        void aLostWorkerThatSaysItLeftStaysLost() {
            given(heartbeat(), new WorkerEvent.Lost("w1", T0, "silent"));

            assertThat(when(new WorkerEvent.Left("w1", null), T0.plusSeconds(40))).isInstanceOf(WorkerEvolution.Ignored.class);
            assertThat(when(new WorkerEvent.Lost("w1", T0, "again"), T0.plusSeconds(40))).isInstanceOf(WorkerEvolution.Duplicate.class);
        }
    }
}
