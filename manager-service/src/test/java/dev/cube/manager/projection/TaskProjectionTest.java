package dev.cube.manager.projection;

import dev.cube.events.AssignmentEvent;
import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStatus;
import dev.cube.events.topics.Topics;
import dev.cube.events.wire.CloudEventCodec;
import dev.cube.manager.scheduling.EpvmScheduler;
import dev.cube.manager.scheduling.WorkerInfo;
import dev.cube.manager.scheduling.WorkerView;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Both stages of the topology (fold and placement) with TopologyTestDriver: fast feedback on decisions. */
class TaskProjectionTest {

    static final Duration LOST_AFTER = Duration.ofSeconds(20);

    final TestClock clock = new TestClock(Instant.parse("2026-01-31T12:00:00Z"));
    final TestWorkers workers = new TestWorkers();
    TopologyTestDriver driver;
    TestInputTopic<String, byte[]> taskEvents;
    TestOutputTopic<String, byte[]> assignments;
    TestOutputTopic<String, byte[]> deadLetters;
    KeyValueStore<String, TaskState> store;

    @BeforeEach
    void setUp() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "projection-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(TaskProjection.build(workers, new EpvmScheduler(), clock, Duration.ofMillis(500), LOST_AFTER, 1),
                props, clock.instant());
        taskEvents = driver.createInputTopic(Topics.TASK_EVENTS.name(), new StringSerializer(), new ByteArraySerializer());
        assignments = driver.createOutputTopic(Topics.ASSIGNMENTS.name(), new StringDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(), new StringDeserializer(), new ByteArrayDeserializer());
        store = driver.getKeyValueStore(TaskProjection.TASK_STATE_STORE);
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void aSubmittedTaskIsScheduledOnAWorkerWithRoomAndThatWorkerGetsAStartOrder() {
        workers.join("w1", 2, 1024);

        send(submitted("t1", 1, 256, TaskSpec.RestartPolicy.NEVER));

        assertThat(state("t1").state()).isEqualTo(TaskStatus.Scheduled);
        assertThat(state("t1").workerId()).isEqualTo("w1");
        KeyValue<String, byte[]> order = assignments.readKeyValue();
        assertThat(order.key).isEqualTo("w1");
        AssignmentEvent.Start start = (AssignmentEvent.Start) CloudEventCodec.decode(order.value).data();
        assertThat(start.taskId()).isEqualTo("t1");
        assertThat(start.attempt()).isEqualTo(1);
        assertThat(start.spec().image()).isEqualTo("cube/busybox:local");
    }

    @Test
    void aTaskTooBigForOneWorkerLandsOnOneWithRoom() {
        workers.join("small", 1, 128);
        workers.join("big", 4, 4096);

        send(submitted("t1", 2, 1024, TaskSpec.RestartPolicy.NEVER));

        assertThat(state("t1").workerId()).isEqualTo("big");
    }

    @Test
    void aTaskThatFitsNowhereWaitsWithAReasonAndIsPlacedWhenABiggerWorkerJoins() {
        workers.join("small", 1, 128);

        send(submitted("t1", 2, 1024, TaskSpec.RestartPolicy.NEVER));

        assertThat(state("t1").state()).isEqualTo(TaskStatus.Pending);
        assertThat(state("t1").reason()).contains("no worker has room for 2 cpu, 1024 MB memory").contains("small");
        assertThat(assignments.isEmpty()).isTrue();

        workers.join("big", 4, 4096);
        tick(Duration.ofSeconds(1));

        assertThat(state("t1").state()).isEqualTo(TaskStatus.Scheduled);
        assertThat(state("t1").workerId()).isEqualTo("big");
    }

    @Test
    void manyTasksAtOnceNeverOvercommitAWorkerAndWaitingOnesArePlacedWhenRoomIsFreed() {
        workers.join("w1", 2, 4096);
        workers.join("w2", 2, 4096);

        for (int i = 0; i < 10; i++) {
            send(submitted("t" + i, 1, 100, TaskSpec.RestartPolicy.NEVER));
        }

        List<TaskState> scheduled = tasksIn(TaskStatus.Scheduled);
        assertThat(scheduled).hasSize(4);
        assertThat(scheduled).extracting(TaskState::workerId).containsOnly("w1", "w2");
        assertThat(scheduled.stream().filter(t -> t.workerId().equals("w1"))).hasSize(2);
        assertThat(tasksIn(TaskStatus.Pending)).hasSize(6).allSatisfy(t -> assertThat(t.reason()).contains("no worker has room"));

        TaskState first = scheduled.getFirst();
        send(event(first.id(), new TaskEvent.Running(first.workerId(), 1, "c", List.of())));
        send(event(first.id(), new TaskEvent.Completed(1, 0)));
        tick(Duration.ofSeconds(1));

        assertThat(tasksIn(TaskStatus.Scheduled)).hasSize(4);
        assertThat(tasksIn(TaskStatus.Pending)).hasSize(5);
    }

    @Test
    void aStopRequestForARunningTaskOrdersItsWorkerToStopIt() {
        workers.join("w1", 2, 1024);
        send(submitted("t1", 1, 100, TaskSpec.RestartPolicy.NEVER));
        assignments.readValuesToList();
        send(event("t1", new TaskEvent.Running("w1", 1, "c-1", List.of())));

        send(event("t1", new TaskEvent.StopRequested("enough")));

        KeyValue<String, byte[]> order = assignments.readKeyValue();
        assertThat(order.key).isEqualTo("w1");
        assertThat(CloudEventCodec.decode(order.value).data()).isEqualTo(new AssignmentEvent.Stop("w1", "t1", 1, "stop requested"));
        assertThat(state("t1").desiredState().name()).isEqualTo("Stopped");
    }

    @Test
    void onFailureRestartsAFailedTaskAsANewAttemptAfterItsBackoff() {
        workers.join("w1", 2, 1024);
        send(submitted("t1", 1, 100, new TaskSpec.RestartPolicy(TaskSpec.RestartPolicy.Mode.ON_FAILURE, 3, 2)));
        send(event("t1", new TaskEvent.Running("w1", 1, "c-1", List.of())));

        send(event("t1", new TaskEvent.Failed(1, 3, "exited with code 3", false)));
        tick(Duration.ofSeconds(1));
        assertThat(state("t1").state()).isEqualTo(TaskStatus.Failed);

        tick(Duration.ofSeconds(2));
        assertThat(state("t1").state()).isEqualTo(TaskStatus.Scheduled);
        assertThat(state("t1").attempt()).isEqualTo(2);
    }

    @Test
    void onFailureDoesNotRestartATaskThatExitedZero() {
        workers.join("w1", 2, 1024);
        send(submitted("t1", 1, 100, new TaskSpec.RestartPolicy(TaskSpec.RestartPolicy.Mode.ON_FAILURE, 3, 0)));
        send(event("t1", new TaskEvent.Running("w1", 1, "c-1", List.of())));

        send(event("t1", new TaskEvent.Completed(1, 0)));
        tick(Duration.ofSeconds(5));

        assertThat(state("t1").state()).isEqualTo(TaskStatus.Completed);
        assertThat(state("t1").attempt()).isEqualTo(1);
    }

    @Test
    void aTaskIsRestartedAtMostMaxRestartsTimesThenStaysFailed() {
        workers.join("w1", 2, 1024);
        send(submitted("t1", 1, 100, new TaskSpec.RestartPolicy(TaskSpec.RestartPolicy.Mode.ON_FAILURE, 2, 0)));

        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(state("t1").attempt()).isEqualTo(attempt);
            send(event("t1", new TaskEvent.Running("w1", attempt, "c-" + attempt, List.of())));
            send(event("t1", new TaskEvent.Failed(attempt, 1, "exited with code 1", false)));
            tick(Duration.ofSeconds(1));
        }

        assertThat(state("t1").state()).isEqualTo(TaskStatus.Failed);
        assertThat(state("t1").attempt()).isEqualTo(3);
    }

    @Test
    void aSilentWorkersTasksAreLostFencedAndRescheduledElsewhere() {
        workers.join("w1", 2, 1024);
        send(submitted("t1", 1, 100, new TaskSpec.RestartPolicy(TaskSpec.RestartPolicy.Mode.ON_FAILURE, 3, 0)));
        send(event("t1", new TaskEvent.Running("w1", 1, "c-1", List.of())));
        assignments.readValuesToList();
        workers.join("w2", 2, 1024);

        workers.silence("w1");
        tick(LOST_AFTER.plusSeconds(1));
        tick(Duration.ofSeconds(1));

        List<KeyValue<String, byte[]>> orders = assignments.readKeyValuesToList();
        assertThat(orders).anySatisfy(order -> {
            assertThat(order.key).isEqualTo("w1");
            assertThat(CloudEventCodec.decode(order.value).data()).isInstanceOf(AssignmentEvent.Stop.class);
        });
        assertThat(state("t1").state()).isEqualTo(TaskStatus.Scheduled);
        assertThat(state("t1").workerId()).isEqualTo("w2");
        assertThat(state("t1").attempt()).isEqualTo(2);
    }

    @Test
    void drainingAWorkerMovesItsRunningTaskAndNothingNewLandsThere() {
        workers.join("w1", 2, 1024);
        send(submitted("t1", 1, 100, new TaskSpec.RestartPolicy(TaskSpec.RestartPolicy.Mode.ALWAYS, 3, 0)));
        send(event("t1", new TaskEvent.Running("w1", 1, "c-1", List.of())));
        workers.join("w2", 2, 1024);
        assignments.readValuesToList();

        workers.drain("w1");
        tick(Duration.ofSeconds(1));
        send(submitted("t2", 1, 100, TaskSpec.RestartPolicy.NEVER));

        assertThat(state("t1").workerId()).isEqualTo("w2");
        assertThat(state("t1").attempt()).isEqualTo(2);
        assertThat(state("t2").workerId()).isEqualTo("w2");
        assertThat(assignments.readKeyValuesToList()).anySatisfy(order -> {
            assertThat(order.key).isEqualTo("w1");
            assertThat(CloudEventCodec.decode(order.value).data()).isEqualTo(new AssignmentEvent.Stop("w1", "t1", 1, "replaced by attempt 2"));
        });
    }

    @Test
    void aRejectedTransitionGoesToTheDeadLetterTopicAndLeavesTheStateAlone() {
        send(submitted("t1", 1, 100, TaskSpec.RestartPolicy.NEVER));

        send(event("t1", new TaskEvent.Completed(1, 0)));

        KeyValue<String, byte[]> dead = deadLetters.readKeyValue();
        assertThat(dead.key).isEqualTo("t1");
        assertThat(state("t1").state()).isEqualTo(TaskStatus.Pending);
    }

    @Test
    void aRecordWhoseKeyIsNotItsSubjectIsADeadLetter() {
        taskEvents.pipeInput("other-key", CloudEventCodec.encode(submitted("t1", 1, 100, TaskSpec.RestartPolicy.NEVER)));

        assertThat(deadLetters.readKeyValue().key).isEqualTo("other-key");
        assertThat(store.get("t1")).isNull();
    }

    private void tick(Duration duration) {
        clock.advance(duration);
        driver.advanceWallClockTime(duration);
    }

    private TaskState state(String id) {
        return store.get(id);
    }

    private List<TaskState> tasksIn(TaskStatus status) {
        List<TaskState> out = new ArrayList<>();
        try (var all = store.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value.state() == status) {
                    out.add(entry.value);
                }
            });
        }
        return out;
    }

    private void send(CubeEvent event) {
        taskEvents.pipeInput(event.subject(), CloudEventCodec.encode(event));
    }

    private CubeEvent submitted(String id, double cpu, long memory, TaskSpec.RestartPolicy restart) {
        return event(id, new TaskEvent.Submitted(new TaskSpec("t", "cube/busybox:local", List.of("true"), null, cpu, memory, null, null,
                restart, null, null)));
    }

    private CubeEvent event(String id, TaskEvent data) {
        return CubeEvent.of("/tests", id, clock.instant(), data);
    }

    /** A clock the test moves, together with the driver's wall-clock time. */
    static final class TestClock extends Clock {
        private Instant now;

        TestClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** Workers as heartbeats would describe them, under the test's control. */
    final class TestWorkers implements WorkerView {
        private final Map<String, WorkerInfo> workers = new ConcurrentHashMap<>();
        private long version;

        void join(String id, double cpu, long memory) {
            workers.put(id, new WorkerInfo(id, "localhost", new WorkerEvent.Capacity(cpu, memory, 100_000), clock.instant(),
                    clock.instant().plus(Duration.ofDays(1)), false, false, null));
            version++;
        }

        void silence(String id) {
            WorkerInfo w = workers.get(id);
            workers.put(id, new WorkerInfo(id, w.address(), w.capacity(), w.startedAt(), clock.instant(), false, false, null));
            version++;
        }

        void drain(String id) {
            WorkerInfo w = workers.get(id);
            workers.put(id, new WorkerInfo(id, w.address(), w.capacity(), w.startedAt(), w.lastSeen(), false, true, null));
            version++;
        }

        @Override
        public boolean caughtUp() {
            return true;
        }

        @Override
        public long version() {
            return version;
        }

        @Override
        public List<WorkerInfo> all() {
            return workers.values().stream().sorted(Comparator.comparing(WorkerInfo::id)).toList();
        }

        @Override
        public Optional<WorkerInfo> get(String id) {
            return Optional.ofNullable(workers.get(id));
        }

        @Override
        public List<WorkerInfo> takingWork() {
            Instant now = clock.instant();
            return all().stream().filter(w -> w.takesWork(now, Duration.ofSeconds(15))).toList();
        }
    }
}
