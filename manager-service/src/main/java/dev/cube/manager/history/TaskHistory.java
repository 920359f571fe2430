package dev.cube.manager.history;

import dev.cube.events.state.TaskState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Answers questions about the past by folding the log, never from a store: a task's history, a
 * task's state as of an instant, every task's state as of an instant. The "time" of a state is the
 * log time of the event that produced it. Each call opens its own short-lived consumer; thread-safe.
 */
public final class TaskHistory {

    private final dev.cube.kafka.KafkaClientConfig kafka;
    private final dev.cube.events.origin.OriginCheck origins;

    public TaskHistory(String bootstrapServers) {
        this(dev.cube.kafka.KafkaClientConfig.of(bootstrapServers));
    }

    public TaskHistory(dev.cube.kafka.KafkaClientConfig kafka) {
        this(kafka, dev.cube.events.origin.OriginCheck.OFF);
    }

    /** Folds as the live projection does, refusing by origin proof with {@code origins}' secret. */
    public TaskHistory(dev.cube.kafka.KafkaClientConfig kafka, dev.cube.events.origin.OriginCheck origins) {
        this.kafka = kafka;
        this.origins = origins;
    }

    /** Every record of the task from {@code firstOffset} on its partition, up to the end of the log as it is now. */
    public List<Step> of(String taskId, long firstOffset) {
        return steps(taskId, firstOffset, Optional.empty());
    }

    /** The task's state after the last of its events whose log time is at or before {@code asOf}; empty before its first. */
    public Optional<TaskState> asOf(String taskId, long firstOffset, Instant asOf) {
        List<Step> steps = steps(taskId, firstOffset, Optional.of(asOf));
        return steps.isEmpty() ? Optional.empty() : Optional.ofNullable(steps.getLast().state());
    }

    /**
     * Every task's state as of {@code asOf}, by task id. Costs a read of the whole log up to
     * {@code asOf} (every partition from offset 0): use it for investigations, not in a loop.
     */
    public Map<String, TaskState> allAsOf(Instant asOf) {
        try (EventLogReader reader = new EventLogReader(kafka, "cube-manager-as-of")) {
            LogFold fold = new LogFold(reader.partitionCount(), true, origins);
            reader.read(reader.beginning(), Optional.of(asOf), fold::apply, EventLogReader.Progress.NONE);
            return new TreeMap<>(fold.states());
        }
    }

    private List<Step> steps(String taskId, long firstOffset, Optional<Instant> until) {
        try (EventLogReader reader = new EventLogReader(kafka, "cube-manager-history")) {
            LogFold fold = new LogFold(reader.partitionCount(), true, origins);
            List<Step> steps = new ArrayList<>();
            reader.read(Map.of(reader.partitionOf(taskId), firstOffset), until, record -> {
                if (taskId.equals(record.key())) {
                    steps.add(fold.apply(record));
                }
            }, EventLogReader.Progress.NONE);
            return steps;
        }
    }
}
