package dev.cube.manager.projection;

import dev.cube.core.placement.PlacementStage;
import dev.cube.core.placement.PlacementStage.Decision;
import dev.cube.core.placement.PlacementStage.Step;
import dev.cube.core.placement.PlacementStage.TaskDecision;
import dev.cube.core.placement.PlacementStage.TaskEntry;
import dev.cube.core.placement.PlacementStage.WorkerDecision;
import dev.cube.core.placement.Scheduler;
import dev.cube.core.task.TaskControl;
import dev.cube.core.worker.WorkerState;
import dev.cube.events.CubeEvent;
import dev.cube.events.ManagerEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.origin.OriginCheck;
import dev.cube.events.origin.OriginPolicy;
import dev.cube.events.origin.OriginProof;
import dev.cube.events.topics.Topics;
import dev.cube.events.wire.CloudEventCodec;
import dev.cube.events.wire.InvalidEventException;
import dev.cube.core.placement.Allocation;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The placement stage's adapter: one stream task (every input has one partition) reads worker events
 * from {@code cube.workers} (their order and broker times are the log time of liveness), operators'
 * requests from {@code cube.worker-admin} and the task fold's control views, hands each to the pure
 * {@link PlacementStage}, stores what it changed and appends what it decided, in one transaction: the
 * worker view a decision used commits with the decision. A wall-clock punctuation only asks the stage
 * to retry what waits; what the stage decides on it depends on log time alone.
 */
final class PlacementProcessor implements Processor<String, byte[], String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(PlacementProcessor.class);
    static final String SOURCE = "/cube/scheduler";
    static final String META_KEY = "meta";
    private static final int RETRY_BUDGET = 10_000;

    private static final Duration PROMPT_COMMIT_CHECK = Duration.ofMillis(5);

    private final PlacementStage stage;
    private final Duration retryInterval;
    private final String controlTopic;
    private final ProjectionObserver observer;
    private final PromptCommit promptCommit;
    private final OriginCheck origins;

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, WorkerState> workers;
    private KeyValueStore<String, TaskEntry> tasks;
    private KeyValueStore<String, Allocation> allocations;
    private KeyValueStore<String, PlacementStage.Meta> meta;

    PlacementProcessor(PlacementStage.Settings settings, Scheduler scheduler, Duration retryInterval, String controlTopic,
                       ProjectionObserver observer, Duration promptCommit) {
        this(settings, scheduler, retryInterval, controlTopic, observer, promptCommit, OriginCheck.OFF);
    }

    /** @param origins checks who wrote each worker record: one its writer may not say ({@link OriginPolicy}) is dead-lettered */
    PlacementProcessor(PlacementStage.Settings settings, Scheduler scheduler, Duration retryInterval, String controlTopic,
                       ProjectionObserver observer, Duration promptCommit, OriginCheck origins) {
        this.origins = origins;
        this.promptCommit = new PromptCommit(promptCommit);
        this.stage = new PlacementStage(settings, scheduler);
        this.retryInterval = retryInterval;
        this.controlTopic = controlTopic;
        this.observer = observer;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.workers = context.getStateStore(TaskProjection.WORKERS_STORE);
        this.tasks = context.getStateStore(TaskProjection.PLACEMENT_TASKS_STORE);
        this.allocations = context.getStateStore(TaskProjection.ALLOCATIONS_STORE);
        this.meta = context.getStateStore(TaskProjection.PLACEMENT_META_STORE);
        List<WorkerState> storedWorkers = new ArrayList<>();
        try (KeyValueIterator<String, WorkerState> it = workers.all()) {
            it.forEachRemaining(entry -> storedWorkers.add(entry.value));
        }
        Map<String, TaskEntry> storedTasks = new HashMap<>();
        try (KeyValueIterator<String, TaskEntry> it = tasks.all()) {
            it.forEachRemaining(entry -> storedTasks.put(entry.key, entry.value));
        }
        PlacementStage.Meta storedMeta = meta.get(META_KEY);
        stage.restore(storedWorkers, storedTasks, storedMeta == null ? PlacementStage.Meta.START : storedMeta);
        LOG.info("placement stage restored: {} workers, {} tasks needing it, deciding: {}", storedWorkers.size(), storedTasks.size(), stage.deciding());
        // A retry's cause is time passing: its decisions are as fresh as the wall clock.
        context.schedule(retryInterval, PunctuationType.WALL_CLOCK_TIME, now -> persist(stage.retry(RETRY_BUDGET), now));
        // A decision made when the last requested commit was too recent is committed as soon as the gap allows.
        context.schedule(PROMPT_COMMIT_CHECK, PunctuationType.WALL_CLOCK_TIME, now -> promptCommit.maybeRequest(context));
    }

    @Override
    public void process(Record<String, byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        Instant logTime = Instant.ofEpochMilli(record.timestamp());
        String topic = source.topic();
        if (topic.equals(controlTopic)) {
            control(record, logTime);
        } else if (topic.equals(Topics.WORKERS.name()) || topic.equals(Topics.WORKER_ADMIN.name())) {
            workerRecord(record, logTime, topic.equals(Topics.WORKERS.name()));
        }
    }

    private void control(Record<String, byte[]> record, Instant logTime) {
        String key = record.key();
        if (key == null) {
            return;
        }
        if (key.startsWith(ControlTopic.CAUGHT_UP_PREFIX)) {
            if (record.value() != null) {
                persist(stage.onCaughtUp(ControlTopic.CAUGHT_UP.deserializer().deserialize(controlTopic, record.value()).partition(), logTime), logTime.toEpochMilli());
            }
            return;
        }
        TaskControl control = record.value() == null ? TaskControl.none(key)
                : ControlTopic.CONTROL.deserializer().deserialize(controlTopic, record.value());
        persist(stage.onControl(control, logTime), logTime.toEpochMilli());
    }

    private void workerRecord(Record<String, byte[]> record, Instant logTime, boolean clock) {
        if (record.value() == null) {
            // A tombstone removes nothing: what the log said of a worker stands until the log says otherwise. Cube writes none.
            TaskFoldProcessor.deadLetter(context, observer, record, ProjectionObserver.DeadLetter.INVALID, null,
                    "a tombstone removes nothing: a worker leaves with dev.cube.worker.left, or is declared lost by the manager");
            return;
        }
        CubeEvent event;
        try {
            event = CloudEventCodec.decode(record.headers(), record.value());
        } catch (InvalidEventException e) {
            TaskFoldProcessor.deadLetter(context, observer, record, ProjectionObserver.DeadLetter.INVALID, e.field(), e.reason());
            return;
        } catch (SerializationException e) {
            TaskFoldProcessor.deadLetter(context, observer, record, ProjectionObserver.DeadLetter.INVALID, null, String.valueOf(e.getMessage()));
            return;
        }
        if (record.key() == null || !record.key().equals(event.subject())) {
            TaskFoldProcessor.deadLetter(context, observer, record, ProjectionObserver.DeadLetter.INVALID, "subject",
                    "the record key '" + record.key() + "' must equal the event subject '" + event.subject() + "'");
            return;
        }
        if (origins.enabled()) {
            var refusal = OriginPolicy.refusal(event, origins.origin(context.recordMetadata().orElseThrow().topic(), record.headers(), record.value()), null);
            if (refusal.isPresent()) {
                TaskFoldProcessor.deadLetter(context, observer, record, ProjectionObserver.DeadLetter.REJECTED, OriginProof.ORIGIN_HEADER,
                        "refused " + event.type().typeName() + " " + event.id() + ": " + refusal.get());
                return;
            }
        }
        switch (event.data()) {
            case ManagerEvent.Tick ignored when clock -> persist(stage.onWorkersRecord(null, logTime), logTime.toEpochMilli());
            case WorkerEvent worker when clock && !(worker instanceof WorkerEvent.Draining || worker instanceof WorkerEvent.Undrained) -> {
                if (!worker.workerId().equals(event.subject())) {
                    TaskFoldProcessor.deadLetter(context, observer, record, ProjectionObserver.DeadLetter.INVALID, "data.workerId", "must equal the event subject '" + event.subject() + "'");
                    return;
                }
                persist(stage.onWorkersRecord(worker, logTime), logTime.toEpochMilli());
            }
            case WorkerEvent admin when !clock && (admin instanceof WorkerEvent.Draining || admin instanceof WorkerEvent.Undrained) -> {
                if (!admin.workerId().equals(event.subject())) {
                    TaskFoldProcessor.deadLetter(context, observer, record, ProjectionObserver.DeadLetter.INVALID, "data.workerId", "must equal the event subject '" + event.subject() + "'");
                    return;
                }
                persist(stage.onAdminRecord(admin, logTime), logTime.toEpochMilli());
            }
            default -> TaskFoldProcessor.deadLetter(context, observer, record, ProjectionObserver.DeadLetter.INVALID, "type",
                    event.type().typeName() + " does not belong on " + (clock ? Topics.WORKERS.name() : Topics.WORKER_ADMIN.name()));
        }
    }

    /** Stores what the step changed and appends what it decided; {@code causeLogTime}: the log time of what led to it (epoch ms). */
    private void persist(Step step, long causeLogTime) {
        for (String id : step.workers()) {
            stage.worker(id).ifPresent(worker -> workers.put(id, worker));
        }
        for (String id : step.tasks()) {
            stage.task(id).ifPresentOrElse(entry -> tasks.put(id, entry), () -> tasks.delete(id));
        }
        for (String id : step.allocations()) {
            Allocation allocation = stage.allocation(id);
            if (allocation.taskCount() == 0) {
                allocations.delete(id);
            } else {
                allocations.put(id, allocation);
            }
        }
        if (step.metaChanged()) {
            meta.put(META_KEY, stage.meta());
        }
        long timestamp = step.time() == null ? context.currentSystemTimeMs() : step.time().toEpochMilli();
        for (Decision decision : step.decisions()) {
            switch (decision) {
                case TaskDecision task -> context.forward(new Record<String, Object>(task.taskId(),
                        CubeEvent.withDerivedId(task.eventId(), SOURCE, task.taskId(), Instant.ofEpochMilli(timestamp), task.event()), timestamp),
                        TaskProjection.DECISIONS_SINK);
                case WorkerDecision worker -> {
                    LOG.warn("worker {}: {}", worker.workerId(), worker.event());
                    context.forward(new Record<String, Object>(worker.workerId(),
                            CubeEvent.withDerivedId(worker.eventId(), SOURCE, worker.workerId(), Instant.ofEpochMilli(timestamp), worker.event()), timestamp),
                            TaskProjection.WORKERS_SINK);
                }
            }
        }
        if (!step.decisions().isEmpty()) {
            promptCommit.wanted(causeLogTime);
            promptCommit.maybeRequest(context);
        }
    }
}
