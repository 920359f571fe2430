package dev.cube.manager.projection;

import dev.cube.core.task.TaskControl;
import dev.cube.core.task.TaskDecider;
import dev.cube.events.CubeEvent;
import dev.cube.events.desired.DesiredAttempt;
import dev.cube.events.desired.Revision;
import dev.cube.events.origin.OriginCheck;
import dev.cube.events.origin.OriginPolicy;
import dev.cube.events.origin.OriginProof;
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
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The task fold, a thin adapter: for each record of a partition of {@code cube.task-events}, the one
 * admission rule ({@link Admission}) and the one fold ({@link TaskStateMachine#evolve}); then, for the
 * tasks the batch changed, the task decider ({@link TaskDecider#react}) and what it says: the state on
 * {@code cube.task-state}, the desired attempts of the workers ({@code cube.desired-attempts}, each
 * with the {@link Revision} of the event that last changed it), the task's control view for the
 * placement stage. Dead letters and copies of misplaced records go out at once.
 *
 * <p>Outputs are written per batch, not per event: every {@code emitInterval} (wall clock, checked
 * by Streams after each round of processing, so a lone event goes out in the round it was read) the
 * fold writes each changed task's outputs once, compared with what was last written of it. A task
 * submitted, placed, run and finished within one batch writes its final state and nothing else,
 * which is what a worker reading its desired set needs: the outputs are levels, not edges. The store
 * keeps with each task what was last written of it ({@link FoldedTask#told}) until its outputs are
 * out, so a commit that falls inside a batch loses nothing: after a crash or a move, the restored
 * store says which tasks still owe outputs, and they are written first. While a partition re-reads the
 * log as it was at start, its batches are larger ({@link #CATCH_UP_BATCH_TASKS}, {@link #CATCH_UP_BATCH_TIME}):
 * nobody waits on them then.
 *
 * <p>Every output is a function of the log: a fold of the same log by another projection ends with
 * the same latest record per key, at the same revisions (it may write fewer records on the way).
 * Once it has processed the partition's last record as it was when the projection started, it writes
 * what it owes and tells the placement stage so ({@link ControlTopic.CaughtUp}): until every
 * partition has, the stage decides nothing, so that a rebuild decides nothing that the log already holds.
 */
final class TaskFoldProcessor implements Processor<String, byte[], String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(TaskFoldProcessor.class);
    private static final Duration CAUGHT_UP_CHECK = Duration.ofSeconds(1);
    /** How many written tasks the fold keeps as objects besides the store, so that a task's next event costs no read. */
    private static final int RECENT = 8192;
    /**
     * While a partition re-reads the log as it was at start, nobody waits on its outputs (the placement stage
     * decides nothing until every partition has caught up), so its batches are larger: written when this many
     * tasks owe outputs or {@link #CATCH_UP_BATCH_TIME} after the last, and at once on catching up. A task whose
     * whole history lies in one batch then writes its final state and nothing else (no control view, no desired
     * attempt): a replay of finished tasks writes one record per task instead of one per event and output.
     * Chosen by measurement (docs/benchmarks.md, 2026-12-02 evening).
     */
    static final int CATCH_UP_BATCH_TASKS = 20_000;
    static final Duration CATCH_UP_BATCH_TIME = Duration.ofSeconds(1);

    private final int partitions;
    private final Map<Integer, Long> lastRecordAtStart;
    private final Duration emitInterval;
    private final ProjectionObserver observer;
    private final PromptCommit promptCommit;
    private final OriginCheck origins;

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, FoldedTask> tasks;
    private int partition = -1;
    private boolean caughtUpSent;
    /** The offset of the last record processed, and the last one told to the observer as folded through. */
    private long lastProcessed = -1;
    private long lastToldThrough = -1;
    /** When (wall clock) the owing tasks' outputs were last written. */
    private long lastWritten;
    /** The tasks whose outputs are not written yet, in the order they changed. */
    private final Map<String, FoldedTask> owing = new LinkedHashMap<>();
    /** Tasks written lately, as in the store. */
    private final Map<String, FoldedTask> recent = new LinkedHashMap<>(RECENT * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, FoldedTask> eldest) {
            return size() > RECENT;
        }
    };

    /**
     * @param partitions        how many partitions {@code cube.task-events} has
     * @param lastRecordAtStart for each partition, the offset of its last record when the projection started (-1: none)
     * @param emitInterval      how often the changed tasks' outputs are written
     * @param observer          told how the fold goes (health, metrics)
     * @param promptCommit      the least time between two commits the fold requests after writing what others wait for
     */
    TaskFoldProcessor(int partitions, Map<Integer, Long> lastRecordAtStart, Duration emitInterval, ProjectionObserver observer,
                      Duration promptCommit) {
        this(partitions, lastRecordAtStart, emitInterval, observer, promptCommit, OriginCheck.OFF);
    }

    /** @param origins checks who wrote each record: an event its writer may not say ({@link OriginPolicy}) is dead-lettered */
    TaskFoldProcessor(int partitions, Map<Integer, Long> lastRecordAtStart, Duration emitInterval, ProjectionObserver observer,
                      Duration promptCommit, OriginCheck origins) {
        this.origins = origins;
        this.partitions = partitions;
        this.lastRecordAtStart = lastRecordAtStart;
        this.emitInterval = emitInterval;
        this.observer = observer;
        this.promptCommit = new PromptCommit(promptCommit);
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.tasks = context.getStateStore(TaskProjection.TASK_STATE_STORE);
        this.partition = context.taskId().partition();
        this.caughtUpSent = false;
        this.lastProcessed = -1;
        this.lastToldThrough = -1;
        observer.foldStarted(partition);
        this.lastWritten = context.currentSystemTimeMs();
        owing.clear();
        recent.clear();
        // What a crash or a move left unwritten: the store says it, the next batch writes it.
        List<FoldedTask> left = new ArrayList<>();
        try (KeyValueIterator<String, FoldedTask> all = tasks.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value.owesOutputs()) {
                    left.add(entry.value);
                }
            });
        }
        left.sort(Comparator.comparingLong(FoldedTask::lastOffset));
        left.forEach(folded -> owing.put(folded.id(), folded));
        if (!left.isEmpty()) {
            LOG.info("partition {}: {} task(s) owe outputs from before the restart; writing them", partition, left.size());
        }
        context.schedule(emitInterval, PunctuationType.WALL_CLOCK_TIME, this::onBatchTimer);
        // A partition with nothing to read has caught up at once.
        context.schedule(CAUGHT_UP_CHECK, PunctuationType.WALL_CLOCK_TIME, now -> {
            if (!caughtUpSent && lastRecordAtStart.getOrDefault(partition, -1L) < 0) {
                emit(now);
                sendCaughtUp(now);
            }
        });
    }

    @Override
    public void process(Record<String, byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        try {
            fold(record, meta);
            lastProcessed = meta.offset();
        } finally {
            if (!caughtUpSent && meta.offset() >= lastRecordAtStart.getOrDefault(meta.partition(), -1L)) {
                emit(record.timestamp());
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
        String id = event.subject();
        FoldedTask folded = lookup(id);
        TaskState before = folded == null ? null : folded.state();
        if (origins.enabled()) {
            var refusal = OriginPolicy.refusal(event, origins.origin(meta.topic(), record.headers(), record.value()), before);
            if (refusal.isPresent()) {
                observer.folded(ProjectionObserver.Outcome.REJECTED);
                deadLetter(context, observer, record, ProjectionObserver.DeadLetter.REJECTED, OriginProof.ORIGIN_HEADER,
                        "refused " + event.type().typeName() + " " + event.id() + ": " + refusal.get());
                return;
            }
        }
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
                long desiredRevision = folded == null ? -1 : folded.desiredRevision();
                if (!Objects.equals(TaskDecider.desired(before), TaskDecider.desired(after))) {
                    desiredRevision = meta.offset();
                }
                TaskDecider.View told = folded == null ? TaskDecider.view(id, null)
                        : folded.told() != null ? folded.told() : TaskDecider.view(id, before);
                FoldedTask next = new FoldedTask(after, folded == null ? meta.offset() : folded.firstOffset(), meta.offset(),
                        record.timestamp(), desiredRevision, told);
                tasks.put(id, next);
                recent.remove(id);
                owing.put(id, next);
                observer.folded(ProjectionObserver.Outcome.APPLIED);
                observer.applied(before, after, caughtUpSent);
            }
        }
    }

    private FoldedTask lookup(String id) {
        FoldedTask folded = owing.get(id);
        if (folded == null) {
            folded = recent.get(id);
        }
        return folded != null ? folded : tasks.get(id);
    }

    /** Every {@code emitInterval}: the batch is written, unless the partition is still catching up and its batch is not full yet. */
    private void onBatchTimer(long now) {
        if (!caughtUpSent && owing.size() < CATCH_UP_BATCH_TASKS && now - lastWritten < CATCH_UP_BATCH_TIME.toMillis()) {
            toldThrough();
            return;
        }
        emit(now);
    }

    private void toldThrough() {
        if (lastProcessed > lastToldThrough) {
            // The store holds every record processed so far (each is put as it is folded): reads may rely on it.
            lastToldThrough = lastProcessed;
            observer.foldedThrough(partition, lastProcessed);
        }
    }

    /** Writes the outputs of every task that owes some: each task once, its desired attempts in revision order. */
    private void emit(long now) {
        lastWritten = context.currentSystemTimeMs();
        toldThrough();
        if (owing.isEmpty()) {
            promptCommit.maybeRequest(context);
            return;
        }
        List<PendingDesired> desired = new ArrayList<>();
        for (FoldedTask folded : owing.values()) {
            TaskState state = folded.state();
            TaskDecider.Reaction reaction = TaskDecider.reactSince(folded.told(), state);
            for (TaskDecider.DesiredChange change : reaction.desired()) {
                desired.add(new PendingDesired(folded.desiredRevision(), change, folded.lastLogTime()));
            }
            reaction.control().ifPresent(control -> {
                context.forward(new Record<String, Object>(control.taskId(),
                        control.need() == TaskControl.Need.NONE ? null : control, folded.lastLogTime()), TaskProjection.CONTROL_SINK);
                wantPromptCommit(folded.lastLogTime());
            });
            context.forward(new Record<String, Object>(state.id(), state, folded.lastLogTime()), TaskProjection.TASK_STATE_SINK);
            FoldedTask written = folded.written();
            tasks.put(state.id(), written);
            recent.put(state.id(), written);
        }
        owing.clear();
        desired.sort(Comparator.comparingLong(PendingDesired::revision));
        Map<String, PendingDesired> watermarks = new LinkedHashMap<>();
        for (PendingDesired pending : desired) {
            DesiredAttempt value = pending.change().value();
            forwardDesired(DesiredRecord.of(pending.change().key(), pending.change().workerId(), value), pending.revision(), pending.timestamp());
            if (value == null) {
                watermarks.put(pending.change().workerId(), pending);
            }
        }
        // A tombstone may be deleted by compaction; the watermark keeps its revision (one per worker and batch: the highest).
        watermarks.forEach((workerId, pending) -> forwardDesired(DesiredRecord.watermark(workerId, new Revision(partition, pending.revision())),
                pending.revision(), pending.timestamp()));
        desired.forEach(pending -> wantPromptCommit(pending.timestamp()));
        promptCommit.maybeRequest(context);
    }

    /**
     * While the fold re-reads history nobody waits on what it writes (the placement stage decides only once
     * every partition has caught up): commits are left to the interval then, so a replay costs a transaction
     * per interval, not per batch. Under load the broker answered the extra commits with CONCURRENT_TRANSACTIONS
     * for minutes (ReadinessIT, 10,000 events).
     */
    private void wantPromptCommit(long causeLogTime) {
        if (caughtUpSent) {
            promptCommit.wanted(causeLogTime);
        }
    }

    private record PendingDesired(long revision, TaskDecider.DesiredChange change, long timestamp) {
    }

    private void forwardDesired(DesiredRecord desired, long revision, long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Revision.HEADER, new Revision(partition, revision).bytes());
        context.forward(new Record<String, Object>(desired.key(), desired, timestamp, headers), TaskProjection.DESIRED_SINK);
    }

    @Override
    public void close() {
        observer.foldStopped(partition);
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
