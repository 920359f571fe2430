package dev.cube.manager.history;

import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.state.Evolution;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStateMachine;
import dev.cube.events.wire.CloudEventCodec;
import dev.cube.manager.projection.Admission;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The projection's fold, away from Kafka Streams: records of {@code cube.task-events} in log order,
 * decoded as the projection decodes them ({@link CloudEventCodec#decode(Map, byte[])}, both modes),
 * admitted by the same rule ({@link Admission}) and folded by the same {@link TaskStateMachine#evolve}. Not
 * thread-safe: one reader feeds it.
 */
public final class LogFold {

    private final int partitions;
    private final boolean fromTheStart;
    private final Map<String, TaskState> states = new HashMap<>();
    private final dev.cube.events.origin.OriginCheck origins;

    /**
     * @param partitions   how many partitions {@code cube.task-events} has
     * @param fromTheStart whether the records come from the start of the log; when not, an event of a
     *                     task not seen yet is {@link Outcome#UNKNOWN_START} rather than rejected
     */
    public LogFold(int partitions, boolean fromTheStart) {
        this(partitions, fromTheStart, dev.cube.events.origin.OriginCheck.OFF);
    }

    /** @param origins with a cluster secret, refuses what the live fold refuses by origin proof ({@link dev.cube.events.origin.OriginPolicy}) */
    public LogFold(int partitions, boolean fromTheStart, dev.cube.events.origin.OriginCheck origins) {
        this.partitions = partitions;
        this.fromTheStart = fromTheStart;
        this.origins = origins;
    }

    public Step apply(LoggedEvent record) {
        String key = record.key();
        CubeEvent event;
        switch (Admission.of(key, record.partition(), partitions, () -> CloudEventCodec.decode(record.headers(), record.value()))) {
            case Admission.Admitted admitted -> event = admitted.event();
            case Admission.Misplaced misplaced -> {
                return new Step(record, key, null, Outcome.MISPLACED, "on partition " + record.partition() + ", not its key's "
                        + misplaced.keyPartition() + ": the manager copies it there, where it counts", states.get(key));
            }
            case Admission.Refused refused -> {
                return new Step(record, key, null, Outcome.INVALID,
                        (refused.field() == null ? "" : refused.field() + ": ") + refused.reason(), key == null ? null : states.get(key));
            }
        }
        TaskState before = states.get(key);
        if (before == null && !fromTheStart && !(event.data() instanceof TaskEvent.Submitted)) {
            return new Step(record, key, event, Outcome.UNKNOWN_START, "the task was submitted before the start of this read", null);
        }
        if (origins.enabled()) {
            org.apache.kafka.common.header.internals.RecordHeaders headers = new org.apache.kafka.common.header.internals.RecordHeaders();
            record.headers().forEach(headers::add);
            var refusal = dev.cube.events.origin.OriginPolicy.refusal(event,
                    origins.origin(dev.cube.events.topics.Topics.TASK_EVENTS.name(), headers, record.value()), before);
            if (refusal.isPresent()) {
                return new Step(record, key, event, Outcome.REJECTED, refusal.get(), before);
            }
        }
        Evolution evolution = TaskStateMachine.evolve(before, event);
        return switch (evolution) {
            case Evolution.Applied applied -> {
                states.put(key, applied.state());
                yield new Step(record, key, event, Outcome.APPLIED, null, applied.state());
            }
            case Evolution.Duplicate duplicate -> new Step(record, key, event, Outcome.DUPLICATE, "event " + event.id() + " was applied before", before);
            case Evolution.Ignored ignored -> new Step(record, key, event, Outcome.IGNORED, ignored.reason(), before);
            case Evolution.Rejected rejected -> new Step(record, key, event, Outcome.REJECTED, rejected.reason(), before);
        };
    }

    /** The state of each task folded so far, by task id (a live view). */
    public Map<String, TaskState> states() {
        return Collections.unmodifiableMap(states);
    }

    public int partitions() {
        return partitions;
    }
}
