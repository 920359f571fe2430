package dev.cube.events.topics;

import dev.cube.events.CubeEvent;
import dev.cube.events.desired.DesiredAttempt;
import dev.cube.events.output.OutputRecord;
import dev.cube.events.state.TaskState;
import org.apache.kafka.common.serialization.Serdes;

import java.util.List;
import java.util.Map;

/** Every topic of Cube's contract, in one place. All keys are UTF-8 strings. */
public final class Topics {

    /** The system of record: every task event, keyed by task id, kept forever, stamped with the broker's clock. */
    public static final Topic<String, CubeEvent> TASK_EVENTS = new Topic<>("cube.task-events", 4,
            Map.of("cleanup.policy", "delete", "retention.ms", "-1", "retention.bytes", "-1",
                    "message.timestamp.type", "LogAppendTime"),
            Serdes.String(), new CubeEventSerde());

    /**
     * What every worker should run now: one {@link DesiredAttempt} per attempt placed on a worker, keyed
     * {@code <task id>/<attempt>} and put on the partition of the worker id ({@link Topic#partitionOf}
     * of the worker id, not of the key), so that a worker reads one partition. Compacted: a worker reads
     * its partition from the start and converges on what it finds. Written by the manager's task fold only.
     */
    public static final Topic<String, DesiredAttempt> DESIRED_ATTEMPTS = new Topic<>("cube.desired-attempts", 16,
            Map.of("cleanup.policy", "compact", "segment.ms", String.valueOf(3_600_000), "min.cleanable.dirty.ratio", "0.1"),
            Serdes.String(), new JsonSerde<>(DesiredAttempt.class));

    /**
     * Worker heartbeats and departures, the scheduler's {@code lost}, and the managers' ticks, keyed by
     * worker id (ticks by {@code manager/<application id>}). One partition, stamped with the broker's
     * clock: its records, in order, are the log time liveness is judged in. Compacted: the latest per key.
     */
    public static final Topic<String, CubeEvent> WORKERS = new Topic<>("cube.workers", 1,
            Map.of("cleanup.policy", "compact", "message.timestamp.type", "LogAppendTime",
                    "min.compaction.lag.ms", String.valueOf(60_000)),
            Serdes.String(), new CubeEventSerde());

    /** What operators ask of workers (draining, undrained), keyed by worker id. Compacted: the latest request per worker stands. */
    public static final Topic<String, CubeEvent> WORKER_ADMIN = new Topic<>("cube.worker-admin", 1,
            Map.of("cleanup.policy", "compact", "message.timestamp.type", "LogAppendTime"),
            Serdes.String(), new CubeEventSerde());

    /** The latest projected state of each task, keyed by task id, for readers without HTTP. */
    public static final Topic<String, TaskState> TASK_STATE = new Topic<>("cube.task-state", 4,
            Map.of("cleanup.policy", "compact", "segment.ms", String.valueOf(3_600_000)),
            Serdes.String(), new JsonSerde<>(TaskState.class, TaskState::forReaders));

    /** Records Cube could not use, with the original key and value and headers saying why. Kept forever. */
    public static final Topic<String, byte[]> DEAD_LETTERS = new Topic<>("cube.dead-letters", 1,
            Map.of("cleanup.policy", "delete", "retention.ms", "-1", "retention.bytes", "-1"),
            Serdes.String(), Serdes.ByteArray());

    /** How long {@link #TASK_LOGS} keeps output unless the manager is told otherwise ({@code cube.manager.task-logs-retention}). */
    public static final long TASK_LOGS_DEFAULT_RETENTION_MS = 7L * 24 * 3_600_000;

    /**
     * What the tasks' containers wrote: one {@link OutputRecord} per line (or marker) of an attempt, keyed by
     * task id so that a task's output is partitioned like its events; written by the worker that runs the
     * attempt. Stamped with the engine's time of each line ({@code CreateTime}); kept 7 days by default.
     */
    public static final Topic<String, OutputRecord> TASK_LOGS = new Topic<>("cube.task-logs", 4,
            Map.of("cleanup.policy", "delete", "retention.ms", String.valueOf(TASK_LOGS_DEFAULT_RETENTION_MS),
                    "message.timestamp.type", "CreateTime", "segment.ms", String.valueOf(3_600_000)),
            Serdes.String(), new JsonSerde<>(OutputRecord.class));

    public static final List<Topic<?, ?>> ALL = List.of(TASK_EVENTS, DESIRED_ATTEMPTS, WORKERS, WORKER_ADMIN, TASK_STATE, DEAD_LETTERS, TASK_LOGS);

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

    /** The key of a manager's ticks on {@link #WORKERS}: it cannot be a worker id, which has no '/'. */
    public static String tickKey(String instance) {
        return "manager/" + instance;
    }

    private Topics() {
    }
}
