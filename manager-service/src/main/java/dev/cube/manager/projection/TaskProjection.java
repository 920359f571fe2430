package dev.cube.manager.projection;

import dev.cube.core.placement.PlacementStage;
import dev.cube.core.placement.Scheduler;
import dev.cube.core.worker.WorkerState;
import dev.cube.events.origin.OriginCheck;
import dev.cube.events.origin.SigningSerializer;
import dev.cube.events.topics.JsonSerde;
import dev.cube.events.topics.Topics;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;
import java.util.Map;

/**
 * The manager's Kafka Streams topology: two thin adapters around the pure core.
 *
 * <pre>
 * cube.task-events ──▶ task-fold (one task per partition) ──┬──▶ cube.task-state       (latest state, compacted)
 *        ▲               evolve + TaskDecider               ├──▶ cube.desired-attempts (what each worker should run; partition = worker's)
 *        │               store: task-state (FoldedTask)     ├──▶ &lt;app id&gt;-task-control (control views, caught-up signals)
 *        │               outputs once per batch             ├──▶ cube.task-events      (records on another partition than their key's, copied there)
 *        │                                                  └──▶ cube.dead-letters     (invalid records, rejected events)
 *        │
 *        │  &lt;app id&gt;-task-control ─┐
 *        │  cube.workers ──────────┼──▶ placement (one task: the single writer of allocations) ──▶ cube.workers (lost)
 *        │  cube.worker-admin ─────┘      PlacementStage, in log time
 *        └───────────────── scheduled / unplaced / lost ◀──┘
 *                    stores: workers, placement-tasks, allocations, placement-meta
 * </pre>
 */
public final class TaskProjection {

    public static final String TASK_STATE_STORE = "task-state";
    public static final String WORKERS_STORE = "workers";
    public static final String PLACEMENT_TASKS_STORE = "placement-tasks";
    public static final String ALLOCATIONS_STORE = "allocations";
    public static final String PLACEMENT_META_STORE = "placement-meta";

    static final String TASK_EVENTS_SOURCE = "task-events";
    static final String CONTROL_SOURCE = "task-control";
    static final String WORKERS_SOURCE = "workers";
    static final String ADMIN_SOURCE = "worker-admin";
    static final String FOLD = "task-fold";
    static final String PLACEMENT = "placement";
    static final String DECISIONS_SINK = "decisions-sink";
    static final String RELAY_SINK = "task-events-relay-sink";
    static final String CONTROL_SINK = "task-control-sink";
    static final String DESIRED_SINK = "desired-attempts-sink";
    static final String TASK_STATE_SINK = "task-state-sink";
    static final String WORKERS_SINK = "workers-sink";
    static final String DEAD_LETTERS_SINK = "dead-letters-sink";

    private TaskProjection() {
    }

    /**
     * @param applicationId     the Streams application id: it names the projection's own control topic
     * @param settings          liveness and the fold's partition count, for the placement stage
     * @param retryInterval     how often the stage is asked to retry what waits
     * @param lastRecordAtStart each task-events partition's last record offset when the projection started
     * @param emitInterval      how often the fold writes the outputs of the tasks it changed (see {@link TaskFoldProcessor})
     */
    public static Topology build(String applicationId, PlacementStage.Settings settings, Scheduler scheduler, Duration retryInterval,
                                 Map<Integer, Long> lastRecordAtStart, Duration emitInterval) {
        return build(applicationId, settings, scheduler, retryInterval, lastRecordAtStart, emitInterval, ProjectionObserver.NONE, Duration.ZERO);
    }

    /**
     * The same topology, whose processors tell {@code observer} how they go (health, metrics) and request
     * a commit after writing what others wait for, at most once per {@code promptCommit} (zero: never, see {@link PromptCommit}).
     */
    public static Topology build(String applicationId, PlacementStage.Settings settings, Scheduler scheduler, Duration retryInterval,
                                 Map<Integer, Long> lastRecordAtStart, Duration emitInterval, ProjectionObserver observer, Duration promptCommit) {
        return build(applicationId, settings, scheduler, retryInterval, lastRecordAtStart, emitInterval, observer, promptCommit, OriginCheck.OFF);
    }

    /**
     * The same topology, checking the origin proofs of what it reads with {@code origins} (who may say what:
     * {@link dev.cube.events.origin.OriginPolicy}) and signing its own decisions as the manager's.
     */
    public static Topology build(String applicationId, PlacementStage.Settings settings, Scheduler scheduler, Duration retryInterval,
                                 Map<Integer, Long> lastRecordAtStart, Duration emitInterval, ProjectionObserver observer, Duration promptCommit,
                                 OriginCheck origins) {
        String controlTopic = ControlTopic.name(applicationId);
        Topology topology = new Topology();
        topology.addSource(TASK_EVENTS_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), Topics.TASK_EVENTS.name());
        topology.addProcessor(FOLD, () -> new TaskFoldProcessor(settings.partitions(), lastRecordAtStart, emitInterval, observer, promptCommit, origins), TASK_EVENTS_SOURCE);
        // Written at every event the fold applies: Streams' cache keeps the latest per task until a commit, so the changelog
        // and RocksDB get one write per task and commit; the binary serde keeps each write cheap (see FoldedTaskSerde).
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TASK_STATE_STORE),
                Serdes.String(), new FoldedTaskSerde()).withCachingEnabled(), FOLD);

        topology.addSource(CONTROL_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), controlTopic);
        topology.addSource(WORKERS_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), Topics.WORKERS.name());
        topology.addSource(ADMIN_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), Topics.WORKER_ADMIN.name());
        topology.addProcessor(PLACEMENT, () -> new PlacementProcessor(settings, scheduler, retryInterval, controlTopic, observer, promptCommit, origins),
                CONTROL_SOURCE, WORKERS_SOURCE, ADMIN_SOURCE);
        // The stage's stores are cached too: its meta (the log clock) changes with every worker record, a worker's view
        // with each heartbeat, a task's entry two or three times in its life; RocksDB and the changelogs get the last of each per commit.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WORKERS_STORE),
                Serdes.String(), new JsonSerde<>(WorkerState.class)).withCachingEnabled(), PLACEMENT);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PLACEMENT_TASKS_STORE),
                Serdes.String(), ControlSerdes.ENTRY).withCachingEnabled(), PLACEMENT);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ALLOCATIONS_STORE),
                Serdes.String(), ControlSerdes.ALLOCATION).withCachingEnabled(), PLACEMENT);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PLACEMENT_META_STORE),
                Serdes.String(), new JsonSerde<>(PlacementStage.Meta.class)).withCachingEnabled(), PLACEMENT);

        topology.addSink(RELAY_SINK, Topics.TASK_EVENTS.name(), new StringSerializer(), new ByteArraySerializer(), FOLD);
        topology.addSink(TASK_STATE_SINK, Topics.TASK_STATE.name(), new StringSerializer(), anyOf(Topics.TASK_STATE.valueSerde().serializer()), FOLD);
        topology.addSink(DESIRED_SINK, Topics.DESIRED_ATTEMPTS.name(), new StringSerializer(), DesiredRecord.SERIALIZER,
                DesiredRecord.PARTITIONER, FOLD);
        topology.addSink(CONTROL_SINK, controlTopic, new StringSerializer(), TaskProjection::controlValue, FOLD);
        topology.addSink(DECISIONS_SINK, Topics.TASK_EVENTS.name(), new StringSerializer(), anyOf(SigningSerializer.asManager(Topics.TASK_EVENTS.valueSerde().serializer(), origins)), PLACEMENT);
        topology.addSink(WORKERS_SINK, Topics.WORKERS.name(), new StringSerializer(), anyOf(SigningSerializer.asManager(Topics.WORKERS.valueSerde().serializer(), origins)), PLACEMENT);
        topology.addSink(DEAD_LETTERS_SINK, Topics.DEAD_LETTERS.name(), new StringSerializer(), new ByteArraySerializer(), FOLD, PLACEMENT);
        return topology;
    }

    private static byte[] controlValue(String topic, Object value) {
        return switch (value) {
            case null -> null;
            case ControlTopic.CaughtUp caughtUp -> ControlTopic.CAUGHT_UP.serializer().serialize(topic, caughtUp);
            case dev.cube.core.task.TaskControl control -> ControlTopic.CONTROL.serializer().serialize(topic, control);
            default -> throw new IllegalArgumentException("not a control message: " + value.getClass().getName());
        };
    }

    /** {@code serializer} for a sink fed with Objects; the headers reach it (the CloudEvents serde sets content-type there). */
    @SuppressWarnings("unchecked")
    private static <T> Serializer<Object> anyOf(Serializer<T> serializer) {
        return new Serializer<>() {
            @Override
            public byte[] serialize(String topic, Object value) {
                return serializer.serialize(topic, (T) value);
            }

            @Override
            public byte[] serialize(String topic, Headers headers, Object value) {
                return serializer.serialize(topic, headers, (T) value);
            }
        };
    }
}
