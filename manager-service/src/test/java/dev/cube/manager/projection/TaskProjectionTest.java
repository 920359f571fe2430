package dev.cube.manager.projection;

import dev.cube.core.placement.EpvmScheduler;
import dev.cube.core.placement.PlacementStage;
import dev.cube.events.CubeEvent;
import dev.cube.events.EventData;
import dev.cube.events.ManagerEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.desired.DesiredAttempt;
import dev.cube.events.desired.Revision;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStatus;
import dev.cube.events.topics.Topics;
import dev.cube.events.wire.CloudEventCodec;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The topology (fold and placement stage) with TopologyTestDriver: fast feedback that the adapters
 * carry out what the core decides, with records stamped in log time as the broker would.
 */
class TaskProjectionTest {

    static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
    static final String APP = "projection-test";
    /** How often the fold writes its batch of outputs here; {@link #pipe} lets that much wall-clock time pass after each record. */
    static final Duration BATCH = Duration.ofMillis(5);

    TopologyTestDriver driver;
    TestInputTopic<String, byte[]> taskEvents;
    TestInputTopic<String, byte[]> workers;
    TestInputTopic<String, byte[]> admin;
    TestOutputTopic<String, byte[]> desired;
    TestOutputTopic<String, byte[]> deadLetters;
    TestOutputTopic<String, byte[]> workersOut;
    KeyValueStore<String, FoldedTask> store;
    Instant now = T0;
    /** Every record piped into or appended to cube.task-events, in order: the log as a broker would keep it. */
    final List<TestRecord<String, byte[]>> log = new ArrayList<>();

    @BeforeEach
    void setUp() {
        start(APP, Map.of());
    }

    private void start(String applicationId, Map<Integer, Long> lastRecordAtStart) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        PlacementStage.Settings settings = new PlacementStage.Settings(Duration.ofSeconds(15), Duration.ofSeconds(5), Duration.ofSeconds(5), 1);
        driver = new TopologyTestDriver(TaskProjection.build(applicationId, settings, new EpvmScheduler(), Duration.ofMillis(500), lastRecordAtStart, BATCH),
                props, T0);
        taskEvents = driver.createInputTopic(Topics.TASK_EVENTS.name(), new StringSerializer(), new ByteArraySerializer());
        workers = driver.createInputTopic(Topics.WORKERS.name(), new StringSerializer(), new ByteArraySerializer());
        admin = driver.createInputTopic(Topics.WORKER_ADMIN.name(), new StringSerializer(), new ByteArraySerializer());
        desired = driver.createOutputTopic(Topics.DESIRED_ATTEMPTS.name(), new StringDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(), new StringDeserializer(), new ByteArrayDeserializer());
        workersOut = driver.createOutputTopic(Topics.WORKERS.name(), new StringDeserializer(), new ByteArrayDeserializer());
        store = driver.getKeyValueStore(TaskProjection.TASK_STATE_STORE);
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void aSubmittedTaskIsScheduledOnAWorkerWithRoomAndJoinsThatWorkersDesiredSet() {
        heartbeat("w1", 2, 1024);

        submit("t1", 1, 256, TaskSpec.RestartPolicy.NEVER);

        assertThat(state("t1").state()).isEqualTo(TaskStatus.Scheduled);
        assertThat(state("t1").workerId()).isEqualTo("w1");
        TestRecord<String, byte[]> record = desired.readRecord();
        assertThat(record.key()).isEqualTo("t1/1");
        assertThat(Revision.parse(record.headers().lastHeader(Revision.HEADER).value())).isNotNull();
        DesiredAttempt attempt = desiredValue(record);
        assertThat(attempt.workerId()).isEqualTo("w1");
        assertThat(attempt.goal()).isEqualTo(DesiredAttempt.Goal.RUN);
        assertThat(attempt.started()).isFalse();
        assertThat(attempt.spec().image()).isEqualTo("cube/busybox:local");
        assertThat(scheduledIds("t1")).containsExactly("t1/1/scheduled");
    }

    @Test
    void theWorkersReportsRunThenEndTheAttemptAndItLeavesTheDesiredSetWithAWatermark() {
        heartbeat("w1", 2, 1024);
        submit("t1", 1, 256, TaskSpec.RestartPolicy.NEVER);
        desired.readRecordsToList();

        report("t1", new TaskEvent.Running("w1", 1, "c-1", List.of()));
        report("t1", new TaskEvent.Completed(1, 0));

        List<TestRecord<String, byte[]>> records = desired.readRecordsToList();
        assertThat(records).extracting(TestRecord::key).containsExactly("t1/1", "t1/1", Revision.watermarkKey(0));
        assertThat(desiredValue(records.get(0)).started()).isTrue();
        assertThat(records.get(1).value()).as("a tombstone").isNull();
        assertThat(Revision.parse(records.get(2).value())).isEqualTo(Revision.parse(records.get(1).headers().lastHeader(Revision.HEADER).value()));
        assertThat(state("t1").state()).isEqualTo(TaskStatus.Completed);
    }

    @Test
    void aStopRequestTurnsTheDesiredAttemptToStop() {
        heartbeat("w1", 2, 1024);
        submit("t1", 1, 256, TaskSpec.RestartPolicy.NEVER);
        report("t1", new TaskEvent.Running("w1", 1, "c-1", List.of()));
        desired.readRecordsToList();

        send(event("t1", new TaskEvent.StopRequested("no longer needed")));

        DesiredAttempt stop = desiredValue(desired.readRecord());
        assertThat(stop.goal()).isEqualTo(DesiredAttempt.Goal.STOP);
        assertThat(state("t1").desiredState()).isEqualTo(dev.cube.events.state.DesiredState.Stopped);
    }

    @Test
    void aTaskThatFitsNowhereWaitsWithAReasonAndIsPlacedWhenABiggerWorkerJoins() {
        heartbeat("small", 1, 128);

        submit("t1", 2, 1024, TaskSpec.RestartPolicy.NEVER);

        assertThat(state("t1").state()).isEqualTo(TaskStatus.Pending);
        assertThat(state("t1").reason()).contains("no worker has room for 2 cpu, 1024 MB memory").contains("small");

        heartbeat("big", 4, 4096);
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        assertThat(state("t1").state()).isEqualTo(TaskStatus.Scheduled);
        assertThat(state("t1").workerId()).isEqualTo("big");
    }

    @Test
    void manyTasksAtOnceNeverOvercommitAWorkerAndWaitingOnesArePlacedWhenRoomIsFreed() {
        heartbeat("w1", 2, 4096);
        heartbeat("w2", 2, 4096);

        for (int i = 0; i < 10; i++) {
            submit("t" + i, 1, 256, TaskSpec.RestartPolicy.NEVER);
        }

        List<TaskState> scheduled = tasksIn(TaskStatus.Scheduled);
        assertThat(scheduled).hasSize(4);
        assertThat(scheduled).filteredOn(t -> t.workerId().equals("w1")).hasSize(2);
        assertThat(tasksIn(TaskStatus.Pending)).hasSize(6);

        TaskState done = scheduled.getFirst();
        report(done.id(), new TaskEvent.Running(done.workerId(), 1, "c", List.of()));
        report(done.id(), new TaskEvent.Completed(1, 0));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        assertThat(tasksIn(TaskStatus.Scheduled)).hasSize(4);
        assertThat(tasksIn(TaskStatus.Pending)).hasSize(5);
    }

    @Test
    void onFailureRestartsAFailedTaskAsANewAttemptOnceItsBackoffHasPassedInLogTime() {
        heartbeat("w1", 2, 1024);
        submit("t1", 1, 256, new TaskSpec.RestartPolicy(TaskSpec.RestartPolicy.Mode.ON_FAILURE, 3, 2));
        report("t1", new TaskEvent.Running("w1", 1, "c-1", List.of()));
        report("t1", new TaskEvent.Failed(1, 1, "exited with code 1", false));

        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(state("t1").state()).isEqualTo(TaskStatus.Failed);

        ticks(3, "w1");
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(state("t1").state()).isEqualTo(TaskStatus.Scheduled);
        assertThat(state("t1").attempt()).isEqualTo(2);
    }

    @Test
    void aSilentWorkerIsDeclaredLostInLogTimeAndItsTaskRestartsElsewhere() {
        heartbeat("w1", 2, 1024);
        submit("t1", 1, 256, new TaskSpec.RestartPolicy(TaskSpec.RestartPolicy.Mode.ON_FAILURE, 3, 0));
        heartbeat("w2", 2, 1024);
        report("t1", new TaskEvent.Running("w1", 1, "c-1", List.of()));
        assertThat(state("t1").workerId()).isEqualTo("w1");
        workersOut.readRecordsToList();

        ticks(21, "w2");
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        assertThat(state("t1").state()).isEqualTo(TaskStatus.Scheduled);
        assertThat(state("t1").attempt()).isEqualTo(2);
        assertThat(state("t1").workerId()).isEqualTo("w2");
        assertThat(workersOut.readRecordsToList()).extracting(r -> CloudEventCodec.decode(r.value()).data())
                .filteredOn(data -> data instanceof WorkerEvent.Lost).singleElement()
                .satisfies(data -> assertThat(((WorkerEvent.Lost) data).workerId()).isEqualTo("w1"));
        assertThat(desired.readRecordsToList()).extracting(TestRecord::key).contains("t1/1", "t1/2");
    }

    @Test
    void noWorkerIsLostWhileTheLogIsSilentNorRightAfterTheSilence() {
        heartbeat("w1", 2, 1024);
        submit("t1", 1, 256, TaskSpec.RestartPolicy.NEVER);
        report("t1", new TaskEvent.Running("w1", 1, "c-1", List.of()));

        now = now.plusSeconds(60);
        tick();
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        heartbeat("w1", 2, 1024);

        assertThat(state("t1").state()).isEqualTo(TaskStatus.Running);
        assertThat(workersOut.readRecordsToList()).extracting(r -> CloudEventCodec.decode(r.value()).data())
                .noneMatch(data -> data instanceof WorkerEvent.Lost);
    }

    @Test
    void drainingAWorkerMovesItsTaskAndNothingNewLandsThere() {
        heartbeat("w1", 2, 1024);
        submit("t1", 1, 256, TaskSpec.RestartPolicy.NEVER);
        report("t1", new TaskEvent.Running("w1", 1, "c-1", List.of()));
        heartbeat("w2", 2, 1024);

        pipe(admin, "w1", event("w1", new WorkerEvent.Draining("w1", "upgrade")));
        submit("t2", 1, 256, TaskSpec.RestartPolicy.NEVER);

        assertThat(state("t1").attempt()).isEqualTo(2);
        assertThat(state("t1").workerId()).isEqualTo("w2");
        assertThat(state("t2").workerId()).isEqualTo("w2");
    }

    @Test
    void aWorkerWhoseEngineDoesNotAnswerTakesNoNewWorkKeepsWhatItRunsAndTakesWorkAgainOnceItAnswers() {
        heartbeat("w1", 2, 1024);
        submit("t1", 1, 256, TaskSpec.RestartPolicy.NEVER);
        report("t1", new TaskEvent.Running("w1", 1, "c-1", List.of()));

        for (int i = 0; i < 30; i++) {
            now = now.plusSeconds(1);
            engineDownHeartbeat("w1");
            tick();
            if (i == 0) {
                submit("t2", 0.5, 128, TaskSpec.RestartPolicy.NEVER);
            }
        }

        assertThat(state("t2").state()).isEqualTo(TaskStatus.Pending);
        assertThat(state("t2").reason()).contains("the container engine of worker w1 does not answer");
        assertThat(state("t1").state()).as("what runs there stays").isEqualTo(TaskStatus.Running);
        assertThat(state("t1").attempt()).isEqualTo(1);
        assertThat(log.stream().map(r -> CloudEventCodec.decode(r.value()).data())).as("the worker is alive: nothing is lost")
                .noneMatch(data -> data instanceof TaskEvent.Lost || data instanceof WorkerEvent.Lost);

        heartbeat("w1", 2, 1024);
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        assertThat(state("t2").state()).isEqualTo(TaskStatus.Scheduled);
        assertThat(state("t2").workerId()).isEqualTo("w1");
        assertThat(scheduledIds("t1")).containsExactly("t1/1/scheduled");
    }

    @Test
    void aProjectionFoldingTheSameLogAgainEndsWithTheSameDesiredRecordsAtTheSameRevisionsAndDecidesNothing() {
        oneTaskFinishedAndOneRunning();
        List<TestRecord<String, byte[]>> live = desired.readRecordsToList();
        List<TestRecord<String, byte[]>> history = List.copyOf(log);
        driver.close();

        start(APP + "-rebuilt", Map.of(0, (long) history.size() - 1));
        heartbeat("w1", 2, 1024);
        history.forEach(record -> taskEvents.pipeInput(record));
        settle();
        List<TestRecord<String, byte[]>> rebuilt = desired.readRecordsToList();

        assertThat(desiredSet(rebuilt)).as("what a worker reading only the rebuilt records ends with").isEqualTo(desiredSet(live));
        assertThat(describe(live)).as("nothing the live projection did not write, at the same revision: a worker that read both takes nothing new")
                .containsAll(describe(rebuilt));
        assertThat(rebuilt.size()).as("the whole history in one batch: its final word per key, not every step").isLessThan(live.size());
        assertThat(state("t1").state()).isEqualTo(TaskStatus.Completed);
        assertThat(state("t2").state()).isEqualTo(TaskStatus.Running);
        assertThat(driver.createOutputTopic(Topics.TASK_EVENTS.name(), new StringDeserializer(), new ByteArrayDeserializer()).readRecordsToList())
                .as("the rebuild appended no decision").isEmpty();
    }

    @Test
    void aRebuildReadingHistoryOneRecordAtATimeWritesEachTaskOnceAndTellsNoWorkerOfAFinishedOne() {
        oneTaskFinishedAndOneRunning();
        Map<String, String> live = desiredSet(desired.readRecordsToList());
        List<TestRecord<String, byte[]>> history = List.copyOf(log);
        driver.close();

        start(APP + "-rebuilt", Map.of(0, (long) history.size() - 1));
        heartbeat("w1", 2, 1024);
        TestOutputTopic<String, byte[]> states = driver.createOutputTopic(Topics.TASK_STATE.name(), new StringDeserializer(), new ByteArrayDeserializer());
        for (TestRecord<String, byte[]> record : history.subList(0, history.size() - 1)) {
            taskEvents.pipeInput(record);
            settle(); // the batch timer fires between records, as when the stream thread reads slowly
        }
        assertThat(states.readRecordsToList()).as("nothing written while the partition catches up, under a second").isEmpty();
        assertThat(desired.readRecordsToList()).isEmpty();
        assertThat(state("t1").state()).as("but the store, which reads use, is up to date").isEqualTo(TaskStatus.Completed);

        taskEvents.pipeInput(history.getLast());
        settle();
        assertThat(states.readRecordsToList()).extracting(TestRecord::key).as("caught up: each task's state once").containsExactlyInAnyOrder("t1", "t2");
        List<TestRecord<String, byte[]>> rebuilt = desired.readRecordsToList();
        assertThat(rebuilt).extracting(TestRecord::key).as("the finished t1 tells its worker nothing").noneMatch(key -> key.startsWith("t1/"));
        assertThat(desiredSet(rebuilt)).isEqualTo(live);
    }

    @Test
    void aTaskChangedSeveralTimesWithinABatchWritesItsOutputsOnceAndAtTheRevisionOfItsLastChange() {
        heartbeat("w1", 2, 1024);
        submit("t1", 1, 256, TaskSpec.RestartPolicy.NEVER);
        desired.readRecordsToList();
        long before = log.size();

        String id = "t1";
        for (TaskEvent data : List.of(new TaskEvent.Running("w1", 1, "c-1", List.of()), new TaskEvent.Completed(1, 0))) {
            String kind = CubeEvent.of("/x", id, now, data).type().typeName().substring("dev.cube.task.".length());
            TestRecord<String, byte[]> record = new TestRecord<>(id, CloudEventCodec.encode(
                    CubeEvent.withDerivedId(id + "/1/" + kind, "/cube/worker/w", id, now, data)), now);
            log.add(record);
            taskEvents.pipeInput(record);
        }
        assertThat(desired.readRecordsToList()).as("nothing before the batch is written").isEmpty();
        settle();

        List<TestRecord<String, byte[]>> records = desired.readRecordsToList();
        assertThat(records).extracting(TestRecord::key).containsExactly("t1/1", Revision.watermarkKey(0));
        assertThat(records.getFirst().value()).as("the attempt ended: a tombstone, not the started attempt first").isNull();
        assertThat(Revision.parse(records.getFirst().headers().lastHeader(Revision.HEADER).value()).offset())
                .as("the offset of the completed event").isEqualTo(before + 1);
        assertThat(state("t1").state()).isEqualTo(TaskStatus.Completed);
    }

    @Test
    void aRejectedTransitionGoesToTheDeadLetterTopicAndLeavesTheStateAlone() {
        submit("t1", 1, 256, TaskSpec.RestartPolicy.NEVER);

        send(event("t1", new TaskEvent.Completed(1, 0)));

        assertThat(state("t1").state()).isEqualTo(TaskStatus.Pending);
        String reason = new String(deadLetters.readRecord().headers().lastHeader(Topics.DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8);
        assertThat(reason).contains("rejected dev.cube.task.completed");
    }

    @Test
    void aRecordOnTheWorkersTopicThatIsNoWorkerEventIsADeadLetterAndTheStageGoesOn() {
        pipe(workers, "w1", event("w1", new TaskEvent.StopRequested(null)));
        heartbeat("w1", 2, 1024);
        submit("t1", 1, 256, TaskSpec.RestartPolicy.NEVER);

        String reason = new String(deadLetters.readRecord().headers().lastHeader(Topics.DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8);
        assertThat(reason).contains("does not belong on cube.workers");
        assertThat(state("t1").state()).isEqualTo(TaskStatus.Scheduled);
    }

    // ---- helpers ----

    /** A live history: t1 submitted, run and completed on w1; t2 submitted and running there. */
    private void oneTaskFinishedAndOneRunning() {
        heartbeat("w1", 2, 1024);
        submit("t1", 1, 256, TaskSpec.RestartPolicy.NEVER);
        report("t1", new TaskEvent.Running("w1", 1, "c-1", List.of()));
        report("t1", new TaskEvent.Completed(1, 0));
        submit("t2", 1, 256, TaskSpec.RestartPolicy.NEVER);
        report("t2", new TaskEvent.Running("w1", 1, "c-2", List.of()));
    }

    private void heartbeat(String id, double cpu, long memory) {
        pipe(workers, id, event(id, new WorkerEvent.Heartbeat(id, "host-" + id, new WorkerEvent.Capacity(cpu, memory, 100_000), T0)));
    }

    private void engineDownHeartbeat(String id) {
        pipe(workers, id, event(id, new WorkerEvent.Heartbeat(id, "host-" + id, new WorkerEvent.Capacity(2, 1024, 100_000), T0, null,
                WorkerEvent.Engine.unreachable(T0, "No Docker engine answers at unix:///var/run/docker.sock"))));
    }

    private void tick() {
        String key = Topics.tickKey(APP);
        pipe(workers, key, new CubeEvent(UUID.randomUUID().toString(), "/cube/manager", key, now, 1, new ManagerEvent.Tick(APP)));
    }

    /** {@code seconds} seconds of log time: a tick each second, and the heartbeats of {@code heartbeating}. */
    private void ticks(int seconds, String... heartbeating) {
        for (int i = 0; i < seconds; i++) {
            now = now.plusSeconds(1);
            for (String worker : heartbeating) {
                heartbeat(worker, 2, 1024);
            }
            tick();
        }
    }

    private void submit(String id, double cpu, long memory, TaskSpec.RestartPolicy restart) {
        TaskSpec spec = new TaskSpec(null, "cube/busybox:local", List.of("sleep", "30"), null, cpu, memory, null, null, restart, null, null);
        send(event(id, new TaskEvent.Submitted(spec)));
    }

    private void report(String id, TaskEvent data) {
        String kind = CubeEvent.of("/x", id, now, data).type().typeName().substring("dev.cube.task.".length());
        int attempt = ((TaskEvent.AttemptReport) data).attempt();
        send(CubeEvent.withDerivedId(id + "/" + attempt + "/" + kind, "/cube/worker/w", id, now, data));
    }

    private void send(CubeEvent event) {
        pipe(taskEvents, event.subject(), event);
    }

    private void pipe(TestInputTopic<String, byte[]> topic, String key, CubeEvent event) {
        now = now.plusMillis(10);
        TestRecord<String, byte[]> record = new TestRecord<>(key, CloudEventCodec.encode(event), now);
        if (topic == taskEvents) {
            log.add(record);
        }
        topic.pipeInput(record);
        settle();
    }

    /**
     * Lets the fold write its batches as the live loop would for records read one at a time: its outputs
     * reach the placement stage, whose decisions are folded and written in turn. What the stage appended
     * to cube.task-events is on the log too (TopologyTestDriver folds it at once).
     */
    private void settle() {
        for (int i = 0; i < 3; i++) {
            driver.advanceWallClockTime(BATCH);
        }
        driver.createOutputTopic(Topics.TASK_EVENTS.name(), new StringDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList().forEach(appended -> log.add(new TestRecord<>(appended.key(), appended.value(), appended.getRecordTime())));
    }

    private CubeEvent event(String subject, EventData data) {
        return CubeEvent.of("/test", subject, now, data);
    }

    private TaskState state(String id) {
        FoldedTask folded = store.get(id);
        return folded == null ? null : folded.state();
    }

    private List<TaskState> tasksIn(TaskStatus status) {
        List<TaskState> out = new ArrayList<>();
        try (var all = store.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value.state().state() == status) {
                    out.add(entry.value.state());
                }
            });
        }
        return out;
    }

    private List<String> scheduledIds(String task) {
        return log.stream().map(r -> CloudEventCodec.decode(r.value()))
                .filter(e -> e.subject().equals(task) && e.data() instanceof TaskEvent.Scheduled).map(CubeEvent::id).toList();
    }

    private static DesiredAttempt desiredValue(TestRecord<String, byte[]> record) {
        return Topics.DESIRED_ATTEMPTS.valueSerde().deserializer().deserialize(Topics.DESIRED_ATTEMPTS.name(), record.value());
    }

    /** The attempts a worker holds after reading {@code records}: each key's last record, when it is not a tombstone or a watermark. */
    private static Map<String, String> desiredSet(List<TestRecord<String, byte[]>> records) {
        Map<String, String> latest = new java.util.TreeMap<>();
        for (TestRecord<String, byte[]> r : records) {
            if (!Revision.isWatermarkKey(r.key())) {
                latest.put(r.key(), describe(r));
            }
        }
        latest.values().removeIf(described -> described.endsWith(" tombstone"));
        return latest;
    }

    private static List<String> describe(List<TestRecord<String, byte[]>> records) {
        return records.stream().map(TaskProjectionTest::describe).toList();
    }

    private static String describe(TestRecord<String, byte[]> r) {
        return r.key() + " " + new String(r.headers().lastHeader(Revision.HEADER).value(), StandardCharsets.UTF_8)
                + " " + (r.value() == null ? "tombstone" : new String(r.value(), StandardCharsets.UTF_8));
    }
}
