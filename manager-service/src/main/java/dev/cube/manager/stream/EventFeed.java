package dev.cube.manager.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.CubeEvent;
import dev.cube.events.topics.Topic;
import dev.cube.events.topics.Topics;
import dev.cube.events.wire.CloudEventCodec;
import dev.cube.events.wire.Json;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The events of {@code cube.task-events} (and, when asked, {@code cube.workers} and
 * {@code cube.worker-admin}) that an {@link EventFilter} wants, read from a {@link Position} with a plain
 * {@code read_committed} consumer (no group, nothing committed), in log order within each partition.
 * Every item carries the position after it, so that a reader that goes away and comes back with it
 * misses nothing and gets nothing twice. Records that are no valid event are skipped (they are on
 * {@code cube.dead-letters}). Not thread-safe but for {@link #wakeup()}; close it.
 */
public final class EventFeed implements AutoCloseable {

    /** Where a feed starts: the beginning of what it reads, its end now, a position, or the first records at or after a log time. */
    public sealed interface Start {
        /** On each partition, the first record whose log time is at or after {@code at} ({@code offsetsForTimes}); the end when none is. */
        record Time(java.time.Instant at) implements Start {
        }

        record Beginning() implements Start {
        }

        record End() implements Start {
        }

        record At(Position position) implements Start {
        }
    }

    /** One event as the feed gives it: the position after it, and its JSON ({@code cursor, topic, partition, offset, logTime, event}). */
    public record Item(Position after, ObjectNode json) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final EventFilter filter;
    private final List<TopicPartition> partitions;
    private final Map<TopicPartition, Long> endAtStart;
    private final Map<String, Map<Integer, Long>> next = new LinkedHashMap<>();

    /**
     * @param taskFirstOffset where the filter's task starts on its partition, if known (the beginning then starts there)
     */
    public EventFeed(dev.cube.kafka.KafkaClientConfig kafka, EventFilter filter, boolean workerTopics, Start start, Long taskFirstOffset) {
        this.filter = filter;
        this.consumer = new KafkaConsumer<>(kafka.clientConfig(Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "cube-manager-events",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100)),
                new StringDeserializer(), new ByteArrayDeserializer());
        try {
            this.partitions = partitions(filter, workerTopics);
            consumer.assign(partitions);
            this.endAtStart = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions);
            Map<TopicPartition, Long> atTime = new HashMap<>();
            if (start instanceof Start.Time(java.time.Instant at)) {
                Map<TopicPartition, Long> query = new HashMap<>();
                partitions.forEach(tp -> query.put(tp, Math.max(0, at.toEpochMilli())));
                consumer.offsetsForTimes(query).forEach((tp, found) -> atTime.put(tp, found == null ? endAtStart.get(tp) : found.offset()));
            }
            for (TopicPartition tp : partitions) {
                long offset = switch (start) {
                    case Start.End ignored -> endAtStart.get(tp);
                    case Start.Beginning ignored -> filter.task() != null && taskFirstOffset != null ? taskFirstOffset : beginning.get(tp);
                    case Start.At(Position given) -> given.of(tp.topic(), tp.partition()).orElse(beginning.get(tp));
                    case Start.Time ignored -> atTime.getOrDefault(tp, endAtStart.get(tp));
                };
                offset = Math.max(offset, beginning.get(tp));
                consumer.seek(tp, offset);
                next.computeIfAbsent(tp.topic(), t -> new LinkedHashMap<>()).put(tp.partition(), offset);
            }
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    private List<TopicPartition> partitions(EventFilter filter, boolean workerTopics) {
        List<TopicPartition> out = new ArrayList<>();
        int taskPartitions = count(Topics.TASK_EVENTS.name());
        if (filter.task() != null) {
            out.add(new TopicPartition(Topics.TASK_EVENTS.name(), Topic.partitionOf(filter.task(), taskPartitions)));
            return out;
        }
        for (int p = 0; p < taskPartitions; p++) {
            out.add(new TopicPartition(Topics.TASK_EVENTS.name(), p));
        }
        if (workerTopics) {
            for (String topic : List.of(Topics.WORKERS.name(), Topics.WORKER_ADMIN.name())) {
                for (int p = 0, n = count(topic); p < n; p++) {
                    out.add(new TopicPartition(topic, p));
                }
            }
        }
        return out;
    }

    private int count(String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("no topic " + topic);
        }
        return infos.size();
    }

    /** Where the feed stands: after everything it has read. */
    public Position position() {
        return new Position(next);
    }

    /** The next events the filter wants, waiting at most {@code wait} for records; possibly none. */
    public List<Item> poll(Duration wait) {
        List<Item> items = new ArrayList<>();
        try {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(wait)) {
                next.get(record.topic()).put(record.partition(), record.offset() + 1);
                CubeEvent event = decode(record);
                if (event != null && filter.matches(event)) {
                    Position after = new Position(next);
                    items.add(new Item(after, item(record, event, after)));
                }
            }
        } catch (WakeupException woken) {
            // the caller asked
        }
        return items;
    }

    /** Whether the feed has read every partition up to where it ended when the feed opened. */
    public boolean readWhatWasThere() {
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp) < endAtStart.get(tp)) {
                return false;
            }
        }
        return true;
    }

    private static CubeEvent decode(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return null;
        }
        try {
            return CloudEventCodec.decode(record.headers(), record.value());
        } catch (RuntimeException invalid) {
            return null;
        }
    }

    private static ObjectNode item(ConsumerRecord<String, byte[]> record, CubeEvent event, Position after) {
        ObjectNode item = Json.MAPPER.createObjectNode();
        item.put("cursor", after.toString());
        item.put("topic", record.topic());
        item.put("partition", record.partition());
        item.put("offset", record.offset());
        item.put("logTime", Instant.ofEpochMilli(record.timestamp()).toString());
        item.set("event", CloudEventCodec.toJson(event));
        return item;
    }

    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
