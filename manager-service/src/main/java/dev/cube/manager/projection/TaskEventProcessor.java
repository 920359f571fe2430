package dev.cube.manager.projection;

import dev.cube.events.AssignmentEvent;
import dev.cube.events.CubeEvent;
import dev.cube.events.EventData;
import dev.cube.events.PlacementEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.state.Evolution;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStateMachine;
import dev.cube.events.state.TaskStatus;
import dev.cube.events.topics.Topics.DeadLetterHeaders;
import dev.cube.events.wire.CloudEventCodec;
import dev.cube.manager.scheduling.RestartPolicy;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * Folds each task event into the task's state with {@link TaskStateMachine#evolve}, acts on what
 * was applied, and sends what cannot be used to the dead-letter topic with the reason. Acting means:
 * ask the scheduler to place a new attempt (submission, restart), tell it when an attempt stops
 * holding resources, and give workers their start and stop orders. All of it commits in the same
 * transaction as the state.
 */
final class TaskEventProcessor implements Processor<String, byte[], String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(TaskEventProcessor.class);
    static final String SOURCE = "/cube/manager";

    private final Clock clock;
    private final int taskEventPartitions;

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, TaskState> tasks;
    private KeyValueStore<String, Long> firstOffsets;

    TaskEventProcessor(Clock clock, int taskEventPartitions) {
        this.clock = clock;
        this.taskEventPartitions = taskEventPartitions;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.tasks = context.getStateStore(TaskProjection.TASK_STATE_STORE);
        this.firstOffsets = context.getStateStore(TaskProjection.FIRST_OFFSETS_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        int partition = context.recordMetadata().map(RecordMetadata::partition).orElse(-1);
        CubeEvent event;
        switch (Admission.of(record.key(), partition, taskEventPartitions, () -> CloudEventCodec.decode(record.headers(), record.value()))) {
            case Admission.Admitted admitted -> event = admitted.event();
            case Admission.Misplaced ignored -> {
                // A client whose partitioner is not murmur2 put it there: copy it to its task's partition, where it is folded.
                context.forward(record, TaskProjection.RELAY_SINK);
                return;
            }
            case Admission.Refused refused -> {
                deadLetter(context, record, refused.field(), refused.reason());
                return;
            }
        }
        TaskState before = tasks.get(event.subject());
        Evolution evolution = TaskStateMachine.evolve(before, event);
        switch (evolution) {
            case Evolution.Duplicate ignored -> {
            }
            case Evolution.Ignored ignored -> LOG.info("ignored {} {}: {}", event.type().typeName(), event.id(), ignored.reason());
            case Evolution.Rejected rejected -> {
                deadLetter(context, record, null, "rejected " + event.type().typeName() + " " + event.id() + ": " + rejected.reason());
                if (event.data() instanceof TaskEvent.Scheduled scheduled && before != null) {
                    // The scheduler reserved room for a placement the task no longer takes: give it back.
                    place(before.id(), new PlacementEvent.Released(before.id(), scheduled.attempt(), scheduled.workerId()));
                }
            }
            case Evolution.Applied applied -> {
                if (before == null) {
                    context.recordMetadata().ifPresent(meta -> firstOffsets.put(event.subject(), meta.offset()));
                }
                tasks.put(applied.state().id(), applied.state());
                context.forward(new Record<String, Object>(applied.state().id(), applied.state(), clock.millis()), TaskProjection.TASK_STATE_SINK);
                react(before, applied.state(), (TaskEvent) event.data());
            }
        }
    }

    private void react(TaskState before, TaskState after, TaskEvent event) {
        boolean heldBefore = before != null && RestartPolicy.holdsResources(before.state());
        boolean sameAttempt = before != null && before.attempt() == after.attempt();
        if (heldBefore && (!RestartPolicy.holdsResources(after.state()) || !sameAttempt)) {
            place(after.id(), new PlacementEvent.Released(after.id(), before.attempt(), before.workerId()));
        }
        switch (event) {
            case TaskEvent.Submitted submitted -> place(after.id(), new PlacementEvent.Requested(after.id(), 1,
                    RestartPolicy.resourcesOf(submitted.spec()), null, "submitted"));
            case TaskEvent.Scheduled scheduled -> {
                if (heldBefore && !sameAttempt) {
                    order(new AssignmentEvent.Stop(before.workerId(), before.id(), before.attempt(), "replaced by attempt " + scheduled.attempt()));
                }
                order(new AssignmentEvent.Start(scheduled.workerId(), after.id(), scheduled.attempt(), after.spec()));
            }
            case TaskEvent.StopRequested ignored -> {
                if (heldBefore) {
                    order(new AssignmentEvent.Stop(before.workerId(), before.id(), before.attempt(), "stop requested"));
                } else {
                    // Withdraw a placement the task may be waiting for (first run or restart).
                    place(after.id(), new PlacementEvent.Released(after.id(), after.attempt() + 1, null));
                }
            }
            case TaskEvent.Completed ignored -> restartIfWanted(after);
            case TaskEvent.Failed ignored -> restartIfWanted(after);
            case TaskEvent.Lost ignored -> restartIfWanted(after);
            case TaskEvent.Unplaced ignored -> {
            }
            case TaskEvent.Running ignored -> {
            }
            case TaskEvent.Stopped ignored -> {
            }
        }
    }

    private void restartIfWanted(TaskState task) {
        RestartPolicy.next(task, clock.instant()).ifPresent(request -> place(task.id(), request));
    }

    private void place(String taskId, PlacementEvent request) {
        forward(TaskProjection.PLACEMENT_SINK, taskId, taskId, request);
    }

    private void order(AssignmentEvent order) {
        forward(TaskProjection.ASSIGNMENTS_SINK, order.workerId(), order.taskId(), order);
    }

    private void forward(String sink, String key, String subject, EventData data) {
        CubeEvent event = CubeEvent.of(SOURCE, subject, clock.instant(), data);
        context.forward(new Record<String, Object>(key, event, clock.millis()), sink);
    }

    /** Sends {@code record} to {@code cube.dead-letters} untouched, with headers saying why and where it came from. */
    static void deadLetter(ProcessorContext<String, Object> context, Record<String, byte[]> record, String field, String reason) {
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
