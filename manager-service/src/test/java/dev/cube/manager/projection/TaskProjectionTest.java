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
import dev.cube.manager.scheduling.WorkerInfo;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The projection's topology with TopologyTestDriver: fast feedback on folding, placing and ordering. */
class TaskProjectionTest {

    static final Instant T0 = Instant.parse("2026-01-31T12:00:00Z");

    final List<WorkerInfo> live = new CopyOnWriteArrayList<>();
    TopologyTestDriver driver;
    TestInputTopic<String, byte[]> taskEvents;
    TestOutputTopic<String, byte[]> appended;
    TestOutputTopic<String, byte[]> assignments;
    TestOutputTopic<String, byte[]> deadLetters;
    KeyValueStore<String, TaskState> store;

    @BeforeEach
    void setUp() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "projection-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(TaskProjection.build(() -> List.copyOf(live), Clock.systemUTC(), Duration.ofMillis(500), 1), props);
        taskEvents = driver.createInputTopic(Topics.TASK_EVENTS.name(), new StringSerializer(), new ByteArraySerializer());
        appended = driver.createOutputTopic(Topics.TASK_EVENTS.name(), new StringDeserializer(), new ByteArrayDeserializer());
        assignments = driver.createOutputTopic(Topics.ASSIGNMENTS.name(), new StringDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(), new StringDeserializer(), new ByteArrayDeserializer());
        store = driver.getKeyValueStore(TaskProjection.TASK_STATE_STORE);
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void aSubmittedTaskIsScheduledOnALiveWorkerAndTheWorkerGetsAStartOrder() {
        live.add(worker("w1"));

        send(submitted("t1"));

        assertThat(store.get("t1").state()).isEqualTo(TaskStatus.Scheduled);
        assertThat(store.get("t1").workerId()).isEqualTo("w1");
        CubeEvent scheduled = CloudEventCodec.decode(appended.readValue());
        assertThat(scheduled.data()).isEqualTo(new TaskEvent.Scheduled("w1", 1));
        KeyValue<String, byte[]> order = assignments.readKeyValue();
        assertThat(order.key).isEqualTo("w1");
        AssignmentEvent.Start start = (AssignmentEvent.Start) CloudEventCodec.decode(order.value).data();
        assertThat(start.taskId()).isEqualTo("t1");
        assertThat(start.attempt()).isEqualTo(1);
        assertThat(start.spec().image()).isEqualTo("cube/busybox:local");
    }

    @Test
    void theManagersOwnDecisionComingBackFromTheLogChangesNothing() {
        live.add(worker("w1"));
        send(submitted("t1"));
        byte[] scheduled = appended.readValue();
        assignments.readValuesToList();

        taskEvents.pipeInput("t1", scheduled);

        assertThat(store.get("t1").eventCount()).isEqualTo(2);
        assertThat(assignments.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void roundRobinSpreadsTasksOverLiveWorkersInTurn() {
        live.add(worker("w2"));
        live.add(worker("w1"));

        List<String> placed = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            send(submitted("t" + i));
            placed.add(assignments.readKeyValue().key);
        }

        assertThat(placed).containsExactly("w1", "w2", "w1", "w2");
    }

    @Test
    void aTaskWithNoLiveWorkerWaitsWithAReasonAndIsPlacedWhenOneJoins() {
        send(submitted("t1"));
        assertThat(store.get("t1").state()).isEqualTo(TaskStatus.Pending);
        assertThat(store.get("t1").reason()).contains("no live worker");
        assertThat(assignments.isEmpty()).isTrue();

        live.add(worker("w1"));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        assertThat(store.get("t1").state()).isEqualTo(TaskStatus.Scheduled);
        assertThat(assignments.readKeyValue().key).isEqualTo("w1");
    }

    @Test
    void aStopRequestForARunningTaskOrdersItsWorkerToStopIt() {
        live.add(worker("w1"));
        send(submitted("t1"));
        assignments.readValuesToList();
        send(event("t1", new TaskEvent.Running("w1", 1, "c-1", List.of())));

        send(event("t1", new TaskEvent.StopRequested("enough")));

        KeyValue<String, byte[]> order = assignments.readKeyValue();
        assertThat(order.key).isEqualTo("w1");
        assertThat(CloudEventCodec.decode(order.value).data()).isEqualTo(new AssignmentEvent.Stop("w1", "t1", 1, "stop requested"));
        assertThat(store.get("t1").state()).isEqualTo(TaskStatus.Running);
        assertThat(store.get("t1").desiredState().name()).isEqualTo("Stopped");
    }

    @Test
    void aRejectedTransitionGoesToTheDeadLetterTopicAndLeavesTheStateAlone() {
        send(submitted("t1"));

        send(event("t1", new TaskEvent.Completed(1, 0)));

        KeyValue<String, byte[]> dead = deadLetters.readKeyValue();
        assertThat(dead.key).isEqualTo("t1");
        assertThat(new String(deadLetters.getQueueSize() >= 0 ? dead.value : null)).contains("dev.cube.task.completed");
        assertThat(store.get("t1").state()).isEqualTo(TaskStatus.Pending);
    }

    @Test
    void aRecordWhoseKeyIsNotItsSubjectIsADeadLetter() {
        taskEvents.pipeInput("other-key", CloudEventCodec.encode(submitted("t1")));

        assertThat(deadLetters.readKeyValue().key).isEqualTo("other-key");
        assertThat(store.get("t1")).isNull();
    }

    private void send(CubeEvent event) {
        taskEvents.pipeInput(event.subject(), CloudEventCodec.encode(event));
    }

    private static CubeEvent submitted(String id) {
        return event(id, new TaskEvent.Submitted(TaskSpec.of("t", "cube/busybox:local", List.of("true"))));
    }

    private static CubeEvent event(String id, TaskEvent data) {
        return CubeEvent.of("/tests", id, T0, data);
    }

    private static WorkerInfo worker(String id) {
        return new WorkerInfo(id, "localhost", new WorkerEvent.Capacity(2, 4096, 10_000), T0, Instant.now(), false);
    }
}
