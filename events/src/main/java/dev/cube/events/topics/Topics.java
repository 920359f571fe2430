package dev.cube.events.topics;

import dev.cube.events.CubeEvent;
import dev.cube.events.state.TaskState;
import org.apache.kafka.common.serialization.Serdes;

import java.util.List;
import java.util.Map;

/** Every topic Cube uses, in one place. All keys are UTF-8 strings. */
public final class Topics {

    /** The system of record: every task event, keyed by task id, kept forever, stamped with the broker's clock. */
    public static final Topic<String, CubeEvent> TASK_EVENTS = new Topic<>("cube.task-events", 4,
            Map.of("cleanup.policy", "delete", "retention.ms", "-1", "retention.bytes", "-1",
                    "message.timestamp.type", "LogAppendTime"),
            Serdes.String(), new CubeEventSerde());

    /** Orders for workers (start, stop), keyed by worker id: a worker reads only the partition of its id. */
    public static final Topic<String, CubeEvent> ASSIGNMENTS = new Topic<>("cube.assignments", 16,
            Map.of("cleanup.policy", "delete", "retention.ms", String.valueOf(7L * 24 * 3600 * 1000),
                    "message.timestamp.type", "LogAppendTime"),
            Serdes.String(), new CubeEventSerde());

    /**
     * The scheduler's input: placement requests and releases, keyed by task id. One partition, so
     * that a single writer owns every worker's allocation and no worker is ever over-committed.
     */
    public static final Topic<String, CubeEvent> PLACEMENT = new Topic<>("cube.placement", 1,
            Map.of("cleanup.policy", "delete", "retention.ms", String.valueOf(7L * 24 * 3600 * 1000),
                    "message.timestamp.type", "LogAppendTime"),
            Serdes.String(), new CubeEventSerde());

    /** Worker heartbeats and departures, keyed by worker id; only the latest per worker matters. */
    public static final Topic<String, CubeEvent> WORKERS = new Topic<>("cube.workers", 1,
            Map.of("cleanup.policy", "compact", "message.timestamp.type", "LogAppendTime",
                    "min.compaction.lag.ms", String.valueOf(60_000)),
            Serdes.String(), new CubeEventSerde());

    /** The latest projected state of each task, keyed by task id, for readers without HTTP. */
    public static final Topic<String, TaskState> TASK_STATE = new Topic<>("cube.task-state", 4,
            Map.of("cleanup.policy", "compact"),
            Serdes.String(), new JsonSerde<>(TaskState.class));

    /** Records Cube could not use, with the original key and value and headers saying why. Kept forever. */
    public static final Topic<String, byte[]> DEAD_LETTERS = new Topic<>("cube.dead-letters", 1,
            Map.of("cleanup.policy", "delete", "retention.ms", "-1", "retention.bytes", "-1"),
            Serdes.String(), Serdes.ByteArray());

    public static final List<Topic<?, ?>> ALL = List.of(TASK_EVENTS, ASSIGNMENTS, PLACEMENT, WORKERS, TASK_STATE, DEAD_LETTERS);

    /** Header names on dead letters. */
    public static final class DeadLetterHeaders {
        public static final String REASON = "cube.dlq.reason";
        public static final String FIELD = "cube.dlq.field";
        public static final String TOPIC = "cube.dlq.topic";
        public static final String PARTITION = "cube.dlq.partition";
        public static final String OFFSET = "cube.dlq.offset";

        private DeadLetterHeaders() {
        }
    }

    private Topics() {
    }
}
