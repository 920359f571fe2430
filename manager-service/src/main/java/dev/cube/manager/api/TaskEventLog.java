package dev.cube.manager.api;

import dev.cube.events.topics.Topic;
import dev.cube.events.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads one task's records from {@code cube.task-events}, in log order, straight from the log (its key's partition, where it is folded). */
final class TaskEventLog {

    record LoggedRecord(int partition, long offset, long timestamp, byte[] value) {
    }

    private final String bootstrapServers;

    TaskEventLog(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** The task's records from {@code fromOffset} up to the end of its partition as committed now. */
    List<LoggedRecord> read(String taskId, long fromOffset) {
        List<LoggedRecord> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000,
                ConsumerConfig.CLIENT_ID_CONFIG, "cube-manager-history"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            int partitions = consumer.partitionsFor(Topics.TASK_EVENTS.name()).size();
            TopicPartition tp = new TopicPartition(Topics.TASK_EVENTS.name(), Topic.partitionOf(taskId, partitions));
            consumer.assign(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            consumer.seek(tp, Math.max(0, fromOffset));
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (taskId.equals(record.key())) {
                        out.add(new LoggedRecord(record.partition(), record.offset(), record.timestamp(), record.value()));
                    }
                }
            }
        }
        return out;
    }
}
