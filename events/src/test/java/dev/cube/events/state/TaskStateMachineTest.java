package dev.cube.events.state;

import dev.cube.events.EventData;
import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.spec.TaskSpec;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.cube.events.state.TaskHistory.SPEC;
import static dev.cube.events.state.TaskHistory.TASK;
import static dev.cube.events.state.TaskHistory.completed;
import static dev.cube.events.state.TaskHistory.failed;
import static dev.cube.events.state.TaskHistory.lost;
import static dev.cube.events.state.TaskHistory.port;
import static dev.cube.events.state.TaskHistory.running;
import static dev.cube.events.state.TaskHistory.scheduled;
import static dev.cube.events.state.TaskHistory.stopRequested;
import static dev.cube.events.state.TaskHistory.stopped;
import static dev.cube.events.state.TaskHistory.submitted;
import static dev.cube.events.state.TaskHistory.timeOf;
import static dev.cube.events.state.TaskHistory.unplaced;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * One test per transition of {@link TaskStateMachine#evolve}, allowed or refused: given these past
 * events, when this event, expect this state or this rejection.
 */
class TaskStateMachineTest {

    private final TaskHistory history = new TaskHistory();

    private TaskHistory given(TaskEvent... past) {
        return history.given(past);
    }

    private Evolution when(EventData event) {
        return TaskStateMachine.evolve(history.state(), history.next(event));
    }

    /** The event applied; returns the new state. */
    private static TaskState expectApplied(Evolution evolution) {
        assertThat(evolution).isInstanceOf(Evolution.Applied.class);
        return evolution.state();
    }

    /** The event is true but no longer matters: the state is the one before it, and a reason is given; returns the reason. */
    private String expectIgnored(Evolution evolution) {
        assertThat(evolution).isInstanceOf(Evolution.Ignored.class);
        Evolution.Ignored ignored = (Evolution.Ignored) evolution;
        assertThat(ignored.state()).as("state after an ignored event").isSameAs(history.state());
        assertThat(ignored.reason()).isNotBlank();
        return ignored.reason();
    }

    /** The event says again what the state holds: nothing changes. */
    private void expectDuplicate(Evolution evolution) {
        assertThat(evolution).isInstanceOf(Evolution.Duplicate.class);
        assertThat(evolution.state()).as("state after a duplicate").isSameAs(history.state());
    }

    /** The event was refused, the state is the one before it, and a reason is given; returns the reason. */
    private String expectRejected(Evolution evolution) {
        assertThat(evolution).isInstanceOf(Evolution.Rejected.class);
        Evolution.Rejected rejected = (Evolution.Rejected) evolution;
        assertThat(rejected.state()).as("state after a rejection").isSameAs(history.state());
        assertThat(rejected.reason()).isNotBlank();
        return rejected.reason();
    }

    @Nested
    class AnUnknownTask {

        @Test
        void isRejectedWhenItsFirstEventIsNotASubmission() {
            String reason = expectRejected(when(scheduled("w1", 1)));

            assertThat(reason).contains("unknown task " + TASK).contains("dev.cube.task.submitted");
        }

        @Test
        void becomesPendingWithDesiredRunningAndNoAttemptWhenSubmitted() {
            TaskState state = expectApplied(when(submitted()));

            assertThat(state.id()).isEqualTo(TASK);
            assertThat(state.spec()).isEqualTo(SPEC);
            assertThat(state.state()).isEqualTo(TaskStatus.Pending);
            assertThat(state.desiredState()).isEqualTo(DesiredState.Running);
            assertThat(state.attempt()).isZero();
            assertThat(state.workerId()).isNull();
            assertThat(state.submittedAt()).isEqualTo(timeOf(1));
            assertThat(state.eventCount()).isEqualTo(1);
        }
    }

    @Nested
    class ASubmittedTask {

        @Test
        void rejectsASecondSubmission() {
            given(submitted());

            String reason = expectRejected(when(submitted()));

            assertThat(reason).contains("already submitted");
        }

        @Test
        void rejectsAnEventThatIsNotATaskEvent() {
            given(submitted());

            String reason = expectRejected(when(new WorkerEvent.Left("w1", "shutdown")));

            assertThat(reason).contains("not a task event").contains("dev.cube.worker.left");
        }
    }

    @Nested
    class APendingTask {

        @Test
        void ignoresANoteThatItWaitsForPlacementOnceItIsScheduled() {
            TaskState before = given(submitted(), scheduled("w1", 1)).state();

            Evolution evolution = when(unplaced("no worker has 4096 MB free"));

            assertThat(evolution).isInstanceOf(Evolution.Ignored.class);
            assertThat(evolution.state()).isEqualTo(before);
        }

        @Test
        void staysPendingAndSaysWhyWhenUnplaced() {
            given(submitted());

            TaskState state = expectApplied(when(unplaced("no worker has 4096 MB free")));

            assertThat(state.state()).isEqualTo(TaskStatus.Pending);
            assertThat(state.reason()).isEqualTo("no worker has 4096 MB free");
            assertThat(state.attempt()).isZero();
        }

        @Test
        void takesTheSameUnplacedNoteTwiceAsADuplicate() {
            given(submitted(), unplaced("no worker has 4096 MB free"));

            expectDuplicate(when(unplaced("no worker has 4096 MB free")));
        }

        @Test
        void isScheduledOnTheWorkerForItsFirstAttempt() {
            given(submitted(), unplaced("no worker yet"));

            TaskState state = expectApplied(when(scheduled("w1", 1)));

            assertThat(state.state()).isEqualTo(TaskStatus.Scheduled);
            assertThat(state.attempt()).isEqualTo(1);
            assertThat(state.workerId()).isEqualTo("w1");
            assertThat(state.scheduledAt()).isEqualTo(timeOf(3));
            assertThat(state.reason()).as("the unplaced reason no longer applies").isNull();
        }

        @Test
        void rejectsSchedulingAnAttemptThatIsNotTheNextOne() {
            given(submitted());

            String reason = expectRejected(when(scheduled("w1", 2)));

            assertThat(reason).contains("attempt 2").contains("next attempt, 1");
        }

        @Test
        void rejectsBeingStartedBeforeItIsScheduled() {
            given(submitted());

            String reason = expectRejected(when(running("w1", 0, "c-0")));

            assertThat(reason).contains("Pending");
        }

        @Test
        void rejectsBeingLostBecauseNothingOfItRunsOnAWorker() {
            given(submitted());

            String reason = expectRejected(when(lost("w1", 0)));

            assertThat(reason).contains("cannot lose a Pending task");
        }

        @Test
        void isStoppedAtOnceWhenAStopIsRequested() {
            given(submitted());

            TaskState state = expectApplied(when(stopRequested("no longer needed")));

            assertThat(state.state()).isEqualTo(TaskStatus.Stopped);
            assertThat(state.desiredState()).isEqualTo(DesiredState.Stopped);
            assertThat(state.reason()).isEqualTo("no longer needed");
            assertThat(state.finishedAt()).isEqualTo(timeOf(2));
        }
    }

    @Nested
    class AScheduledTask {

        @Test
        void startsRunningWithItsContainerAndPublishedPorts() {
            given(submitted(), scheduled("w1", 1));

            TaskState state = expectApplied(when(running("w1", 1, "c-1", port(80, 32768), port(443, 32769))));

            assertThat(state.state()).isEqualTo(TaskStatus.Running);
            assertThat(state.containerId()).isEqualTo("c-1");
            assertThat(state.ports()).containsExactly(port(80, 32768), port(443, 32769));
            assertThat(state.startedAt()).isEqualTo(timeOf(3));
            assertThat(state.attempt()).isEqualTo(1);
        }

        @Test
        void rejectsARunningReportFromAWorkerTheAttemptWasNotPlacedOn() {
            given(submitted(), scheduled("w1", 1));

            String reason = expectRejected(when(running("w2", 1, "c-9")));

            assertThat(reason).contains("w1").contains("w2");
        }

        @Test
        void rejectsStartingAnAttemptItWasNotScheduledFor() {
            given(submitted(), scheduled("w1", 1));

            String reason = expectRejected(when(running("w1", 2, "c-2")));

            assertThat(reason).contains("attempt 2").contains("current attempt 1");
        }

        @Test
        void rejectsCompletingBeforeItRuns() {
            given(submitted(), scheduled("w1", 1));

            String reason = expectRejected(when(completed(1)));

            assertThat(reason).contains("cannot complete a Scheduled task");
        }

        @Test
        void failsWhenItsImageCannotBePulled() {
            given(submitted(), scheduled("w1", 1));

            TaskState state = expectApplied(when(failed(1, null, "image cube/nope:1 not found")));

            assertThat(state.state()).isEqualTo(TaskStatus.Failed);
            assertThat(state.exitCode()).isNull();
            assertThat(state.reason()).isEqualTo("image cube/nope:1 not found");
            assertThat(state.finishedAt()).isEqualTo(timeOf(3));
        }
    }

    @Nested
    class ARunningTask {

        @Test
        void completesWithExitCodeZero() {
            given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"));

            TaskState state = expectApplied(when(completed(1)));

            assertThat(state.state()).isEqualTo(TaskStatus.Completed);
            assertThat(state.exitCode()).isZero();
            assertThat(state.finishedAt()).isEqualTo(timeOf(4));
        }

        @Test
        void failsWithTheExitCodeAndReason() {
            given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"));

            TaskState state = expectApplied(when(failed(1, 137, "killed: out of memory")));

            assertThat(state.state()).isEqualTo(TaskStatus.Failed);
            assertThat(state.exitCode()).isEqualTo(137);
            assertThat(state.reason()).isEqualTo("killed: out of memory");
        }

        @Test
        void isLostWithItsWorker() {
            given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"));

            TaskState state = expectApplied(when(lost("w1", 1)));

            assertThat(state.state()).isEqualTo(TaskStatus.Lost);
            assertThat(state.reason()).isEqualTo("worker w1 was lost");
            assertThat(state.finishedAt()).isEqualTo(timeOf(4));
        }

        @Test
        void rejectsStartingAgainInAnotherContainer() {
            given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"));

            String reason = expectRejected(when(running("w1", 1, "c-other")));

            assertThat(reason).contains("already runs in container c-1");
        }

        @Test
        void takesTheSameRunningReportAgainAsADuplicateWhateverItsId() {
            given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"));

            expectDuplicate(when(running("w1", 1, "c-1")));
        }

        @Test
        void takesThePlacementItRunsUnderAgainAsADuplicate() {
            given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"));

            expectDuplicate(when(scheduled("w1", 1)));
        }

        @Test
        void ignoresAPlacementOfItsAttemptOnAnotherWorker() {
            given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"));

            String reason = expectIgnored(when(scheduled("w2", 1)));

            assertThat(reason).contains("attempt 1").contains("already placed on worker w1");
        }

        @Test
        void rejectsAnEventForAnotherAttempt() {
            given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"));

            String reason = expectRejected(when(completed(2)));

            assertThat(reason).contains("attempt 2").contains("current attempt 1");
        }
    }

    @Nested
    class ARestart {

        @Test
        void schedulesTheNextAttemptOfARunningTask() {
            given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1", port(80, 32768)));

            TaskState state = expectApplied(when(scheduled("w2", 2)));

            assertFreshAttempt(state, "w2", 2);
        }

        @Test
        void schedulesTheNextAttemptOfAFailedTaskAndForgetsTheFailure() {
            given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1", port(80, 32768)), failed(1, 1, "exit 1"));

            TaskState state = expectApplied(when(scheduled("w1", 2)));

            assertFreshAttempt(state, "w1", 2);
        }

        @Test
        void schedulesTheNextAttemptOfALostTaskOnAnotherWorker() {
            given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"), lost("w1", 1));

            TaskState state = expectApplied(when(scheduled("w2", 2)));

            assertFreshAttempt(state, "w2", 2);
        }

        @Test
        void ignoresAPlacementOfAnEarlierAttempt() {
            given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"), failed(1, 1, "exit 1"), scheduled("w2", 2));

            String reason = expectIgnored(when(scheduled("w3", 1)));

            assertThat(reason).contains("attempt 1").contains("already placed");
        }

        @Test
        void rejectsSkippingAnAttempt() {
            given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"), failed(1, 1, "exit 1"));

            String reason = expectRejected(when(scheduled("w1", 3)));

            assertThat(reason).contains("attempt 3").contains("next attempt, 2");
        }

        static Stream<Arguments> eventsOfTheFirstAttempt() {
            return Stream.of(
                    arguments(running("w1", 1, "c-1")),
                    arguments(completed(1)),
                    arguments(failed(1, 1, "exit 1")),
                    arguments(stopped(1, null)),
                    arguments(lost("w1", 1)));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("eventsOfTheFirstAttempt")
        void ignoresALateReportAboutAnEarlierAttempt(TaskEvent staleEvent) {
            TaskState before = given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"), failed(1, 1, "exit 1"), scheduled("w2", 2)).state();

            Evolution evolution = when(staleEvent);

            assertThat(evolution).isInstanceOf(Evolution.Ignored.class);
            assertThat(evolution.state()).isEqualTo(before);
            assertThat(((Evolution.Ignored) evolution).reason()).contains("attempt 1").contains("attempt 2");
        }

        @Test
        void runsAgainAfterACleanExitOnlyWhenItsPolicyIsAlways() {
            TaskSpec always = new TaskSpec("svc", "cube/busybox:local", List.of("true"), null, null, null, null, null,
                    new TaskSpec.RestartPolicy(TaskSpec.RestartPolicy.Mode.ALWAYS, 3, null), null, null);
            given(new TaskEvent.Submitted(always), scheduled("w1", 1), running("w1", 1, "c-1"), completed(1));

            TaskState state = expectApplied(when(scheduled("w2", 2)));

            assertThat(state.state()).isEqualTo(TaskStatus.Scheduled);
            assertThat(state.attempt()).isEqualTo(2);
        }

        private static void assertFreshAttempt(TaskState state, String workerId, int attempt) {
            assertThat(state.state()).isEqualTo(TaskStatus.Scheduled);
            assertThat(state.attempt()).isEqualTo(attempt);
            assertThat(state.workerId()).isEqualTo(workerId);
            assertThat(state.containerId()).isNull();
            assertThat(state.ports()).isEmpty();
            assertThat(state.exitCode()).isNull();
            assertThat(state.reason()).isNull();
            assertThat(state.startedAt()).isNull();
            assertThat(state.finishedAt()).isNull();
            assertThat(state.desiredState()).isEqualTo(DesiredState.Running);
        }
    }

    @Nested
    class AStopRequest {

        @Test
        void onARunningTaskKeepsItRunningButWantsItStopped() {
            given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"));

            TaskState state = expectApplied(when(stopRequested(null)));

            assertThat(state.state()).isEqualTo(TaskStatus.Running);
            assertThat(state.desiredState()).isEqualTo(DesiredState.Stopped);
            assertThat(state.containerId()).isEqualTo("c-1");
            assertThat(state.finishedAt()).isNull();
        }

        @Test
        void isFollowedByTheWorkerReportingTheTaskStopped() {
            given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"), stopRequested(null));

            TaskState state = expectApplied(when(stopped(1, "stopped by user")));

            assertThat(state.state()).isEqualTo(TaskStatus.Stopped);
            assertThat(state.desiredState()).isEqualTo(DesiredState.Stopped);
            assertThat(state.reason()).isEqualTo("stopped by user");
            assertThat(state.finishedAt()).isEqualTo(timeOf(5));
        }

        @Test
        void onAFailedTaskStopsItAtOnce() {
            given(submitted(), scheduled("w1", 1), failed(1, null, "image not found"));

            TaskState state = expectApplied(when(stopRequested(null)));

            assertThat(state.state()).isEqualTo(TaskStatus.Stopped);
            assertThat(state.desiredState()).isEqualTo(DesiredState.Stopped);
            assertThat(state.reason()).isEqualTo("stop requested");
        }

        @Test
        void onACompletedTaskIsIgnored() {
            given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"), completed(1));

            String reason = expectIgnored(when(stopRequested(null)));

            assertThat(reason).contains("already Completed");
        }

        @Test
        void madeASecondTimeIsIgnoredAndChangesNothing() {
            given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"), stopRequested("first"));

            String reason = expectIgnored(when(stopRequested("second")));

            assertThat(reason).contains("already requested");
        }

        @Test
        void winsOverAPlacementOfAnotherAttemptThatComesAfterIt() {
            given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"), stopRequested(null));

            String reason = expectIgnored(when(scheduled("w2", 2)));

            assertThat(reason).contains("stop was requested");
        }

        @Test
        void winsOverARestartOfAnAttemptThatFailedWhileStopping() {
            given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"), stopRequested(null), failed(1, 143, "SIGTERM"));

            String reason = expectIgnored(when(scheduled("w2", 2)));

            assertThat(reason).contains("stop was requested");
        }

        @Test
        void onAPendingTaskWinsOverItsFirstPlacement() {
            given(submitted(), stopRequested(null));

            String reason = expectIgnored(when(scheduled("w1", 1)));

            assertThat(reason).contains("stop was requested");
        }
    }

    @Nested
    class ACompletedTask {

        @Test
        void rejectsASecondSubmission() {
            given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"), completed(1));

            assertThat(expectRejected(when(submitted()))).contains("already submitted");
        }

        @Test
        void takesTheSameCompletionAgainAsADuplicate() {
            given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"), completed(1));

            expectDuplicate(when(completed(1)));
        }

        static Stream<Arguments> lateEvents() {
            return Stream.of(
                    arguments(scheduled("w1", 2), "Completed"),
                    arguments(running("w1", 1, "c-1"), "already ended Completed"),
                    arguments(failed(1, 1, "exit 1"), "already ended Completed"),
                    arguments(stopRequested(null), "already Completed"),
                    arguments(stopped(1, null), "already ended Completed"),
                    arguments(lost("w1", 1), "already ended Completed"));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("lateEvents")
        void ignoresEveryOtherFurtherEvent(TaskEvent event, String reasonMentions) {
            given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"), completed(1));

            String reason = expectIgnored(when(event));

            assertThat(reason).contains(reasonMentions);
        }
    }

    @Nested
    class ItsStoredState {

        @Test
        void keepsOnlyTheLastFewEventIds() {
            given(submitted(), unplaced("a"), unplaced("b"), unplaced("c"), unplaced("d"), scheduled("w1", 1), running("w1", 1, "c-1"));

            assertThat(history.state().recentEventIds()).hasSize(TaskState.RECENT_IDS);
            assertThat(history.state().eventCount()).isEqualTo(7);
        }

        @Test
        void isNoLargerAfterTenThousandStopRequestsThanAfterThreeEvents() {
            TaskHistory three = new TaskHistory().given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"));
            TaskHistory stops = new TaskHistory().given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"));
            for (int i = 0; i < 10_000; i++) {
                stops.fold(stopRequested("stop requested over HTTP"));
            }

            int threeBytes = storedSize(three.state());
            int stopsBytes = storedSize(stops.state());

            assertThat(stops.state().desiredState()).isEqualTo(DesiredState.Stopped);
            assertThat(stopsBytes).as("stored state after 10,003 events against after 3").isLessThanOrEqualTo(threeBytes);
        }

        @Test
        void isLeftOutOfWhatReadersGet() {
            given(submitted(), scheduled("w1", 1));

            assertThat(history.state().recentEventIds()).isNotEmpty();
            assertThat(history.state().forReaders().recentEventIds()).isEmpty();
            assertThat(new String(dev.cube.events.topics.Topics.TASK_STATE.valueSerde().serializer()
                    .serialize("cube.task-state", history.state()), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("recentEventIds");
        }

        private static int storedSize(TaskState state) {
            return new dev.cube.events.topics.JsonSerde<>(TaskState.class).serializer().serialize("store", state).length;
        }
    }
}
