package dev.cube.manager.projection;

import dev.cube.core.placement.EpvmScheduler;
import dev.cube.core.placement.PlacementStage;
import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.origin.OriginCheck;
import dev.cube.events.origin.OriginProof;
import dev.cube.events.origin.SigningSerializer;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStatus;
import dev.cube.events.topics.Topics;
import dev.cube.events.topics.Topics.DeadLetterHeaders;
import dev.cube.core.worker.WorkerState;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
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
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may say what, on the topology with a cluster secret: the manager's decisions and a worker's own
 * records carry origin proofs and are folded; what a submitter forges (a placement, a worker's report,
 * a heartbeat, a tombstone on cube.workers) is dead-lettered with the reason, and changes nothing.
 */
class OriginProofTopologyTest {

    static final String SECRET = "a-cluster-secret-for-tests-only";
    static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
    static final Duration BATCH = Duration.ofMillis(5);

    TopologyTestDriver driver;
    TestInputTopic<String, byte[]> taskEvents;
    TestInputTopic<String, byte[]> workers;
    TestOutputTopic<String, byte[]> deadLetters;
    KeyValueStore<String, FoldedTask> store;
    KeyValueStore<String, WorkerState> workerStore;
    Instant now = T0;

    final Serializer<CubeEvent> unsigned = Topics.TASK_EVENTS.valueSerde().serializer();
    final Serializer<CubeEvent> w1 = SigningSerializer.asWorker(unsigned, "w1", OriginProof.encodeKey(OriginProof.workerKey(SECRET, "w1")));
    final Serializer<CubeEvent> w2 = SigningSerializer.asWorker(unsigned, "w2", OriginProof.encodeKey(OriginProof.workerKey(SECRET, "w2")));

    @BeforeEach
    void setUp() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "origin-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        PlacementStage.Settings settings = new PlacementStage.Settings(Duration.ofSeconds(15), Duration.ofSeconds(5), Duration.ofSeconds(5), 1);
        driver = new TopologyTestDriver(TaskProjection.build("origin-test", settings, new EpvmScheduler(), Duration.ofMillis(500), Map.of(), BATCH,
                ProjectionObserver.NONE, Duration.ZERO, OriginCheck.withSecret(SECRET)), props, T0);
        taskEvents = driver.createInputTopic(Topics.TASK_EVENTS.name(), new StringSerializer(), new ByteArraySerializer());
        workers = driver.createInputTopic(Topics.WORKERS.name(), new StringSerializer(), new ByteArraySerializer());
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(), new StringDeserializer(), new ByteArrayDeserializer());
        store = driver.getKeyValueStore(TaskProjection.TASK_STATE_STORE);
        workerStore = driver.getKeyValueStore(TaskProjection.WORKERS_STORE);
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void aTaskRunsOnAProvenWorkerThroughTheManagersSignedPlacement() {
        heartbeat("w1", w1);
        submit("t1");

        assertThat(state("t1").state()).as("the stage's signed scheduled event was folded").isEqualTo(TaskStatus.Scheduled);
        pipe(taskEvents, "t1", report("t1", new TaskEvent.Running("w1", 1, "c-1", List.of())), w1);
        pipe(taskEvents, "t1", report("t1", new TaskEvent.Completed(1, 0)), w1);

        assertThat(state("t1").state()).isEqualTo(TaskStatus.Completed);
        assertThat(deadLetters.readRecordsToList()).isEmpty();
    }

    @Test
    void aForgedPlacementIsDeadLetteredAndTheTaskStaysPending() {
        submit("t1");

        pipe(taskEvents, "t1", CubeEvent.withDerivedId("t1/1/scheduled", "/cube/scheduler", "t1", now, new TaskEvent.Scheduled("w9", 1)), unsigned);

        assertThat(state("t1").state()).isEqualTo(TaskStatus.Pending);
        TestRecord<String, byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead, DeadLetterHeaders.FIELD)).isEqualTo(OriginProof.ORIGIN_HEADER);
        assertThat(header(dead, DeadLetterHeaders.REASON)).contains("dev.cube.task.scheduled is written by the manager only")
                .contains("no origin proof");
    }

    @Test
    void aReportSignedByAnotherWorkerThanTheAttemptsIsRefused() {
        heartbeat("w1", w1);
        submit("t1");
        pipe(taskEvents, "t1", report("t1", new TaskEvent.Running("w1", 1, "c-1", List.of())), w1);

        pipe(taskEvents, "t1", report("t1", new TaskEvent.Failed(1, 1, "forged", false)), w2);
        pipe(taskEvents, "t1", report("t1", new TaskEvent.Completed(1, 0)), unsigned);

        assertThat(state("t1").state()).isEqualTo(TaskStatus.Running);
        assertThat(deadLetters.readRecordsToList()).extracting(r -> header(r, DeadLetterHeaders.REASON))
                .containsExactly(
                        "refused dev.cube.task.failed t1/1/failed: dev.cube.task.failed is written by the worker of the task's attempt (w1) only, and this record is worker w2's",
                        "refused dev.cube.task.completed t1/1/completed: dev.cube.task.completed is written by the worker of the task's attempt (w1) only, and it carries no origin proof (headers cube.origin and cube.proof)");
    }

    @Test
    void aProofCopiedOntoAnotherRecordDoesNotMatch() {
        submit("t1");
        RecordHeaders stolen = new RecordHeaders();
        w1.serialize(Topics.WORKERS.name(), stolen, heartbeatEvent("w1"));
        CubeEvent real = heartbeatEvent("w1");
        byte[] forged = unsigned.serialize(Topics.WORKERS.name(), CubeEvent.of(real.source(), "w1", now, new WorkerEvent.Heartbeat("w1", "localhost",
                new WorkerEvent.Capacity(1_000, 1_000_000, 10_000), T0, null)));

        workers.pipeInput(new TestRecord<>("w1", forged, stolen, next()));
        settle();

        assertThat(workerStore.get("w1")).as("the forged heartbeat made no worker").isNull();
        assertThat(header(deadLetters.readRecord(), DeadLetterHeaders.REASON)).contains("its origin proof does not match 'worker/w1'");
        assertThat(state("t1").state()).isEqualTo(TaskStatus.Pending);
    }

    @Test
    void aHeartbeatSignedByAnotherWorkerAndATombstoneOnCubeWorkersAreDeadLettered() {
        heartbeat("w1", w1);

        pipe(workers, "w3", heartbeatEvent("w3"), w2);
        workers.pipeInput(new TestRecord<>("w1", null, next()));
        settle();

        assertThat(workerStore.get("w3")).isNull();
        assertThat(workerStore.get("w1")).as("the tombstone removed nothing").isNotNull();
        assertThat(deadLetters.readRecordsToList()).extracting(r -> header(r, DeadLetterHeaders.REASON))
                .satisfiesExactly(
                        reason -> assertThat(reason).contains("written by the worker it names only, and this record is worker w2's"),
                        reason -> assertThat(reason).contains("a tombstone removes nothing"));
    }

    private void heartbeat(String worker, Serializer<CubeEvent> as) {
        pipe(workers, worker, heartbeatEvent(worker), as);
    }

    private CubeEvent heartbeatEvent(String worker) {
        return CubeEvent.of("/cube/worker/" + worker, worker, now, new WorkerEvent.Heartbeat(worker, "localhost",
                new WorkerEvent.Capacity(2, 1024, 10_000), T0, null));
    }

    private void submit(String id) {
        TaskSpec spec = new TaskSpec(null, "cube/busybox:local", List.of("sleep", "30"), null, 1.0, 256L, null, null, TaskSpec.RestartPolicy.NEVER, null, null);
        pipe(taskEvents, id, CubeEvent.of("/test", id, now, new TaskEvent.Submitted(spec)), unsigned);
    }

    private CubeEvent report(String id, TaskEvent data) {
        String kind = CubeEvent.of("/x", id, now, data).type().typeName().substring("dev.cube.task.".length());
        return CubeEvent.withDerivedId(id + "/" + ((TaskEvent.AttemptReport) data).attempt() + "/" + kind, "/cube/worker/w", id, now, data);
    }

    private void pipe(TestInputTopic<String, byte[]> topic, String key, CubeEvent event, Serializer<CubeEvent> as) {
        String name = topic == taskEvents ? Topics.TASK_EVENTS.name() : Topics.WORKERS.name();
        RecordHeaders headers = new RecordHeaders();
        byte[] value = as.serialize(name, headers, event);
        topic.pipeInput(new TestRecord<>(key, value, headers, next()));
        settle();
    }

    private Instant next() {
        now = now.plusMillis(10);
        return now;
    }

    private void settle() {
        for (int i = 0; i < 3; i++) {
            driver.advanceWallClockTime(BATCH);
        }
    }

    private TaskState state(String id) {
        FoldedTask folded = store.get(id);
        return folded == null ? null : folded.state();
    }

    private static String header(TestRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
