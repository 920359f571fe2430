package dev.cube.worker.supervisor;

import dev.cube.events.desired.DesiredAttempt;
import dev.cube.events.spec.TaskSpec;
import dev.cube.worker.runtime.ContainerInfo;
import dev.cube.worker.runtime.ContainerStatus;
import dev.cube.worker.supervisor.Reconciler.Action;
import dev.cube.worker.supervisor.Reconciler.Done;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** One test per rule of the worker's reconciliation: given a desired set, containers and what was done, expect these actions. */
class ReconcilerTest {

    static final TaskSpec SPEC = TaskSpec.of(null, "cube/busybox:local", List.of("sleep", "30"));

    private final Map<String, DesiredAttempt> desired = new HashMap<>();
    private final List<ContainerInfo> containers = new java.util.ArrayList<>();
    private final Map<String, Set<Done>> done = new HashMap<>();
    private final Set<String> busy = new HashSet<>();

    private void want(String task, int attempt, DesiredAttempt.Goal goal, boolean started) {
        desired.put(task + "/" + attempt, new DesiredAttempt("w1", task, attempt, goal, SPEC, started, goal == DesiredAttempt.Goal.STOP ? "stop requested" : null));
    }

    private ContainerInfo container(String task, int attempt, ContainerStatus status, Integer exitCode) {
        ContainerInfo c = new ContainerInfo("c-" + task + "-" + attempt, task, attempt, status, exitCode, false, List.of());
        containers.add(c);
        return c;
    }

    private void did(String key, Done what) {
        done.computeIfAbsent(key, k -> EnumSet.noneOf(Done.class)).add(what);
    }

    private List<Action> plan() {
        return Reconciler.plan(desired, containers, new Reconciler.Memory() {
            public boolean did(String key, Done what) {
                return done.getOrDefault(key, Set.of()).contains(what);
            }

            public boolean busy(String key) {
                return busy.contains(key);
            }
        });
    }

    @Nested
    class AnAttemptDesiredToRun {

        @Test
        void withNoContainerIsStarted() {
            want("t1", 1, DesiredAttempt.Goal.RUN, false);

            assertThat(plan()).singleElement().isInstanceOf(Reconciler.Start.class);
        }

        @Test
        void thatTheLogSaysStartedButHasNoContainerIsReportedVanishedNotRunAgain() {
            want("t1", 1, DesiredAttempt.Goal.RUN, true);

            assertThat(plan()).singleElement().isInstanceOf(Reconciler.ReportVanished.class);
        }

        @Test
        void thatThisWorkerReportedRunningButHasNoContainerIsReportedVanished() {
            want("t1", 1, DesiredAttempt.Goal.RUN, false);
            did("t1/1", Done.REPORTED_RUNNING);

            assertThat(plan()).singleElement().isInstanceOf(Reconciler.ReportVanished.class);
        }

        @Test
        void thatFailedToStartIsNotTriedAgainWhileTheFoldCatchesUp() {
            want("t1", 1, DesiredAttempt.Goal.RUN, false);
            did("t1/1", Done.FAILED_TO_START);

            assertThat(plan()).isEmpty();
        }

        @Test
        void whoseContainerWasOnlyCreatedIsStarted() {
            want("t1", 1, DesiredAttempt.Goal.RUN, false);
            container("t1", 1, ContainerStatus.CREATED, null);

            assertThat(plan()).singleElement().isInstanceOf(Reconciler.Start.class);
        }

        @Test
        void whoseContainerRunsIsReportedRunningWhileTheLogDoesNotSaySo() {
            want("t1", 1, DesiredAttempt.Goal.RUN, false);
            container("t1", 1, ContainerStatus.RUNNING, null);

            assertThat(plan()).singleElement().isInstanceOf(Reconciler.ReportRunning.class);
        }

        @Test
        void whoseContainerRunsAndTheLogSaysSoNeedsNothing() {
            want("t1", 1, DesiredAttempt.Goal.RUN, true);
            container("t1", 1, ContainerStatus.RUNNING, null);

            assertThat(plan()).isEmpty();
        }

        @Test
        void whoseContainerExitedIsReportedOnceAndTheContainerKept() {
            want("t1", 1, DesiredAttempt.Goal.RUN, true);
            container("t1", 1, ContainerStatus.EXITED, 0);

            assertThat(plan()).singleElement().isInstanceOf(Reconciler.ReportExit.class);

            did("t1/1", Done.REPORTED_EXIT);
            assertThat(plan()).as("reported, and kept until the attempt leaves the set").isEmpty();
        }

        @Test
        void whoseContainerTheEngineFindsUnhealthyIsFailed() {
            want("t1", 1, DesiredAttempt.Goal.RUN, true);
            containers.add(new ContainerInfo("c", "t1", 1, ContainerStatus.RUNNING, null, false, List.of(), null, true));

            assertThat(plan()).singleElement().isInstanceOf(Reconciler.FailUnhealthy.class);
        }
    }

    @Nested
    class AnAttemptDesiredToStop {

        @Test
        void whoseContainerRunsHasItStopped() {
            want("t1", 1, DesiredAttempt.Goal.STOP, true);
            container("t1", 1, ContainerStatus.RUNNING, null);

            assertThat(plan()).singleElement().isInstanceOf(Reconciler.Stop.class);
        }

        @Test
        void withNothingRunningIsReportedStoppedOnce() {
            want("t1", 1, DesiredAttempt.Goal.STOP, true);
            container("t1", 1, ContainerStatus.EXITED, 143);

            assertThat(plan()).singleElement().isInstanceOf(Reconciler.ReportStopped.class);
            did("t1/1", Done.REPORTED_STOPPED);
            assertThat(plan()).isEmpty();
        }

        @Test
        void thatNeverStartedIsNeverStartedButReportedStopped() {
            want("t1", 1, DesiredAttempt.Goal.STOP, false);

            assertThat(plan()).singleElement().isInstanceOf(Reconciler.ReportStopped.class);
        }
    }

    @Nested
    class AContainer {

        @Test
        void whoseAttemptIsNotDesiredIsRemovedRunningOrNot() {
            container("t1", 1, ContainerStatus.RUNNING, null);
            container("t2", 1, ContainerStatus.EXITED, 0);

            assertThat(plan()).hasSize(2).allMatch(a -> a instanceof Reconciler.Remove);
        }

        @Test
        void ofAnEarlierAttemptIsRemovedWhileTheLaterOneIsLeftAlone() {
            want("t1", 2, DesiredAttempt.Goal.RUN, true);
            container("t1", 1, ContainerStatus.RUNNING, null);
            container("t1", 2, ContainerStatus.RUNNING, null);

            assertThat(plan()).singleElement().satisfies(a -> {
                assertThat(a).isInstanceOf(Reconciler.Remove.class);
                assertThat(a.key()).isEqualTo("t1/1");
            });
        }

        @Test
        void withoutCubesLabelsIsRemoved() {
            containers.add(new ContainerInfo("c", null, 0, ContainerStatus.RUNNING, null, false, List.of()));

            assertThat(plan()).singleElement().isInstanceOf(Reconciler.Remove.class);
        }
    }

    @Test
    void anAttemptWithAnActionUnderWayIsLeftAlone() {
        want("t1", 1, DesiredAttempt.Goal.RUN, false);
        busy.add("t1/1");

        assertThat(plan()).isEmpty();
    }

    @Test
    void planningAgainAfterDoingWhatWasPlannedPlansNothing() {
        want("t1", 1, DesiredAttempt.Goal.RUN, false);
        want("t2", 1, DesiredAttempt.Goal.STOP, true);
        container("t2", 1, ContainerStatus.EXITED, 143);
        container("t3", 1, ContainerStatus.EXITED, 0);

        List<Action> first = plan();
        // Carry it out: t1 started and reported, t2 reported stopped, t3 removed.
        container("t1", 1, ContainerStatus.RUNNING, null);
        did("t1/1", Done.REPORTED_RUNNING);
        did("t2/1", Done.REPORTED_STOPPED);
        containers.removeIf(c -> c.taskId().equals("t3"));

        assertThat(first).hasSize(3);
        assertThat(plan()).isEmpty();
    }
}
