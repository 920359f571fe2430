package dev.cube.bench;

import dev.cube.events.AssignmentEvent;
import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.topics.Topics;
import dev.cube.events.wire.CloudEventCodec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * TEST ONLY: HOLLOW WORKERS, NO CONTAINERS. In the spirit of Kubernetes' kubemark hollow nodes,
 * one process that speaks for many worker ids on the log exactly as real workers do, but runs
 * nothing: it heartbeats for every id on {@code cube.workers} (a {@link WorkerEvent.Heartbeat}
 * with a capacity), reads all partitions of {@code cube.assignments}, and answers each start
 * order meant for one of its ids with {@link TaskEvent.Running} then {@link TaskEvent.Completed}
 * (exit code 0), and each stop order with {@link TaskEvent.Stopped}, with the ids a real worker
 * derives ({@code <task>/<attempt>/running}, ...) and source {@code /cube/hollow/<worker>}.
 *
 * <p>It lives in the bench module only; nothing in Cube starts it, and it is never the default.
 */
final class HollowFleet implements AutoCloseable {

    static final WorkerEvent.Capacity CAPACITY = new WorkerEvent.Capacity(1024, 1024L * 1024 * 1024, 1024L * 1024 * 1024);

    private final List<String> workerIds;
    private final Set<String> ids;
    private final KafkaProducer<String, CubeEvent> producer;
    private final KafkaConsumer<String, byte[]> orders;
    private final ScheduledExecutorService heartbeats;
    private final Thread loop;
    private final Instant startedAt = Instant.now();
    private final AtomicLong starts = new AtomicLong();
    private final AtomicLong stops = new AtomicLong();
    private volatile boolean running = true;
    private volatile Throwable failure;

    private HollowFleet(String bootstrap, List<String> workerIds, Duration heartbeatInterval) {
        this.workerIds = List.copyOf(workerIds);
        this.ids = new HashSet<>(workerIds);
        this.producer = Producers.workerLike(bootstrap, "cube-hollow-fleet");
        this.orders = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "cube-hollow-fleet",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = orders.partitionsFor(Topics.ASSIGNMENTS.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        orders.assign(partitions);
        orders.seekToBeginning(partitions);
        heartbeats = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("cube-hollow-heartbeats").unstarted(r));
        heartbeats.scheduleAtFixedRate(this::heartbeat, 0, heartbeatInterval.toMillis(), TimeUnit.MILLISECONDS);
        loop = Thread.ofPlatform().daemon().name("cube-hollow-orders").start(this::run);
    }

    /** Starts {@code count} hollow workers named {@code <prefix>0000...}. */
    static HollowFleet start(String bootstrap, String prefix, int count) {
        List<String> ids = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(String.format("%s%05d", prefix, i));
        }
        return new HollowFleet(bootstrap, ids, Duration.ofSeconds(3));
    }

    List<String> workerIds() {
        return workerIds;
    }

    long startsAnswered() {
        return starts.get();
    }

    long stopsAnswered() {
        return stops.get();
    }

    void check() {
        if (failure != null) {
            throw new IllegalStateException("the hollow fleet failed", failure);
        }
    }

    private void heartbeat() {
        try {
            Instant now = Instant.now();
            for (String id : workerIds) {
                WorkerEvent.Heartbeat beat = new WorkerEvent.Heartbeat(id, "hollow", CAPACITY, startedAt);
                producer.send(new ProducerRecord<>(Topics.WORKERS.name(), id, CubeEvent.of(source(id), id, now, beat)));
            }
        } catch (RuntimeException e) {
            if (running) {
                System.err.println("hollow fleet: heartbeat failed: " + e);
            }
        }
    }

    private void run() {
        try {
            while (running) {
                boolean any = false;
                for (ConsumerRecord<String, byte[]> r : orders.poll(Duration.ofMillis(100))) {
                    if (r.key() == null || !ids.contains(r.key())) {
                        continue;
                    }
                    CubeEvent event = CloudEventCodec.decode(r.value());
                    if (!(event.data() instanceof AssignmentEvent order) || !ids.contains(order.workerId())) {
                        continue;
                    }
                    answer(order);
                    any = true;
                }
                if (any) {
                    producer.flush();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void answer(AssignmentEvent order) {
        String task = order.taskId();
        int attempt = order.attempt();
        String source = source(order.workerId());
        Instant now = Instant.now();
        switch (order) {
            case AssignmentEvent.Start start -> {
                send(CubeEvent.withDerivedId(task + "/" + attempt + "/running", source, task, now,
                        new TaskEvent.Running(start.workerId(), attempt, "hollow-" + task + "-" + attempt, List.of())));
                send(CubeEvent.withDerivedId(task + "/" + attempt + "/completed", source, task, now,
                        new TaskEvent.Completed(attempt, 0)));
                starts.incrementAndGet();
            }
            case AssignmentEvent.Stop stop -> {
                send(CubeEvent.withDerivedId(task + "/" + attempt + "/stopped", source, task, now,
                        new TaskEvent.Stopped(attempt, stop.reason() == null ? "stop requested" : stop.reason())));
                stops.incrementAndGet();
            }
        }
    }

    private void send(CubeEvent event) {
        producer.send(new ProducerRecord<>(Topics.TASK_EVENTS.name(), event.subject(), event));
    }

    private static String source(String workerId) {
        return "/cube/hollow/" + workerId;
    }

    @Override
    public void close() {
        running = false;
        heartbeats.shutdownNow();
        orders.wakeup();
        try {
            loop.join(5000);
            heartbeats.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Say Left for every id, as a real worker does on a clean shutdown.
        try {
            Instant now = Instant.now();
            for (String id : workerIds) {
                producer.send(new ProducerRecord<>(Topics.WORKERS.name(), id,
                        CubeEvent.of(source(id), id, now, new WorkerEvent.Left(id, "hollow fleet shut down"))));
            }
            producer.flush();
        } catch (RuntimeException e) {
            // the broker may be going away
        }
        producer.close(Duration.ofSeconds(5));
        orders.close(Duration.ofSeconds(2));
    }
}
