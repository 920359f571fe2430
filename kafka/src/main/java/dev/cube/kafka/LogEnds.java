package dev.cube.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a topic's committed data ends: for each partition, the offset of its last record that a
 * {@code read_committed} consumer would read (transaction markers and aborted records do not count),
 * or -1 when there is none. A processor that has processed the record at that offset has read the
 * partition as it was when this was asked.
 */
public final class LogEnds {

    private static final int FIRST_LOOK_BACK = 64;

    private LogEnds() {
    }

    public static Map<Integer, Long> lastRecordOffsets(String bootstrapServers, String topic) {
        return lastRecordOffsets(KafkaClientConfig.of(bootstrapServers), topic);
    }

    public static Map<Integer, Long> lastRecordOffsets(KafkaClientConfig kafka, String topic) {
        Map<String, Object> config = kafka.clientConfig(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // The log is there already: a fetch that finds nothing more must not wait (500 ms by default) in front of
                // the next partition's offset requests on the same connection (it cost a manager's start 0.5 s a partition).
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10,
                ConsumerConfig.CLIENT_ID_CONFIG, "cube-log-ends"));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            Map<Integer, Long> last = new HashMap<>();
            for (PartitionInfo info : infos) {
                TopicPartition partition = new TopicPartition(topic, info.partition());
                last.put(info.partition(), lastRecordOffset(consumer, partition));
            }
            return last;
        }
    }

    private static long lastRecordOffset(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition) {
        consumer.assign(List.of(partition));
        long begin = consumer.beginningOffsets(List.of(partition)).get(partition);
        long end = consumer.endOffsets(List.of(partition)).get(partition);
        for (long back = FIRST_LOOK_BACK; ; back *= 8) {
            long from = Math.max(begin, end - back);
            long found = lastBetween(consumer, partition, from, end);
            if (found >= 0 || from == begin) {
                return found;
            }
        }
    }

    /** The offset of the last record in [from, end), or -1. */
    private static long lastBetween(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long from, long end) {
        consumer.seek(partition, from);
        long found = -1;
        Instant deadline = Instant.now().plusSeconds(30);
        while (consumer.position(partition) < end) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("could not read " + partition + " up to offset " + end + " within 30 s");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() < end) {
                    found = Math.max(found, record.offset());
                }
            }
        }
        return found;
    }
}
