package dev.cube.manager.output;

import dev.cube.events.output.OutputRecord;
import dev.cube.events.topics.Topic;
import dev.cube.events.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One attempt's records of {@code cube.task-logs}, read from its task's partition with a plain consumer
 * (no group, nothing committed) from the first record stamped at or after {@code notBefore}. Each
 * record number ({@code seq}) is given once: a record written twice is dropped. Not thread-safe but for
 * {@link #wakeup()}; close it.
 */
public final class AttemptOutput implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AttemptOutput.class);

    private final String taskId;
    private final int attempt;
    private final KafkaConsumer<String, byte[]> consumer;
    private final TopicPartition partition;
    private final long endAtStart;
    private long seen;
    private boolean ended;

    public AttemptOutput(dev.cube.kafka.KafkaClientConfig kafka, String taskId, int attempt, Instant notBefore) {
        this.taskId = taskId;
        this.attempt = attempt;
        this.consumer = new KafkaConsumer<>(kafka.clientConfig(Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "cube-manager-logs",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100)),
                new StringDeserializer(), new ByteArrayDeserializer());
        try {
            var infos = consumer.partitionsFor(Topics.TASK_LOGS.name());
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("no topic " + Topics.TASK_LOGS.name());
            }
            this.partition = new TopicPartition(Topics.TASK_LOGS.name(), Topic.partitionOf(taskId, infos.size()));
            consumer.assign(List.of(partition));
            this.endAtStart = consumer.endOffsets(List.of(partition)).get(partition);
            OffsetAndTimestamp first = consumer.offsetsForTimes(Map.of(partition, Math.max(0, notBefore.toEpochMilli()))).get(partition);
            consumer.seek(partition, first == null ? endAtStart : first.offset());
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /** The attempt's next records, in order, waiting at most {@code wait} for some; none once its end was read. */
    public List<OutputRecord> poll(Duration wait) {
        List<OutputRecord> out = new ArrayList<>();
        if (ended) {
            return out;
        }
        try {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(wait)) {
                if (!taskId.equals(record.key()) || record.value() == null) {
                    continue;
                }
                OutputRecord value;
                try {
                    value = Topics.TASK_LOGS.valueSerde().deserializer().deserialize(record.topic(), record.value());
                } catch (RuntimeException unreadable) {
                    LOG.debug("Skipping an unreadable record at {} offset {}", partition, record.offset());
                    continue;
                }
                if (value.attempt() != attempt || value.seq() <= seen) {
                    continue;
                }
                seen = value.seq();
                out.add(value);
                if (value.kind() == OutputRecord.Kind.END) {
                    ended = true;
                    break;
                }
            }
        } catch (WakeupException woken) {
            // the caller asked
        }
        return out;
    }

    /** Whether the attempt's end record was read: nothing follows it. */
    public boolean ended() {
        return ended;
    }

    /** Whether everything that was on the partition when this reader opened has been read. */
    public boolean readWhatWasThere() {
        return ended || consumer.position(partition) >= endAtStart;
    }

    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
