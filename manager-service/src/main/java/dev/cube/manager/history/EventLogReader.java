package dev.cube.manager.history;

import dev.cube.events.topics.Topic;
import dev.cube.events.topics.Topics;
import dev.cube.kafka.KafkaClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads {@code cube.task-events} straight from the log with a plain {@link KafkaConsumer}
 * ({@code read_committed}, no group, nothing committed), between two bounds: where to start (the
 * beginning, given offsets, or a log time through {@code offsetsForTimes}) and where to stop (the end
 * of each partition as it is when the read starts, or the last record whose log time is at or before
 * an instant). Log times are the broker's (LogAppendTime), monotonic within a partition, so the bound
 * by time is exact. Not thread-safe; close it.
 */
public final class EventLogReader implements AutoCloseable {

    /** Called every so often during a read, and once at its end. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (read, total, perSecond, done) -> {
        };

        /**
         * @param read      records read so far
         * @param total     records to read (an upper bound: transaction markers take offsets too)
         * @param perSecond records read per second since the read started
         * @param done      whether the read has ended
         */
        void report(long read, long total, double perSecond, boolean done);
    }

    /** What one read did. */
    public record Summary(long records, long nanos, Map<Integer, Long> endOffsets) {
        public double perSecond() {
            return nanos <= 0 ? 0 : records * 1e9 / nanos;
        }
    }

    private static final Duration POLL = Duration.ofMillis(200);
    private static final long PROGRESS_EVERY_NANOS = 1_000_000_000L;

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final int partitions;

    public EventLogReader(String bootstrapServers, String clientId) {
        this(KafkaClientConfig.of(bootstrapServers), clientId, Topics.TASK_EVENTS.name());
    }

    public EventLogReader(KafkaClientConfig kafka, String clientId) {
        this(kafka, clientId, Topics.TASK_EVENTS.name());
    }

    public EventLogReader(String bootstrapServers, String clientId, String topic) {
        this(KafkaClientConfig.of(bootstrapServers), clientId, topic);
    }

    public EventLogReader(KafkaClientConfig kafka, String clientId, String topic) {
        this.topic = topic;
        this.consumer = new KafkaConsumer<>(kafka.clientConfig(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
                // A bounded read ends with a fetch still parked at the broker: closing waits for it.
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024,
                ConsumerConfig.CLIENT_ID_CONFIG, clientId)),
                new StringDeserializer(), new ByteArrayDeserializer());
        var found = consumer.partitionsFor(topic);
        if (found == null || found.isEmpty()) {
            consumer.close();
            throw new IllegalStateException("no topic " + topic + " on " + kafka.bootstrapServers());
        }
        this.partitions = found.size();
    }

    public int partitionCount() {
        return partitions;
    }

    /** The partition a task's events are folded on. */
    public int partitionOf(String taskId) {
        return Topic.partitionOf(taskId, partitions);
    }

    /** Offset 0 on every partition. */
    public Map<Integer, Long> beginning() {
        Map<Integer, Long> start = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            start.put(p, 0L);
        }
        return start;
    }

    /** Where each partition's committed records end now (the offset the next one will take). */
    public Map<Integer, Long> ends() {
        List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            all.add(new TopicPartition(topic, p));
        }
        Map<Integer, Long> out = new HashMap<>();
        consumer.endOffsets(all).forEach((tp, offset) -> out.put(tp.partition(), offset));
        return out;
    }

    /** On each of {@code wanted}, the first offset whose log time is at or after {@code time} (the end when none is). */
    public Map<Integer, Long> offsetsAt(Instant time, List<Integer> wanted) {
        Map<TopicPartition, Long> query = new HashMap<>();
        wanted.forEach(p -> query.put(new TopicPartition(topic, p), time.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
        Map<TopicPartition, Long> ends = consumer.endOffsets(query.keySet());
        Map<Integer, Long> out = new HashMap<>();
        for (TopicPartition tp : query.keySet()) {
            OffsetAndTimestamp at = found.get(tp);
            out.put(tp.partition(), at == null ? ends.get(tp) : at.offset());
        }
        return out;
    }

    /**
     * Reads from {@code start} (partition → offset) to the end of each partition as it is now, or,
     * when {@code until} is given, to the last record whose log time is at or before it; hands each
     * record to {@code sink} in offset order within its partition.
     */
    public Summary read(Map<Integer, Long> start, Optional<Instant> until, Consumer<LoggedEvent> sink, Progress progress) {
        List<TopicPartition> assigned = start.keySet().stream().sorted().map(p -> new TopicPartition(topic, p)).toList();
        Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(assigned));
        if (until.isPresent()) {
            Instant after = until.get().plusMillis(1);
            Map<Integer, Long> bound = offsetsAt(after, start.keySet().stream().sorted().toList());
            bound.forEach((p, offset) -> end.merge(new TopicPartition(topic, p), offset, Math::min));
        }
        if (!consumer.assignment().equals(new java.util.HashSet<>(assigned))) {
            consumer.assign(assigned);
        }
        consumer.resume(assigned);
        long total = 0;
        List<TopicPartition> open = new ArrayList<>();
        for (TopicPartition tp : assigned) {
            long from = Math.max(0, start.get(tp.partition()));
            consumer.seek(tp, from);
            total += Math.max(0, end.get(tp) - from);
            if (from < end.get(tp)) {
                open.add(tp);
            } else {
                consumer.pause(List.of(tp));
            }
        }
        long began = System.nanoTime();
        long lastReport = began;
        long read = 0;
        while (!open.isEmpty()) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                if (record.offset() >= end.get(tp)) {
                    continue;
                }
                read++;
                sink.accept(new LoggedEvent(record.partition(), record.offset(), Instant.ofEpochMilli(record.timestamp()),
                        record.key(), headers(record), record.value()));
            }
            for (var it = open.iterator(); it.hasNext(); ) {
                TopicPartition tp = it.next();
                if (consumer.position(tp) >= end.get(tp)) {
                    consumer.pause(List.of(tp));
                    it.remove();
                }
            }
            long now = System.nanoTime();
            if (now - lastReport >= PROGRESS_EVERY_NANOS) {
                lastReport = now;
                progress.report(read, total, read * 1e9 / Math.max(1, now - began), false);
            }
        }
        long nanos = System.nanoTime() - began;
        progress.report(read, total, read * 1e9 / Math.max(1, nanos), true);
        Map<Integer, Long> ends = new HashMap<>();
        end.forEach((tp, offset) -> ends.put(tp.partition(), offset));
        return new Summary(read, nanos, ends);
    }

    private static Map<String, byte[]> headers(ConsumerRecord<String, byte[]> record) {
        if (!record.headers().iterator().hasNext()) {
            return Map.of();
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            out.put(header.key(), header.value());
        }
        return out;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
