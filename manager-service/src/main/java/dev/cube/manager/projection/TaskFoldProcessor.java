package dev.cube.manager.projection;

import dev.cube.core.task.TaskControl;
import dev.cube.core.task.TaskDecider;
import dev.cube.events.CubeEvent;
import dev.cube.events.desired.Revision;
import dev.cube.events.state.Evolution;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStateMachine;
import dev.cube.events.topics.Topics.DeadLetterHeaders;
import dev.cube.events.wire.CloudEventCodec;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The task fold, a thin adapter: for each record of a partition of {@code cube.task-events}, the one
 * admission rule ({@link Admission}), the one fold ({@link TaskStateMachine#evolve}) and the task
 * decider ({@link TaskDecider#react}), then it writes what they say, all in the transaction of the
 * record: the state (store and {@code cube.task-state}), the desired attempts of the workers
 * ({@code cube.desired-attempts}, each with the {@link Revision} of this record), the task's control
 * view for the placement stage, dead letters with their reason. Every output is a function of the
 * log, so a fold of the same log by another projection writes the same records at the same revisions.
 *
 * <p>Once it has processed the partition's last record as it was when the projection started, it tells
 * the placement stage so ({@link ControlTopic.CaughtUp}): until every partition has, the stage decides
 * nothing, so that a rebuild decides nothing that the log already holds.
 */
final class TaskFoldProcessor implements Processor<String, byte[], String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(TaskFoldProcessor.class);
    private static final Duration CAUGHT_UP_CHECK = Duration.ofSeconds(1);

    private final int partitions;
    private final Map<Integer, Long> lastRecordAtStart;
    private final ProjectionObserver observer;

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, TaskState> tasks;
    private KeyValueStore<String, Long> firstOffsets;
    private int partition = -1;
    private boolean caughtUpSent;

    /**
     * @param partitions        how many partitions {@code cube.task-events} has
     * @param lastRecordAtStart for each partition, the offset of its last record when the projection started (-1: none)
     */
    TaskFoldProcessor(int partitions, Map<Integer, Long> lastRecordAtStart, ProjectionObserver observer) {
        this.partitions = partitions;
        this.lastRecordAtStart = lastRecordAtStart;
        this.observer = observer;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.tasks = context.getStateStore(TaskProjection.TASK_STATE_STORE);
        this.firstOffsets = context.getStateStore(TaskProjection.FIRST_OFFSETS_STORE);
        this.partition = context.taskId().partition();
        this.caughtUpSent = false;
        observer.foldStarted(partition);
        // A partition with nothing to read has caught up at once.
        context.schedule(CAUGHT_UP_CHECK, PunctuationType.WALL_CLOCK_TIME, now -> {
            if (!caughtUpSent && lastRecordAtStart.getOrDefault(partition, -1L) < 0) {
                sendCaughtUp(now);
            }
        });
    }

    @Override
    public void process(Record<String, byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        try {
            fold(record, meta);
        } finally {
            if (!caughtUpSent && meta.offset() >= lastRecordAtStart.getOrDefault(meta.partition(), -1L)) {
                sendCaughtUp(record.timestamp());
            }
        }
    }

    private void fold(Record<String, byte[]> record, RecordMetadata meta) {
        CubeEvent event;
        switch (Admission.of(record.key(), meta.partition(), partitions, () -> CloudEventCodec.decode(record.headers(), record.value()))) {
            case Admission.Admitted admitted -> event = admitted.event();
            case Admission.Misplaced ignored -> {
                // A client whose partitioner is not murmur2 put it there: copy it to its task's partition, where it is folded.
                context.forward(record, TaskProjection.RELAY_SINK);
                observer.folded(ProjectionObserver.Outcome.RELAYED);
                return;
            }
            case Admission.Refused refused -> {
                observer.folded(ProjectionObserver.Outcome.INVALID);
                deadLetter(context, observer, record, ProjectionObserver.DeadLetter.INVALID, refused.field(), refused.reason());
                return;
            }
        }
        TaskState before = tasks.get(event.subject());
        switch (TaskStateMachine.evolve(before, event)) {
            case Evolution.Duplicate ignored -> observer.folded(ProjectionObserver.Outcome.DUPLICATE);
            case Evolution.Ignored ignored -> {
                observer.folded(ProjectionObserver.Outcome.IGNORED);
                LOG.debug("ignored {} {}: {}", event.type().typeName(), event.id(), ignored.reason());
            }
            case Evolution.Rejected rejected -> {
                observer.folded(ProjectionObserver.Outcome.REJECTED);
                deadLetter(context, observer, record, ProjectionObserver.DeadLetter.REJECTED, null,
                        "rejected " + event.type().typeName() + " " + event.id() + ": " + rejected.reason());
            }
            case Evolution.Applied applied -> {
                TaskState after = applied.state();
                if (before == null) {
                    firstOffsets.put(after.id(), meta.offset());
                }
                tasks.put(after.id(), after);
                context.forward(new Record<String, Object>(after.id(), after, record.timestamp()), TaskProjection.TASK_STATE_SINK);
                write(TaskDecider.react(before, after), new Revision(meta.partition(), meta.offset()), record.timestamp());
                observer.folded(ProjectionObserver.Outcome.APPLIED);
                observer.applied(before, after, caughtUpSent);
            }
        }
    }

    private void write(TaskDecider.Reaction reaction, Revision revision, long timestamp) {
        for (TaskDecider.DesiredChange change : reaction.desired()) {
            forwardDesired(DesiredRecord.of(change.key(), change.workerId(), change.value()), revision, timestamp);
            if (change.value() == null) {
                // A tombstone may be deleted by compaction; the watermark keeps its revision.
                forwardDesired(DesiredRecord.watermark(change.workerId(), revision), revision, timestamp);
            }
        }
        reaction.control().ifPresent(control -> context.forward(new Record<String, Object>(control.taskId(),
                control.need() == TaskControl.Need.NONE ? null : control, timestamp), TaskProjection.CONTROL_SINK));
    }

    private void forwardDesired(DesiredRecord desired, Revision revision, long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Revision.HEADER, revision.bytes());
        context.forward(new Record<String, Object>(desired.key(), desired, timestamp, headers), TaskProjection.DESIRED_SINK);
    }

    private void sendCaughtUp(long timestamp) {
        caughtUpSent = true;
        LOG.info("the fold of partition {} has caught up with the log as it was at start", partition);
        context.forward(new Record<String, Object>(ControlTopic.caughtUpKey(partition), new ControlTopic.CaughtUp(partition), timestamp),
                TaskProjection.CONTROL_SINK);
        observer.caughtUp(partition);
    }

    /** Sends {@code record} to {@code cube.dead-letters} untouched, with headers saying why and where it came from. */
    static void deadLetter(ProcessorContext<String, Object> context, ProjectionObserver observer, Record<String, byte[]> record,
                           ProjectionObserver.DeadLetter why, String field, String reason) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(DeadLetterHeaders.REASON, reason.getBytes(StandardCharsets.UTF_8));
        if (field != null) {
            headers.add(DeadLetterHeaders.FIELD, field.getBytes(StandardCharsets.UTF_8));
        }
        context.recordMetadata().ifPresent(meta -> {
            headers.add(DeadLetterHeaders.TOPIC, meta.topic().getBytes(StandardCharsets.UTF_8));
            headers.add(DeadLetterHeaders.PARTITION, String.valueOf(meta.partition()).getBytes(StandardCharsets.UTF_8));
            headers.add(DeadLetterHeaders.OFFSET, String.valueOf(meta.offset()).getBytes(StandardCharsets.UTF_8));
        });
        LOG.warn("dead letter (key {}): {}{}", record.key(), field == null ? "" : field + ": ", reason);
        observer.deadLettered(context.recordMetadata().map(RecordMetadata::topic).orElse(null), why, field);
        context.forward(new Record<String, Object>(record.key(), record.value(), record.timestamp(), headers), TaskProjection.DEAD_LETTERS_SINK);
    }
}
