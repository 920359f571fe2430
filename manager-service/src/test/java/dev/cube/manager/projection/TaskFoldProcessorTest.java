package dev.cube.manager.projection;

import dev.cube.core.task.TaskDecider;
import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.desired.DesiredAttempt;
import dev.cube.events.desired.Revision;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStateMachine;
import dev.cube.events.state.TaskStatus;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** What the fold does when it starts on a store it did not write itself: after a crash, a restart or a move. */
class TaskFoldProcessorTest {

    static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
    static final TaskSpec SPEC = TaskSpec.of(null, "cube/busybox:local", List.of("sleep", "30"));

    MockProcessorContext<String, Object> context;
    KeyValueStore<String, FoldedTask> store;

    @BeforeEach
    void setUp() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "fold-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        context = new MockProcessorContext<>(props, new TaskId(0, 0), new File(System.getProperty("java.io.tmpdir")));
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TaskProjection.TASK_STATE_STORE), Serdes.String(), new FoldedTaskSerde())
                .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
    }

    @Test
    void aTaskWhoseOutputsACommitLeftOwedGetsThemFirstComparedWithWhatWasLastWritten() {
        // The store as a commit inside a batch leaves it: the task placed on w1 was written; then it ran, and that is not written yet.
        TaskState scheduled = fold(null, CubeEvent.of("/t", "t1", T0, new TaskEvent.Submitted(SPEC)),
                CubeEvent.of("/cube/manager", "t1", T0, new TaskEvent.Scheduled("w1", 1)));
        TaskState running = fold(scheduled, CubeEvent.withDerivedId("t1/1/running", "/cube/worker/w1", "t1", T0,
                new TaskEvent.Running("w1", 1, "c-1", List.of())));
        store.put("t1", new FoldedTask(running, 0, 2, T0.toEpochMilli(), 2, TaskDecider.view("t1", scheduled)));
        store.put("t2", new FoldedTask(fold(null, CubeEvent.of("/t", "t2", T0, new TaskEvent.Submitted(SPEC))), 3, 3, T0.toEpochMilli(), -1, null));

        TaskFoldProcessor fold = new TaskFoldProcessor(1, Map.of(0, 3L), Duration.ofMillis(5), ProjectionObserver.NONE, Duration.ZERO);
        context.setCurrentSystemTimeMs(T0.toEpochMilli());
        fold.init(context);
        // The partition is still catching up (its last record at start is offset 3): its batch closes after a second.
        context.scheduledPunctuators().getFirst().getPunctuator().punctuate(T0.plus(TaskFoldProcessor.CATCH_UP_BATCH_TIME).toEpochMilli());

        List<MockProcessorContext.CapturedForward<? extends String, ?>> forwarded = context.forwarded();
        assertThat(forwarded).filteredOn(f -> f.childName().orElseThrow().equals(TaskProjection.DESIRED_SINK))
                .singleElement().satisfies(f -> {
                    DesiredRecord desired = (DesiredRecord) f.record().value();
                    assertThat(desired.key()).isEqualTo("t1/1");
                    assertThat(desired.value().goal()).isEqualTo(DesiredAttempt.Goal.RUN);
                    assertThat(desired.value().started()).as("the running state, owed since before the restart").isTrue();
                    assertThat(new String(f.record().headers().lastHeader(Revision.HEADER).value(), StandardCharsets.UTF_8)).isEqualTo("0:2");
                });
        assertThat(forwarded).filteredOn(f -> f.childName().orElseThrow().equals(TaskProjection.TASK_STATE_SINK))
                .extracting(f -> ((TaskState) f.record().value()).id()).as("only the task that owed outputs").containsExactly("t1");
        assertThat(forwarded).filteredOn(f -> f.childName().orElseThrow().equals(TaskProjection.CONTROL_SINK))
                .as("placed on w1 before and after: the stage was told already").isEmpty();
        assertThat(store.get("t1").owesOutputs()).isFalse();
        assertThat(store.get("t1").state().state()).isEqualTo(TaskStatus.Running);

        context.resetForwards();
        context.scheduledPunctuators().getFirst().getPunctuator().punctuate(T0.toEpochMilli() + 5);
        assertThat(context.forwarded()).as("written once").isEmpty();
    }

    private static TaskState fold(TaskState state, CubeEvent... events) {
        TaskState s = state;
        for (CubeEvent event : events) {
            s = TaskStateMachine.evolve(s, event).state();
        }
        return s;
    }
}
