package dev.cube.worker;

import dev.cube.events.output.OutputRecord;
import dev.cube.events.topics.Topic;
import dev.cube.events.topics.Topics;
import dev.cube.worker.output.OutputCursor;
import dev.cube.worker.output.OutputJournal;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link OutputJournal} on {@code cube.task-logs}: records are sent keyed by task id, stamped with
 * their time, by a producer of their own (idempotent, LZ4, batched), so that a burst of output never
 * queues the worker's reports. The tail of an attempt is read backwards from the end of its task's
 * partition, in growing chunks, down at most to the first record stamped at or after the attempt's first
 * line ({@code offsetsForTimes}), until it says where the attempt's shipping stands. Thread-safe; reads
 * take turns on one consumer.
 */
final class KafkaOutputJournal implements OutputJournal, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaOutputJournal.class);
    private static final int FIRST_CHUNK = 256;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration READ_LIMIT = Duration.ofSeconds(30);

    private final String topic = Topics.TASK_LOGS.name();
    private final KafkaProducer<String, OutputRecord> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private int partitions;

    KafkaOutputJournal(dev.cube.kafka.KafkaClientConfig kafka, String workerId) {
        this.producer = new KafkaProducer<>(kafka.clientConfig(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, "cube-worker-" + workerId + "-output",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000)),
                Topics.TASK_LOGS.keySerde().serializer(), Topics.TASK_LOGS.valueSerde().serializer());
        this.consumer = new KafkaConsumer<>(kafka.clientConfig(Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "cube-worker-" + workerId + "-output-tail",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20)),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public CompletableFuture<?> append(OutputRecord record) {
        CompletableFuture<Object> acked = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, null, record.time().toEpochMilli(), record.taskId(), record), (metadata, error) -> {
                if (error != null) {
                    acked.completeExceptionally(error);
                } else {
                    acked.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return acked;
    }

    @Override
    public synchronized List<OutputRecord> tail(String taskId, int attempt, Instant firstLine) {
        TopicPartition partition = new TopicPartition(topic, Topic.partitionOf(taskId, partitionCount()));
        consumer.assign(List.of(partition));
        long begin = consumer.beginningOffsets(List.of(partition)).get(partition);
        long end = consumer.endOffsets(List.of(partition)).get(partition);
        OffsetAndTimestamp first = consumer.offsetsForTimes(Map.of(partition, firstLine.toEpochMilli())).get(partition);
        long lowest = Math.max(begin, first == null ? end : first.offset());
        List<OutputRecord> found = new ArrayList<>();
        long chunk = FIRST_CHUNK;
        for (long to = end; to > lowest; to = Math.max(lowest, to - chunk), chunk *= 4) {
            long from = Math.max(lowest, to - chunk);
            List<OutputRecord> earlier = read(partition, from, to, taskId, attempt);
            earlier.addAll(found);
            found = earlier;
            if (OutputCursor.isEnoughOf(found)) {
                break;
            }
        }
        return found;
    }

    /** The attempt's records at offsets [from, to) of the partition, in order. */
    private List<OutputRecord> read(TopicPartition partition, long from, long to, String taskId, int attempt) {
        List<OutputRecord> out = new ArrayList<>();
        consumer.seek(partition, from);
        long deadline = System.nanoTime() + READ_LIMIT.toNanos();
        while (consumer.position(partition) < to) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + partition + " from " + from + " to " + to + " within " + READ_LIMIT.toSeconds() + " s");
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                if (record.offset() >= to || !taskId.equals(record.key()) || record.value() == null) {
                    continue;
                }
                try {
                    OutputRecord value = Topics.TASK_LOGS.valueSerde().deserializer().deserialize(topic, record.value());
                    if (value.attempt() == attempt) {
                        out.add(value);
                    }
                } catch (RuntimeException unreadable) {
                    LOG.debug("Skipping an unreadable record at {} offset {}", partition, record.offset());
                }
            }
        }
        return out;
    }

    private int partitionCount() {
        if (partitions == 0) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            partitions = infos == null || infos.isEmpty() ? Topics.TASK_LOGS.partitions() : infos.size();
        }
        return partitions;
    }

    /** Sends what is buffered (at most {@code wait}), then closes the clients. */
    void close(Duration wait) {
        try {
            producer.close(wait);
        } catch (RuntimeException e) {
            LOG.warn("Closing the output producer failed: {}", e.toString());
        }
        synchronized (this) {
            consumer.close();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
