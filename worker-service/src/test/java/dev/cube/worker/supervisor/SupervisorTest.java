package dev.cube.worker.supervisor;

import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.desired.DesiredAttempt;
import dev.cube.events.desired.Revision;
import dev.cube.events.spec.TaskSpec;
import dev.cube.worker.runtime.ContainerInfo;
import dev.cube.worker.runtime.ContainerStatus;
import dev.cube.worker.runtime.InMemoryContainerRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The supervisor on the in-memory runtime: it converges containers on the desired set, reports each
 * fact once, and a restart (of the supervisor, or of the projection writing the set) runs nothing twice.
 */
class SupervisorTest {

    static final TaskSpec SPEC = TaskSpec.of(null, "cube/busybox:local", List.of("sleep", "30"));
    static final Duration A_WHILE = Duration.ofSeconds(1);

    final InMemoryContainerRuntime runtime = new InMemoryContainerRuntime(Clock.systemUTC());
    final List<CubeEvent> log = new CopyOnWriteArrayList<>();
    final DesiredSet desired = new DesiredSet("w1");
    Supervisor supervisor = newSupervisor();

    Supervisor newSupervisor() {
        return new Supervisor("w1", runtime, event -> {
            log.add(event);
            return CompletableFuture.completedFuture(null);
        }, new Supervisor.Settings(Duration.ofMillis(100), 4, Duration.ofSeconds(1), "127.0.0.1"), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        supervisor.close();
    }

    private void set(String task, int attempt, DesiredAttempt.Goal goal, boolean started, long revision) {
        desired.apply(task + "/" + attempt, new DesiredAttempt("w1", task, attempt, goal, SPEC, started, null), new Revision(0, revision));
    }

    private void unset(String task, int attempt, long revision) {
        desired.apply(task + "/" + attempt, null, new Revision(0, revision));
    }

    private void converge() {
        supervisor.converge(desired.attempts());
    }

    /** Converges until {@code condition}, as the worker's loop does every exit-check interval. */
    private void convergeUntil(java.util.concurrent.Callable<Boolean> condition) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
            converge();
            return condition.call();
        });
    }

    private List<String> reported(String task) {
        return log.stream().filter(e -> e.subject().equals(task)).map(CubeEvent::id).toList();
    }

    private List<ContainerInfo> containers() {
        return runtime.listOwnedBy("w1");
    }

    /** Converges for a while, and checks all along that nothing more was reported or created. */
    private void convergesToNothingNew() {
        int events = log.size();
        long created = runtime.created();
        await().during(A_WHILE).atMost(A_WHILE.plusSeconds(2)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            converge();
            assertThat(log).hasSize(events);
            assertThat(runtime.created()).isEqualTo(created);
        });
    }

    @Test
    void runsADesiredAttemptInOneContainerAndReportsItRunningOnce() {
        set("t1", 1, DesiredAttempt.Goal.RUN, false, 10);

        convergeUntil(() -> reported("t1").contains("t1/1/running"));

        assertThat(containers()).singleElement().satisfies(c -> assertThat(c.status()).isEqualTo(ContainerStatus.RUNNING));
        convergesToNothingNew();
    }

    @Test
    void reportsAnExitOnceAndKeepsTheContainerUntilTheAttemptLeavesTheSet() {
        set("t1", 1, DesiredAttempt.Goal.RUN, false, 10);
        convergeUntil(() -> !containers().isEmpty());
        set("t1", 1, DesiredAttempt.Goal.RUN, true, 11);

        runtime.exit("t1", 1, 3, false);
        convergeUntil(() -> reported("t1").contains("t1/1/failed"));

        assertThat(log.getLast().data()).isEqualTo(new TaskEvent.Failed(1, 3, "exited with code 3", false));
        convergesToNothingNew();
        assertThat(containers()).as("kept, with its exit code").singleElement()
                .satisfies(c -> assertThat(c.exitCode()).isEqualTo(3));

        unset("t1", 1, 12);
        convergeUntil(() -> containers().isEmpty());
    }

    @Test
    void stopsAnAttemptDesiredToStopReportsItStoppedAndRemovesItOnceItLeavesTheSet() {
        set("t1", 1, DesiredAttempt.Goal.RUN, false, 10);
        convergeUntil(() -> reported("t1").contains("t1/1/running"));

        set("t1", 1, DesiredAttempt.Goal.STOP, true, 11);
        convergeUntil(() -> reported("t1").contains("t1/1/stopped"));
        assertThat(containers()).singleElement().satisfies(c -> assertThat(c.status()).isEqualTo(ContainerStatus.EXITED));

        unset("t1", 1, 12);
        convergeUntil(() -> containers().isEmpty());
        assertThat(reported("t1")).containsExactly("t1/1/running", "t1/1/stopped");
    }

    @Test
    void aStopThatArrivesBeforeTheStartIsSeenStartsNothing() {
        set("t1", 1, DesiredAttempt.Goal.RUN, false, 10);
        set("t1", 1, DesiredAttempt.Goal.STOP, false, 11);

        convergeUntil(() -> reported("t1").contains("t1/1/stopped"));

        assertThat(runtime.created()).isZero();
        convergesToNothingNew();
    }

    @Test
    void aStartAfterAStopOfTheSameAttemptCannotComeFromTheFoldAndIsNotTakenWhenItRepeatsHistory() {
        set("t1", 1, DesiredAttempt.Goal.STOP, false, 11);
        convergeUntil(() -> reported("t1").contains("t1/1/stopped"));

        set("t1", 1, DesiredAttempt.Goal.RUN, false, 10);

        assertThat(desired.attempts().get("t1/1").goal()).isEqualTo(DesiredAttempt.Goal.STOP);
        convergesToNothingNew();
        assertThat(runtime.created()).isZero();
    }

    @Test
    void aSupervisorStartedAgainRunsNothingTwiceAndReportsWhatHappenedWhileItWasAway() {
        set("t1", 1, DesiredAttempt.Goal.RUN, false, 10);
        set("t2", 1, DesiredAttempt.Goal.RUN, false, 11);
        convergeUntil(() -> containers().size() == 2);
        set("t1", 1, DesiredAttempt.Goal.RUN, true, 12);
        set("t2", 1, DesiredAttempt.Goal.RUN, true, 13);
        supervisor.close();

        runtime.exit("t2", 1, 0, false);
        supervisor = newSupervisor();
        convergeUntil(() -> reported("t2").contains("t2/1/completed"));

        assertThat(runtime.created()).as("the running one is taken up again, not started again").isEqualTo(2);
        assertThat(reported("t1")).as("the log already says t1 runs").containsExactly("t1/1/running");
        convergesToNothingNew();
    }

    @Test
    void afterARestartAndARebuildOfTheProjectionAFinishedAttemptIsNeverRunAgain() {
        set("t1", 1, DesiredAttempt.Goal.RUN, false, 10);
        convergeUntil(() -> reported("t1").contains("t1/1/running"));
        runtime.exit("t1", 1, 0, false);
        convergeUntil(() -> reported("t1").contains("t1/1/completed"));
        unset("t1", 1, 20);
        convergeUntil(() -> containers().isEmpty());
        supervisor.close();

        // The worker restarts and reads its partition again: the first projection's records, then a rebuild's.
        DesiredSet reread = new DesiredSet("w1");
        reread.apply(Revision.watermarkKey(0), null, new Revision(0, 20));
        reread.apply("t1/1", new DesiredAttempt("w1", "t1", 1, DesiredAttempt.Goal.RUN, SPEC, false, null), new Revision(0, 10));
        supervisor = newSupervisor();
        int events = log.size();
        await().during(A_WHILE).atMost(A_WHILE.plusSeconds(2)).untilAsserted(() -> {
            supervisor.converge(reread.attempts());
            assertThat(runtime.created()).isEqualTo(1);
            assertThat(log).hasSize(events);
        });
    }

    @Test
    void anAttemptWhoseContainerVanishedIsReportedFailedNotRunASecondTime() {
        set("t1", 1, DesiredAttempt.Goal.RUN, false, 10);
        convergeUntil(() -> reported("t1").contains("t1/1/running"));
        set("t1", 1, DesiredAttempt.Goal.RUN, true, 11);

        runtime.vanish("t1", 1);
        convergeUntil(() -> reported("t1").contains("t1/1/failed"));

        assertThat(((TaskEvent.Failed) log.getLast().data()).reason()).contains("container is gone");
        assertThat(runtime.created()).isEqualTo(1);
        convergesToNothingNew();
    }

    @Test
    void anImageThatCannotBeHadFailsTheAttemptOnceNamingTheImageAndTheWorkerGoesOn() {
        runtime.missingImages().add("cube/nope:1");
        desired.apply("t1/1", new DesiredAttempt("w1", "t1", 1, DesiredAttempt.Goal.RUN,
                TaskSpec.of(null, "cube/nope:1", List.of("true")), false, null), new Revision(0, 10));
        set("t2", 1, DesiredAttempt.Goal.RUN, false, 11);

        convergeUntil(() -> reported("t1").contains("t1/1/failed") && reported("t2").contains("t2/1/running"));

        assertThat(((TaskEvent.Failed) log.stream().filter(e -> e.subject().equals("t1")).findFirst().orElseThrow().data()).reason())
                .contains("cube/nope:1");
        convergesToNothingNew();
    }

    @Test
    void aContainerWhoseAttemptLeftTheSetIsRemovedAndALaterAttemptIsLeftRunning() {
        set("t1", 1, DesiredAttempt.Goal.RUN, false, 10);
        convergeUntil(() -> reported("t1").contains("t1/1/running"));

        // Moved: attempt 1 leaves this worker's set and attempt 2 joins it (here, on the same worker).
        unset("t1", 1, 11);
        set("t1", 2, DesiredAttempt.Goal.RUN, false, 12);
        convergeUntil(() -> reported("t1").contains("t1/2/running") && containers().size() == 1);

        assertThat(containers()).singleElement().satisfies(c -> assertThat(c.attempt()).isEqualTo(2));
    }

    @Test
    void whileTheEngineDoesNotAnswerNothingIsDoneAndOnceItAnswersItConverges() {
        runtime.setDown(true);
        set("t1", 1, DesiredAttempt.Goal.RUN, false, 10);

        converge();
        assertThat(supervisor.engineAnswers()).isFalse();
        java.time.Instant since = supervisor.engine().since();
        converge();
        assertThat(supervisor.engine().since()).as("since the first pass that found it down").isEqualTo(since);
        assertThat(runtime.created()).isZero();
        runtime.setDown(false);

        convergeUntil(() -> reported("t1").contains("t1/1/running"));
        assertThat(supervisor.engineAnswers()).isTrue();
        assertThat(supervisor.engine()).isNull();
    }

    @Test
    void startsManyAttemptsAtOnce() {
        for (int i = 0; i < 20; i++) {
            set("t" + i, 1, DesiredAttempt.Goal.RUN, false, 10 + i);
        }

        convergeUntil(() -> log.size() == 20);

        assertThat(runtime.created()).isEqualTo(20);
    }
}
