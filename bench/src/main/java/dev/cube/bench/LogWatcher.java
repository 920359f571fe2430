package dev.cube.bench;

import dev.cube.events.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code cube.task-events} from the beginning (read_committed, as any consumer of the
 * contract would) on its own thread and hands each record's key, CloudEvents type and broker
 * timestamp (LogAppendTime) to a listener. The type is found in the bytes Cube's codec writes
 * (compact JSON), so watching costs little next to what is measured.
 */
final class LogWatcher implements AutoCloseable {

    interface Listener {
        void on(String key, String type, long logTime, byte[] value);
    }

    private static final byte[] TYPE = "\"type\":\"".getBytes(StandardCharsets.UTF_8);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    LogWatcher(String bootstrap, String topic, Listener listener) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "cube-bench-watcher-" + topic,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = Thread.ofPlatform().daemon().name("cube-bench-watcher").start(() -> {
            try {
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        listener.on(r.key(), type(r.value()), r.timestamp(), r.value());
                    }
                }
            } catch (WakeupException e) {
                // closing
            } catch (Throwable t) {
                failure = t;
            } finally {
                consumer.close(Duration.ofSeconds(2));
            }
        });
    }

    static LogWatcher taskEvents(String bootstrap, Listener listener) {
        return new LogWatcher(bootstrap, Topics.TASK_EVENTS.name(), listener);
    }

    void check() {
        if (failure != null) {
            throw new IllegalStateException("the log watcher failed", failure);
        }
    }

    /** The CloudEvents type of a structured-mode record written by Cube's codec, or "" when not found. */
    static String type(byte[] v) {
        if (v == null) {
            return "";
        }
        outer:
        for (int i = 0; i + TYPE.length < v.length; i++) {
            for (int j = 0; j < TYPE.length; j++) {
                if (v[i + j] != TYPE[j]) {
                    continue outer;
                }
            }
            int start = i + TYPE.length;
            int end = start;
            while (end < v.length && v[end] != '"') {
                end++;
            }
            return new String(v, start, end - start, StandardCharsets.US_ASCII);
        }
        return "";
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
