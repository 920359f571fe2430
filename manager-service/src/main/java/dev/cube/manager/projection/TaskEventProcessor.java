package dev.cube.manager.projection;

import dev.cube.events.AssignmentEvent;
import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.state.Evolution;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStateMachine;
import dev.cube.events.state.TaskStatus;
import dev.cube.events.topics.Topic;
import dev.cube.events.topics.Topics.DeadLetterHeaders;
import dev.cube.events.wire.CloudEventCodec;
import dev.cube.events.wire.InvalidEventException;
import dev.cube.manager.scheduling.Placement;
import dev.cube.manager.scheduling.WorkerInfo;
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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Folds each task event into the task's state, reacts to what was applied (place, order a start or
 * a stop), and sends what cannot be used to the dead-letter topic with the reason. Decisions are
 * events: they are applied here at once and written to the log in the same transaction, so when
 * they come back from the log they are duplicates and change nothing.
 */
final class TaskEventProcessor implements Processor<String, byte[], String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(TaskEventProcessor.class);
    static final String SOURCE = "/cube/manager";

    private final Supplier<List<WorkerInfo>> liveWorkers;
    private final Clock clock;
    private final Duration placementInterval;
    private final int taskEventPartitions;
    private final Placement placement = new Placement();

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, TaskState> tasks;
    private KeyValueStore<String, Long> waiting;
    private KeyValueStore<String, Long> firstOffsets;

    TaskEventProcessor(Supplier<List<WorkerInfo>> liveWorkers, Clock clock, Duration placementInterval, int taskEventPartitions) {
        this.taskEventPartitions = taskEventPartitions;
        this.liveWorkers = liveWorkers;
        this.clock = clock;
        this.placementInterval = placementInterval;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.tasks = context.getStateStore(TaskProjection.TASK_STATE_STORE);
        this.waiting = context.getStateStore(TaskProjection.WAITING_TASKS_STORE);
        this.firstOffsets = context.getStateStore(TaskProjection.FIRST_OFFSETS_STORE);
        context.schedule(placementInterval, PunctuationType.WALL_CLOCK_TIME, now -> placeWaitingTasks());
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            deadLetter(record, "key", "the record key is required: it must be the task id (the event's subject)");
            return;
        }
        if (arrivedOnAnotherPartition(record)) {
            // A client whose partitioner is not murmur2 put it there: copy it to its task's partition, where it is folded.
            context.forward(record, TaskProjection.RELAY_SINK);
            return;
        }
        CubeEvent event;
        try {
            event = CloudEventCodec.decode(record.value());
        } catch (InvalidEventException e) {
            deadLetter(record, e.field(), e.reason());
            return;
        }
        if (!record.key().equals(event.subject())) {
            deadLetter(record, "subject", "the record key '" + record.key() + "' must equal the event subject '" + event.subject() + "' (the task id)");
            return;
        }
        TaskState before = tasks.get(event.subject());
        Evolution evolution = TaskStateMachine.evolve(before, event);
        switch (evolution) {
            case Evolution.Duplicate ignored -> {
            }
            case Evolution.Ignored ignored -> LOG.info("ignored {} {}: {}", event.type().typeName(), event.id(), ignored.reason());
            case Evolution.Rejected rejected -> deadLetter(record, null, "rejected " + event.type().typeName() + " " + event.id() + ": " + rejected.reason());
            case Evolution.Applied applied -> {
                if (before == null) {
                    context.recordMetadata().ifPresent(meta -> firstOffsets.put(event.subject(), meta.offset()));
                }
                save(react(before, applied.state(), event));
            }
        }
    }

    /** Acts on an applied event; answers the task's state after any decision taken at once. */
    private TaskState react(TaskState before, TaskState after, CubeEvent event) {
        switch ((TaskEvent) event.data()) {
            case TaskEvent.Submitted ignored -> {
                TaskState placed = place(after);
                if (placed.state() == TaskStatus.Pending) {
                    waiting.put(placed.id(), clock.millis());
                }
                return placed;
            }
            case TaskEvent.StopRequested ignored -> {
                waiting.delete(after.id());
                if (before != null && TaskStatus.ON_A_WORKER.contains(before.state())) {
                    order(new AssignmentEvent.Stop(before.workerId(), before.id(), before.attempt(), "stop requested"));
                }
            }
            case TaskEvent.Scheduled scheduled -> {
                // A placement this processor did not make (its own come back as duplicates): the worker still needs its order.
                waiting.delete(after.id());
                order(new AssignmentEvent.Start(scheduled.workerId(), after.id(), scheduled.attempt(), after.spec()));
            }
            default -> {
            }
        }
        return after;
    }

    private void placeWaitingTasks() {
        List<String> ids = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = waiting.all()) {
            it.forEachRemaining(entry -> ids.add(entry.key));
        }
        for (String id : ids) {
            TaskState task = tasks.get(id);
            TaskState placed = task == null ? null : place(task);
            if (placed != task) {
                save(placed);
            }
            if (placed == null || placed.state() != TaskStatus.Pending) {
                waiting.delete(id);
            }
        }
    }

    /** Tries to place a Pending task, recording the decision in the log; answers the state after it (the same when nothing was decided). */
    private TaskState place(TaskState task) {
        Optional<TaskEvent> decision = placement.decide(task, liveWorkers.get());
        if (decision.isEmpty()) {
            return task;
        }
        CubeEvent event = CubeEvent.of(SOURCE, task.id(), clock.instant(), decision.get());
        Evolution evolution = TaskStateMachine.evolve(task, event);
        if (!(evolution instanceof Evolution.Applied applied)) {
            LOG.error("the manager's own decision {} for task {} was refused: {}", decision.get(), task.id(), evolution);
            return task;
        }
        append(event);
        if (decision.get() instanceof TaskEvent.Scheduled scheduled) {
            order(new AssignmentEvent.Start(scheduled.workerId(), task.id(), scheduled.attempt(), task.spec()));
        }
        return applied.state();
    }

    private void save(TaskState state) {
        tasks.put(state.id(), state);
        context.forward(new Record<String, Object>(state.id(), state, clock.millis()), TaskProjection.TASK_STATE_SINK);
    }

    private void append(CubeEvent event) {
        context.forward(new Record<String, Object>(event.subject(), event, clock.millis()), TaskProjection.TASK_EVENTS_SINK);
    }

    private void order(AssignmentEvent order) {
        CubeEvent event = CubeEvent.of(SOURCE, order.taskId(), clock.instant(), order);
        context.forward(new Record<String, Object>(order.workerId(), event, clock.millis()), TaskProjection.ASSIGNMENTS_SINK);
    }

    private boolean arrivedOnAnotherPartition(Record<String, byte[]> record) {
        return context.recordMetadata()
                .map(meta -> meta.partition() != Topic.partitionOf(record.key(), taskEventPartitions))
                .orElse(false);
    }

    private void deadLetter(Record<String, byte[]> record, String field, String reason) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(DeadLetterHeaders.REASON, reason.getBytes(StandardCharsets.UTF_8));
        if (field != null) {
            headers.add(DeadLetterHeaders.FIELD, field.getBytes(StandardCharsets.UTF_8));
        }
        context.recordMetadata().ifPresent(meta -> addOrigin(headers, meta));
        LOG.warn("dead letter (key {}): {}{}", record.key(), field == null ? "" : field + ": ", reason);
        context.forward(new Record<String, Object>(record.key(), record.value(), record.timestamp(), headers), TaskProjection.DEAD_LETTERS_SINK);
    }

    private static void addOrigin(RecordHeaders headers, RecordMetadata meta) {
        headers.add(DeadLetterHeaders.TOPIC, meta.topic().getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterHeaders.PARTITION, String.valueOf(meta.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterHeaders.OFFSET, String.valueOf(meta.offset()).getBytes(StandardCharsets.UTF_8));
    }
}
