package dev.cube.manager.scheduling;

import dev.cube.events.CubeEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.topics.Topics;
import dev.cube.events.wire.CloudEventCodec;
import dev.cube.events.wire.InvalidEventException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The workers the manager knows, folded from {@code cube.workers} by a consumer of its own that
 * reads the topic from the beginning. A worker is live while its last heartbeat is younger than the TTL.
 */
public final class WorkerRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerRegistry.class);

    private final Map<String, WorkerInfo> workers = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final Clock clock;
    private final Duration ttl;
    private volatile boolean running = true;

    public WorkerRegistry(String bootstrapServers, Clock clock, Duration ttl) {
        this.clock = clock;
        this.ttl = ttl;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, "cube-manager-workers"),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.WORKERS.name()).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.thread = Thread.ofPlatform().name("cube-worker-registry").daemon().unstarted(this::run);
    }

    public WorkerRegistry start() {
        thread.start();
        return this;
    }

    public Duration ttl() {
        return ttl;
    }

    public List<WorkerInfo> live() {
        Instant now = clock.instant();
        return workers.values().stream().filter(w -> w.isLive(now, ttl)).sorted(Comparator.comparing(WorkerInfo::id)).toList();
    }

    public List<WorkerInfo> all() {
        return workers.values().stream().sorted(Comparator.comparing(WorkerInfo::id)).toList();
    }

    public Optional<WorkerInfo> get(String id) {
        return Optional.ofNullable(workers.get(id));
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    apply(record);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            workers.remove(record.key());
            return;
        }
        CubeEvent event;
        try {
            event = CloudEventCodec.decode(record.value());
        } catch (InvalidEventException e) {
            LOG.warn("ignoring an invalid record on {} at offset {}: {}", record.topic(), record.offset(), e.toString());
            return;
        }
        Instant seen = Instant.ofEpochMilli(record.timestamp());
        switch (event.data()) {
            case WorkerEvent.Heartbeat beat -> workers.put(beat.workerId(),
                    new WorkerInfo(beat.workerId(), beat.address(), beat.capacity(), beat.startedAt(), seen, false));
            case WorkerEvent.Left left -> workers.computeIfPresent(left.workerId(),
                    (id, known) -> new WorkerInfo(id, known.address(), known.capacity(), known.startedAt(), seen, true));
            default -> LOG.warn("ignoring a {} event on {}", event.type().typeName(), record.topic());
        }
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
