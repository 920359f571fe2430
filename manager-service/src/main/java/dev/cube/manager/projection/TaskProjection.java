package dev.cube.manager.projection;

import dev.cube.events.state.TaskState;
import dev.cube.events.topics.JsonSerde;
import dev.cube.events.topics.Topics;
import dev.cube.manager.scheduling.WorkerInfo;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The manager's Kafka Streams topology: one processor folds {@code cube.task-events} into the
 * {@code task-state} store with {@link dev.cube.events.state.TaskStateMachine#evolve}, places
 * waiting tasks, and writes what it decides back to the log.
 *
 * <pre>
 * cube.task-events ──▶ task-fold ──▶ cube.task-events   (scheduled, unplaced: the manager's decisions;
 *                         │                              records found on another partition than their key's, copied there)
 *                         │     ├──▶ cube.assignments   (start / stop orders, keyed by worker id)
 *                         │     ├──▶ cube.task-state    (latest state, compacted)
 *                         │     └──▶ cube.dead-letters  (invalid records, rejected events)
 *                  stores: task-state, waiting-tasks, task-first-offsets
 * </pre>
 */
public final class TaskProjection {

    public static final String TASK_STATE_STORE = "task-state";
    public static final String WAITING_TASKS_STORE = "waiting-tasks";
    public static final String FIRST_OFFSETS_STORE = "task-first-offsets";

    static final String SOURCE = "task-events";
    static final String FOLD = "task-fold";
    static final String TASK_EVENTS_SINK = "task-events-sink";
    static final String RELAY_SINK = "task-events-relay-sink";
    static final String ASSIGNMENTS_SINK = "assignments-sink";
    static final String TASK_STATE_SINK = "task-state-sink";
    static final String DEAD_LETTERS_SINK = "dead-letters-sink";

    private TaskProjection() {
    }

    /**
     * @param taskEventPartitions how many partitions {@code cube.task-events} has: a record found on
     *                            another partition than its key's is copied to its key's
     */
    public static Topology build(Supplier<List<WorkerInfo>> liveWorkers, Clock clock, Duration placementInterval, int taskEventPartitions) {
        Topology topology = new Topology();
        topology.addSource(SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), Topics.TASK_EVENTS.name());
        topology.addProcessor(FOLD, () -> new TaskEventProcessor(liveWorkers, clock, placementInterval, taskEventPartitions), SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TASK_STATE_STORE),
                Serdes.String(), new JsonSerde<>(TaskState.class)), FOLD);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WAITING_TASKS_STORE),
                Serdes.String(), Serdes.Long()), FOLD);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FIRST_OFFSETS_STORE),
                Serdes.String(), Serdes.Long()), FOLD);
        topology.addSink(TASK_EVENTS_SINK, Topics.TASK_EVENTS.name(), new StringSerializer(),
                Topics.TASK_EVENTS.valueSerde().serializer(), FOLD);
        topology.addSink(RELAY_SINK, Topics.TASK_EVENTS.name(), new StringSerializer(), new ByteArraySerializer(), FOLD);
        topology.addSink(ASSIGNMENTS_SINK, Topics.ASSIGNMENTS.name(), new StringSerializer(),
                Topics.ASSIGNMENTS.valueSerde().serializer(), FOLD);
        topology.addSink(TASK_STATE_SINK, Topics.TASK_STATE.name(), new StringSerializer(),
                Topics.TASK_STATE.valueSerde().serializer(), FOLD);
        topology.addSink(DEAD_LETTERS_SINK, Topics.DEAD_LETTERS.name(), new StringSerializer(), new ByteArraySerializer(), FOLD);
        return topology;
    }
}
