package dev.cube.manager.projection;

import dev.cube.events.state.TaskState;
import dev.cube.events.topics.JsonSerde;
import dev.cube.events.topics.Topics;
import dev.cube.manager.scheduling.Allocation;
import dev.cube.manager.scheduling.Scheduler;
import dev.cube.manager.scheduling.WorkerView;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

import java.time.Clock;
import java.time.Duration;

/**
 * The manager's Kafka Streams topology, two stages:
 *
 * <pre>
 * cube.task-events ──▶ task-fold ──┬──▶ cube.placement     (requested, released)
 *        ▲                          ├──▶ cube.assignments   (start / stop orders, keyed by worker id)
 *        │                          ├──▶ cube.task-state    (latest state, compacted)
 *        │                          ├──▶ cube.task-events   (records found on another partition than their key's, copied there)
 *        │                          └──▶ cube.dead-letters  (invalid records, rejected events)
 *        │           stores: task-state, task-first-offsets (one per task-events partition)
 *        │
 *        │  cube.placement ──▶ placement (one partition: the single writer of allocations)
 *        └───────────────────────────┤──▶ cube.task-events  (scheduled, unplaced, lost)
 *                                     ├──▶ cube.assignments (stop orders fencing a lost worker)
 *                                     └──▶ cube.workers     (worker lost)
 *                    stores: allocations, placement-requests, placement-queue
 * </pre>
 */
public final class TaskProjection {

    public static final String TASK_STATE_STORE = "task-state";
    public static final String FIRST_OFFSETS_STORE = "task-first-offsets";
    public static final String ALLOCATIONS_STORE = "allocations";
    public static final String PLACEMENT_REQUESTS_STORE = "placement-requests";
    public static final String PLACEMENT_QUEUE_STORE = "placement-queue";

    static final String TASK_EVENTS_SOURCE = "task-events";
    static final String PLACEMENT_SOURCE = "placement-requests";
    static final String FOLD = "task-fold";
    static final String PLACEMENT = "placement";
    static final String TASK_EVENTS_SINK = "task-events-sink";
    static final String RELAY_SINK = "task-events-relay-sink";
    static final String PLACEMENT_SINK = "placement-sink";
    static final String ASSIGNMENTS_SINK = "assignments-sink";
    static final String TASK_STATE_SINK = "task-state-sink";
    static final String WORKERS_SINK = "workers-sink";
    static final String DEAD_LETTERS_SINK = "dead-letters-sink";

    private TaskProjection() {
    }

    /**
     * @param interval            how often waiting placements are retried and workers checked
     * @param lostAfter           a worker silent for longer (TTL plus grace) is declared lost
     * @param taskEventPartitions how many partitions {@code cube.task-events} has: a record found on
     *                            another partition than its key's is copied to its key's
     */
    public static Topology build(WorkerView workers, Scheduler scheduler, Clock clock,
                                 Duration interval, Duration lostAfter, int taskEventPartitions) {
        Topology topology = new Topology();
        topology.addSource(TASK_EVENTS_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), Topics.TASK_EVENTS.name());
        topology.addProcessor(FOLD, () -> new TaskEventProcessor(clock, taskEventPartitions), TASK_EVENTS_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TASK_STATE_STORE),
                Serdes.String(), new JsonSerde<>(TaskState.class)), FOLD);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FIRST_OFFSETS_STORE),
                Serdes.String(), Serdes.Long()), FOLD);

        topology.addSource(PLACEMENT_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), Topics.PLACEMENT.name());
        topology.addProcessor(PLACEMENT, () -> new PlacementProcessor(workers, scheduler, clock, interval, lostAfter), PLACEMENT_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ALLOCATIONS_STORE),
                Serdes.String(), new JsonSerde<>(Allocation.class)), PLACEMENT);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PLACEMENT_REQUESTS_STORE),
                Serdes.String(), new JsonSerde<>(PlacementProcessor.Waiting.class)), PLACEMENT);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PLACEMENT_QUEUE_STORE),
                Serdes.String(), Serdes.String()), PLACEMENT);

        topology.addSink(TASK_EVENTS_SINK, Topics.TASK_EVENTS.name(), new StringSerializer(),
                Topics.TASK_EVENTS.valueSerde().serializer(), PLACEMENT);
        topology.addSink(RELAY_SINK, Topics.TASK_EVENTS.name(), new StringSerializer(), new ByteArraySerializer(), FOLD);
        topology.addSink(PLACEMENT_SINK, Topics.PLACEMENT.name(), new StringSerializer(),
                Topics.PLACEMENT.valueSerde().serializer(), FOLD);
        topology.addSink(ASSIGNMENTS_SINK, Topics.ASSIGNMENTS.name(), new StringSerializer(),
                Topics.ASSIGNMENTS.valueSerde().serializer(), FOLD, PLACEMENT);
        topology.addSink(TASK_STATE_SINK, Topics.TASK_STATE.name(), new StringSerializer(),
                Topics.TASK_STATE.valueSerde().serializer(), FOLD);
        topology.addSink(WORKERS_SINK, Topics.WORKERS.name(), new StringSerializer(),
                Topics.WORKERS.valueSerde().serializer(), PLACEMENT);
        topology.addSink(DEAD_LETTERS_SINK, Topics.DEAD_LETTERS.name(), new StringSerializer(), new ByteArraySerializer(), FOLD, PLACEMENT);
        return topology;
    }
}
