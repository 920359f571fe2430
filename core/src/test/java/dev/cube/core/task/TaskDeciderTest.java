package dev.cube.core.task;

import dev.cube.events.TaskEvent;
import dev.cube.events.desired.DesiredAttempt;
import dev.cube.events.desired.DesiredAttempt.Goal;
import dev.cube.events.spec.Resources;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.state.TaskState;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.cube.core.task.Tasks.TASK;
import static dev.cube.core.task.Tasks.spec;
import static dev.cube.core.task.Tasks.stateAfter;
import static org.assertj.core.api.Assertions.assertThat;

/** What follows from a task's state: its worker's desired attempt, the placement stage's view, and what changes between two states. */
class TaskDeciderTest {

    static final TaskEvent.Scheduled ON_W1 = new TaskEvent.Scheduled("w1", 1);
    static final TaskEvent.Running RUNNING = new TaskEvent.Running("w1", 1, "c-1", List.of());
    static final Resources NEEDS = new Resources(0.5, 256, 0);

    @Nested
    class TheDesiredAttempt {

        @Test
        void isNothingWhileTheTaskWaitsForAWorker() {
            assertThat(TaskDecider.desired(stateAfter())).isEmpty();
        }

        @Test
        void isToRunTheAttemptOnItsWorkerOnceScheduled() {
            DesiredAttempt desired = TaskDecider.desired(stateAfter(ON_W1)).orElseThrow();

            assertThat(desired).isEqualTo(new DesiredAttempt("w1", TASK, 1, Goal.RUN, spec(), false, null));
            assertThat(desired.key()).isEqualTo("task-1/1");
        }

        @Test
        void saysTheAttemptStartedOnceTheLogHasItsRunningReport() {
            assertThat(TaskDecider.desired(stateAfter(ON_W1, RUNNING)).orElseThrow().started()).isTrue();
        }

        @Test
        void isToStopItOnceAStopIsRequested() {
            DesiredAttempt desired = TaskDecider.desired(stateAfter(ON_W1, RUNNING, new TaskEvent.StopRequested(null))).orElseThrow();

            assertThat(desired.goal()).isEqualTo(Goal.STOP);
            assertThat(desired.started()).isTrue();
        }

        @Test
        void isNothingOnceTheAttemptEnded() {
            assertThat(TaskDecider.desired(stateAfter(ON_W1, RUNNING, new TaskEvent.Completed(1, 0)))).isEmpty();
            assertThat(TaskDecider.desired(stateAfter(ON_W1, new TaskEvent.Failed(1, null, "image not found", false)))).isEmpty();
            assertThat(TaskDecider.desired(stateAfter(ON_W1, RUNNING, new TaskEvent.Lost("w1", 1, null)))).isEmpty();
            assertThat(TaskDecider.desired(stateAfter(ON_W1, RUNNING, new TaskEvent.Stopped(1, null)))).isEmpty();
        }
    }

    @Nested
    class TheControlView {

        @Test
        void ofASubmittedTaskIsItsFirstAttemptWaitingWithoutBackoff() {
            assertThat(TaskDecider.control(stateAfter())).isEqualTo(TaskControl.waiting(TASK, 1, NEEDS, 0, "submitted"));
        }

        @Test
        void ofAScheduledOrRunningTaskIsItsAttemptPlacedOnItsWorker() {
            TaskControl placed = TaskControl.placed(TASK, 1, "w1", NEEDS);

            assertThat(TaskDecider.control(stateAfter(ON_W1))).isEqualTo(placed);
            assertThat(TaskDecider.control(stateAfter(ON_W1, RUNNING))).isEqualTo(placed);
        }

        @Test
        void ofAFailedTaskWhosePolicyRestartsItIsTheNextAttemptWaitingItsBackoff() {
            TaskSpec restarts = spec(new TaskSpec.RestartPolicy(TaskSpec.RestartPolicy.Mode.ON_FAILURE, 3, 2));

            TaskControl control = TaskDecider.control(stateAfter(restarts, ON_W1, RUNNING, new TaskEvent.Failed(1, 1, "exit 1", false)));

            assertThat(control.need()).isEqualTo(TaskControl.Need.WAITING);
            assertThat(control.attempt()).isEqualTo(2);
            assertThat(control.backoffMillis()).isEqualTo(2000);
        }

        @Test
        void ofAnEndedTaskThatIsNotRestartedIsNothing() {
            assertThat(TaskDecider.control(stateAfter(ON_W1, RUNNING, new TaskEvent.Completed(1, 0))).need()).isEqualTo(TaskControl.Need.NONE);
            assertThat(TaskDecider.control(stateAfter(ON_W1, RUNNING, new TaskEvent.Failed(1, 1, "exit 1", false))).need())
                    .as("restart policy never").isEqualTo(TaskControl.Need.NONE);
            assertThat(TaskDecider.control(stateAfter(new TaskEvent.StopRequested(null))).need()).isEqualTo(TaskControl.Need.NONE);
        }
    }

    @Nested
    class AReaction {

        @Test
        void toASubmissionAsksForAPlacementAndOrdersNothing() {
            TaskState submitted = stateAfter();

            TaskDecider.Reaction reaction = TaskDecider.react(null, submitted);

            assertThat(reaction.desired()).isEmpty();
            assertThat(reaction.control()).contains(TaskControl.waiting(TASK, 1, NEEDS, 0, "submitted"));
        }

        @Test
        void toAPlacementAddsTheAttemptToItsWorkersDesiredSet() {
            TaskDecider.Reaction reaction = TaskDecider.react(stateAfter(), stateAfter(ON_W1));

            assertThat(reaction.desired()).containsExactly(new TaskDecider.DesiredChange("task-1/1", "w1",
                    new DesiredAttempt("w1", TASK, 1, Goal.RUN, spec(), false, null)));
            assertThat(reaction.control()).contains(TaskControl.placed(TASK, 1, "w1", NEEDS));
        }

        @Test
        void toTheEndOfAnAttemptTakesItOutOfItsWorkersDesiredSet() {
            TaskDecider.Reaction reaction = TaskDecider.react(stateAfter(ON_W1, RUNNING), stateAfter(ON_W1, RUNNING, new TaskEvent.Completed(1, 0)));

            assertThat(reaction.desired()).containsExactly(new TaskDecider.DesiredChange("task-1/1", "w1", null));
            assertThat(reaction.control()).contains(TaskControl.none(TASK));
        }

        @Test
        void toAMoveTakesTheOldAttemptOutOfOneSetBeforeItPutsTheNextIntoAnother() {
            TaskState before = stateAfter(ON_W1, RUNNING);
            TaskState moved = stateAfter(ON_W1, RUNNING, new TaskEvent.Scheduled("w2", 2));

            TaskDecider.Reaction reaction = TaskDecider.react(before, moved);

            assertThat(reaction.desired()).extracting(TaskDecider.DesiredChange::key, TaskDecider.DesiredChange::workerId)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("task-1/1", "w1"), org.assertj.core.groups.Tuple.tuple("task-1/2", "w2"));
            assertThat(reaction.desired().get(0).value()).isNull();
            assertThat(reaction.desired().get(1).value().goal()).isEqualTo(Goal.RUN);
        }

        @Test
        void toAnEventThatChangesNothingTheyCareAboutIsEmpty() {
            TaskState pending = stateAfter();

            assertThat(TaskDecider.react(pending, stateAfter(new TaskEvent.Unplaced("no worker yet"))).isEmpty()).isTrue();
        }

        @Test
        void toAStopRequestTurnsTheDesiredAttemptToStopAndKeepsItsPlacement() {
            TaskDecider.Reaction reaction = TaskDecider.react(stateAfter(ON_W1, RUNNING),
                    stateAfter(ON_W1, RUNNING, new TaskEvent.StopRequested(null)));

            assertThat(reaction.desired()).singleElement().extracting(change -> change.value().goal()).isEqualTo(Goal.STOP);
            assertThat(reaction.control()).isEmpty();
        }
    }
}
