package dev.cube.bench;

import dev.cube.events.CubeEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.topics.Topics;
import dev.cube.worker.Worker;
import dev.cube.worker.runtime.InMemoryContainerRuntime;
import dev.cube.worker.supervisor.DesiredSet;
import dev.cube.worker.supervisor.Supervisor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * TEST ONLY: HOLLOW WORKERS, NO CONTAINERS. In the spirit of Kubernetes' kubemark hollow nodes, one
 * process that speaks for many worker ids on the log exactly as real workers do, with the workers' own
 * code: each id has a real {@link Supervisor}, converging on its desired set (read by one consumer over
 * every partition of {@code cube.desired-attempts}, one {@link DesiredSet} per partition, as a worker reads
 * its own) over an {@link InMemoryContainerRuntime} whose containers exit with code 0 after 100 ms. So each
 * placed attempt is reported running, then completed, with the ids a real worker derives; each id
 * heartbeats on {@code cube.workers} with a large capacity.
 *
 * <p>It lives in the bench module only; nothing in Cube starts it, and it is never the default.
 */
final class HollowFleet implements AutoCloseable {

    static final WorkerEvent.Capacity CAPACITY = new WorkerEvent.Capacity(1024, 1024L * 1024 * 1024, 1024L * 1024 * 1024);
    private static final Duration RESYNC = Duration.ofMillis(500);

    private final List<String> workerIds;
    private final Set<String> ids;
    private final KafkaProducer<String, CubeEvent> producer;
    private final KafkaConsumer<String, byte[]> desired;
    private final Map<Integer, DesiredSet> sets = new HashMap<>();
    private final Map<String, Supervisor> supervisors = new LinkedHashMap<>();
    /** How long a hollow container runs. Not zero: a container that has exited before its start returns is never reported running. */
    static final Duration CONTAINER_LIFETIME = Duration.ofMillis(100);

    private final InMemoryContainerRuntime runtime = new InMemoryContainerRuntime(Clock.systemUTC(), spec -> Optional.of(CONTAINER_LIFETIME));
    private final ExecutorService engineCalls = Executors.newFixedThreadPool(4, r -> Thread.ofPlatform().daemon().name("cube-hollow-engine").unstarted(r));
    private final ScheduledExecutorService heartbeats;
    private final Thread loop;
    private final Instant startedAt = Instant.now();
    private final AtomicLong reports = new AtomicLong();
    private volatile boolean running = true;
    private volatile Throwable failure;

    private HollowFleet(String bootstrap, List<String> workerIds, Duration heartbeatInterval) {
        this.workerIds = List.copyOf(workerIds);
        this.ids = new HashSet<>(workerIds);
        this.producer = Producers.workerLike(bootstrap, "cube-hollow-fleet");
        Supervisor.Settings settings = new Supervisor.Settings(Duration.ZERO, 1, Duration.ofSeconds(1), "127.0.0.1");
        for (String id : workerIds) {
            supervisors.put(id, new Supervisor(id, runtime, this::append, settings, Clock.systemUTC(), engineCalls));
        }
        this.desired = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = desired.partitionsFor(Topics.DESIRED_ATTEMPTS.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        partitions.forEach(p -> sets.put(p.partition(), new DesiredSet(ids::contains)));
        desired.assign(partitions);
        desired.seekToBeginning(partitions);
        heartbeats = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("cube-hollow-heartbeats").unstarted(r));
        heartbeats.scheduleAtFixedRate(this::heartbeat, 0, heartbeatInterval.toMillis(), TimeUnit.MILLISECONDS);
        loop = Thread.ofPlatform().daemon().name("cube-hollow-desired").start(this::run);
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

    /** How many reports (running, completed, ...) the fleet appended. */
    long reports() {
        return reports.get();
    }

    void check() {
        if (failure != null) {
            throw new IllegalStateException("the hollow fleet failed", failure);
        }
    }

    private CompletableFuture<?> append(CubeEvent event) {
        CompletableFuture<Object> acked = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(Topics.TASK_EVENTS.name(), event.subject(), event), (metadata, error) -> {
            if (error == null) {
                reports.incrementAndGet();
                acked.complete(metadata);
            } else {
                acked.completeExceptionally(error);
            }
        });
        return acked;
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
            long nextResync = System.nanoTime() + RESYNC.toNanos();
            Set<String> changed = new HashSet<>();
            Set<String> pending = new HashSet<>();
            while (running) {
                for (ConsumerRecord<String, byte[]> record : desired.poll(Duration.ofMillis(50))) {
                    Worker.takeInto(sets.get(record.partition()), record).ifPresent(change -> changed.add(change.workerId()));
                }
                // A worker whose set changed converges at once; then once more a little later, when its containers have exited.
                for (String id : changed) {
                    converge(id);
                }
                boolean resync = System.nanoTime() - nextResync >= 0;
                if (resync) {
                    for (String id : pending) {
                        converge(id);
                    }
                    pending.clear();
                    nextResync = System.nanoTime() + RESYNC.toNanos();
                }
                pending.addAll(changed);
                changed.clear();
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void converge(String workerId) {
        int partition = Worker.desiredPartition(workerId, sets.size());
        supervisors.get(workerId).converge(sets.get(partition).attemptsOf(workerId));
    }

    private static String source(String workerId) {
        return "/cube/hollow/" + workerId;
    }

    @Override
    public void close() {
        running = false;
        heartbeats.shutdownNow();
        desired.wakeup();
        try {
            loop.join(5000);
            heartbeats.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        supervisors.values().forEach(Supervisor::close);
        engineCalls.shutdownNow();
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
        desired.close(Duration.ofSeconds(2));
    }
}
