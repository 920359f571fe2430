package dev.cube.worker.supervisor;

import dev.cube.events.desired.DesiredAttempt;
import dev.cube.events.desired.Revision;
import dev.cube.events.spec.TaskSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How a worker reads its partition of cube.desired-attempts: latest per key, and nothing twice. */
class DesiredSetTest {

    static final TaskSpec SPEC = TaskSpec.of(null, "cube/busybox:local", List.of("sleep", "30"));

    private final DesiredSet set = new DesiredSet("w1");

    static DesiredAttempt run(String worker, String task, int attempt) {
        return new DesiredAttempt(worker, task, attempt, DesiredAttempt.Goal.RUN, SPEC, false, null);
    }

    @Test
    void takesTheAttemptsThatNameItsWorkerAndNoOthers() {
        assertThat(set.apply("t1/1", run("w1", "t1", 1), new Revision(0, 10))).map(DesiredSet.Change::key).contains("t1/1");
        assertThat(set.apply("t2/1", run("w2", "t2", 1), new Revision(0, 11))).isEmpty();

        assertThat(set.attempts()).containsOnlyKeys("t1/1");
    }

    @Test
    void aTombstoneTakesTheAttemptOut() {
        set.apply("t1/1", run("w1", "t1", 1), new Revision(0, 10));

        assertThat(set.apply("t1/1", null, new Revision(0, 20))).map(DesiredSet.Change::key).contains("t1/1");
        assertThat(set.attempts()).isEmpty();
    }

    @Test
    void aProjectionWritingHistoryAgainChangesNothing() {
        set.apply("t1/1", run("w1", "t1", 1), new Revision(0, 10));
        set.apply("t1/1", null, new Revision(0, 20));

        // A rebuild under a new application id writes the same records at the same revisions.
        assertThat(set.apply("t1/1", run("w1", "t1", 1), new Revision(0, 10))).isEmpty();
        assertThat(set.attempts()).as("the finished attempt is not desired again").isEmpty();
        assertThat(set.apply("t3/1", run("w1", "t3", 1), new Revision(0, 21))).as("what is new is taken").map(DesiredSet.Change::key).contains("t3/1");
    }

    @Test
    void theRecordsOfOneRevisionAreAllTakenAsOneEventOfOneTaskWroteThem() {
        set.apply("t1/1", run("w1", "t1", 1), new Revision(0, 10));

        // The fold writes a task's outputs once per batch: the attempt that ended and the next one, at one revision.
        assertThat(set.apply("t1/1", null, new Revision(0, 30))).map(DesiredSet.Change::key).contains("t1/1");
        assertThat(set.apply("t1/2", run("w1", "t1", 2), new Revision(0, 30))).map(DesiredSet.Change::key).contains("t1/2");
        assertThat(set.attempts()).containsOnlyKeys("t1/2");
        assertThat(set.apply("t1/2", run("w1", "t1", 2), new Revision(0, 30))).as("the same record again").isEmpty();
    }

    @Test
    void aWatermarkKeepsTheRevisionOfATombstoneCompactionDeleted() {
        DesiredSet restarted = new DesiredSet("w1");
        // What survives compaction: the watermark written after the tombstone, then the rebuild's stale record.
        restarted.apply(Revision.watermarkKey(0), null, new Revision(0, 20));

        assertThat(restarted.apply("t1/1", run("w1", "t1", 1), new Revision(0, 10))).isEmpty();
        assertThat(restarted.attempts()).isEmpty();
    }

    @Test
    void revisionsOfDifferentTaskEventPartitionsAreIndependent() {
        set.apply("t1/1", run("w1", "t1", 1), new Revision(0, 500));

        assertThat(set.apply("t2/1", run("w1", "t2", 1), new Revision(1, 3))).map(DesiredSet.Change::key).contains("t2/1");
    }

    @Test
    void aRecordSayingAgainWhatTheSetHoldsIsNoChange() {
        set.apply("t1/1", run("w1", "t1", 1), null);

        assertThat(set.apply("t1/1", run("w1", "t1", 1), null)).isEmpty();
        assertThat(set.apply("t1/1", new DesiredAttempt("w1", "t1", 1, DesiredAttempt.Goal.STOP, SPEC, true, "stop"), null)).map(DesiredSet.Change::key).contains("t1/1");
    }

    @Test
    void aSetOfSeveralWorkersKeepsEachOnesAttemptsApartAndRoutesATombstoneToItsOwner() {
        DesiredSet hollow = new DesiredSet(id -> id.startsWith("h"));
        hollow.apply("t1/1", run("h1", "t1", 1), new Revision(0, 1));
        hollow.apply("t2/1", run("h2", "t2", 1), new Revision(0, 2));

        assertThat(hollow.apply("t2/1", null, new Revision(0, 3))).contains(new DesiredSet.Change("h2", "t2/1"));
        assertThat(hollow.attemptsOf("h1")).containsOnlyKeys("t1/1");
        assertThat(hollow.attemptsOf("h2")).isEmpty();
    }
}
