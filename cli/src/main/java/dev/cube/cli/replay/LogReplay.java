package dev.cube.cli.replay;

import dev.cube.events.state.TaskState;
import dev.cube.manager.history.EventLogReader;
import dev.cube.manager.history.LogFold;
import dev.cube.manager.history.Step;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Rebuilds task states from {@code cube.task-events} alone: reads the log with a plain consumer
 * ({@link EventLogReader}) and folds it with the projection's own function ({@link LogFold}, which
 * calls {@code TaskStateMachine.evolve}). Independent of the manager and of its stores.
 *
 * <p>Use from code (the bench does):
 * <pre>
 * LogReplay.Result result = LogReplay.replay(bootstrap, LogReplay.Window.everything(), step -&gt; { },
 *         (read, total, perSecond, done) -&gt; System.err.printf("%d/%d %.0f/s%n", read, total, perSecond));
 * result.records(); result.perSecond(); result.states();
 * </pre>
 * Thread-safe: each call has its own consumer.
 */
public final class LogReplay {

    /**
     * What to read.
     *
     * @param from  start at the first record whose log time is at or after this (via {@code offsetsForTimes});
     *              empty: the beginning. Tasks submitted before it are not known to the fold.
     * @param until stop after the last record whose log time is at or before this; empty: the end as it is now
     * @param task  only this task's partition and records; empty: every task
     */
    public record Window(Optional<Instant> from, Optional<Instant> until, Optional<String> task) {
        public static Window everything() {
            return new Window(Optional.empty(), Optional.empty(), Optional.empty());
        }

        public static Window asOf(Instant until) {
            return new Window(Optional.empty(), Optional.of(until), Optional.empty());
        }
    }

    /** The states rebuilt (by task id, sorted), how many records were read, in how long, and where the read stopped. */
    public record Result(Map<String, TaskState> states, long records, Duration elapsed, Map<Integer, Long> endOffsets) {
        public double perSecond() {
            return elapsed.isZero() ? 0 : records * 1e9 / elapsed.toNanos();
        }
    }

    private LogReplay() {
    }

    /** Reads {@code window} of the log, folds it, hands every step to {@code steps} and reports {@code progress}. */
    public static Result replay(String bootstrapServers, Window window, Consumer<Step> steps, EventLogReader.Progress progress) {
        return replay(dev.cube.kafka.KafkaClientConfig.of(bootstrapServers), window, steps, progress);
    }

    /** The same, with the operator's Kafka client settings. */
    public static Result replay(dev.cube.kafka.KafkaClientConfig kafka, Window window, Consumer<Step> steps, EventLogReader.Progress progress) {
        return replay(kafka, dev.cube.events.origin.OriginCheck.OFF, window, steps, progress);
    }

    /** The same, refusing by origin proof as the live projection does when {@code origins} has the cluster secret. */
    public static Result replay(dev.cube.kafka.KafkaClientConfig kafka, dev.cube.events.origin.OriginCheck origins, Window window,
                                Consumer<Step> steps, EventLogReader.Progress progress) {
        try (EventLogReader reader = new EventLogReader(kafka, "cube-replay")) {
            LogFold fold = new LogFold(reader.partitionCount(), window.from().isEmpty(), origins);
            Map<Integer, Long> start = window.task()
                    .map(id -> Map.of(reader.partitionOf(id), 0L))
                    .orElseGet(reader::beginning);
            if (window.from().isPresent()) {
                start = reader.offsetsAt(window.from().get(), start.keySet().stream().sorted().toList());
            }
            EventLogReader.Summary summary = reader.read(start, window.until(), record -> {
                if (window.task().isEmpty() || window.task().get().equals(record.key())) {
                    steps.accept(fold.apply(record));
                }
            }, progress);
            return new Result(new TreeMap<>(fold.states()), summary.records(), Duration.ofNanos(summary.nanos()), summary.endOffsets());
        }
    }
}
