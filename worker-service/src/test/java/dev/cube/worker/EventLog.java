package dev.cube.worker;

import dev.cube.events.CubeEvent;
import dev.cube.events.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

/** What a user reading {@code cube.task-events} and {@code cube.workers} sees, collected in the background. */
final class EventLog implements AutoCloseable {

    private final KafkaConsumer<String, CubeEvent> consumer;
    private final List<CubeEvent> events = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile boolean open = true;

    EventLog(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), Topics.TASK_EVENTS.valueSerde().deserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        IntStream.range(0, Topics.TASK_EVENTS.partitions()).forEach(i -> partitions.add(new TopicPartition(Topics.TASK_EVENTS.name(), i)));
        IntStream.range(0, Topics.WORKERS.partitions()).forEach(i -> partitions.add(new TopicPartition(Topics.WORKERS.name(), i)));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        reader = new Thread(this::read, "event-log");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try {
            while (open) {
                for (ConsumerRecord<String, CubeEvent> record : consumer.poll(Duration.ofMillis(100))) {
                    events.add(record.value());
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    /** Every event about {@code subject} (a task or worker id), in log order. */
    List<CubeEvent> about(String subject) {
        return events.stream().filter(e -> e.subject().equals(subject)).toList();
    }

    /** The logical type names of the events about {@code subject}, e.g. {@code dev.cube.task.running}. */
    List<String> typesOf(String subject) {
        return about(subject).stream().map(e -> e.type().typeName()).toList();
    }

    @Override
    public void close() throws InterruptedException {
        open = false;
        consumer.wakeup();
        reader.join(5_000);
    }
}
