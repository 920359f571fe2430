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
public final class WorkerRegistry implements WorkerView, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerRegistry.class);

    private final Map<String, WorkerInfo> workers = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final Clock clock;
    private final Duration ttl;
    private volatile boolean running = true;
    private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();
    private final Map<TopicPartition, Long> endAtStart;
    private volatile boolean caughtUp;

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
        this.endAtStart = consumer.endOffsets(partitions);
        this.thread = Thread.ofPlatform().name("cube-worker-registry").daemon().unstarted(this::run);
    }

    public WorkerRegistry start() {
        thread.start();
        return this;
    }

    public Duration ttl() {
        return ttl;
    }

    /** Whether the registry has read everything that was on the topic when the manager started: before that, absence means nothing. */
    @Override
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Grows whenever what the registry knows changes, so that others can tell when to look again. */
    @Override
    public long version() {
        return version.get();
    }

    /** Workers new work may go to: live and not draining. */
    @Override
    public List<WorkerInfo> takingWork() {
        Instant now = clock.instant();
        return workers.values().stream().filter(w -> w.takesWork(now, ttl)).sorted(Comparator.comparing(WorkerInfo::id)).toList();
    }

    public List<WorkerInfo> live() {
        Instant now = clock.instant();
        return workers.values().stream().filter(w -> w.isLive(now, ttl)).sorted(Comparator.comparing(WorkerInfo::id)).toList();
    }

    @Override
    public List<WorkerInfo> all() {
        return workers.values().stream().sorted(Comparator.comparing(WorkerInfo::id)).toList();
    }

    @Override
    public Optional<WorkerInfo> get(String id) {
        return Optional.ofNullable(workers.get(id));
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    apply(record);
                }
                if (!caughtUp && endAtStart.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue())) {
                    caughtUp = true;
                    LOG.info("worker registry caught up: {} workers known", workers.size());
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
            // A heartbeat after a drain keeps the drain: only a new process (a new startedAt) takes work again.
            case WorkerEvent.Heartbeat beat -> workers.compute(beat.workerId(), (id, known) -> new WorkerInfo(id, beat.address(),
                    beat.capacity(), beat.startedAt(), seen, false,
                    known != null && known.draining() && java.util.Objects.equals(known.startedAt(), beat.startedAt()), beat.stats()));
            case WorkerEvent.Left left -> workers.computeIfPresent(left.workerId(), (id, known) -> new WorkerInfo(id, known.address(),
                    known.capacity(), known.startedAt(), known.lastSeen(), true, known.draining(), known.stats()));
            case WorkerEvent.Draining draining -> workers.computeIfPresent(draining.workerId(), (id, known) -> new WorkerInfo(id,
                    known.address(), known.capacity(), known.startedAt(), known.lastSeen(), known.left(), true, known.stats()));
            case WorkerEvent.Lost lost -> LOG.info("worker {} was declared lost: {}", lost.workerId(), lost.reason());
            default -> LOG.warn("ignoring a {} event on {}", event.type().typeName(), record.topic());
        }
        version.incrementAndGet();
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
