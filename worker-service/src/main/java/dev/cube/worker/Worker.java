package dev.cube.worker;

import dev.cube.events.CubeEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.desired.DesiredAttempt;
import dev.cube.events.desired.Revision;
import dev.cube.events.topics.Topic;
import dev.cube.events.origin.SigningSerializer;
import dev.cube.events.topics.Topics;
import dev.cube.kafka.KafkaClientConfig;
import dev.cube.worker.output.OutputShipper;
import dev.cube.worker.runtime.ContainerRuntime;
import dev.cube.worker.stats.MachineStats;
import dev.cube.worker.stats.OshiMachineStats;
import dev.cube.worker.supervisor.DesiredSet;
import dev.cube.worker.supervisor.Fence;
import dev.cube.worker.supervisor.Supervisor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A worker's Kafka adapter: it reads the worker's partition of {@code cube.desired-attempts} from the
 * start into its {@link DesiredSet}, hands it to the Kafka-free {@link Supervisor} whenever it changes
 * and every exit-check interval, appends the supervisor's reports to {@code cube.task-events}, and
 * heartbeats on {@code cube.workers}; its {@link OutputShipper} ships the containers' output to
 * {@code cube.task-logs}. It keeps no offsets and no memory of its own: started again, it reads the same
 * desired set and finds the same containers on the engine, and converges the same way.
 *
 * <p>{@link #start()} and {@link #close()} may be called from any thread, each once.
 */
public final class Worker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final WorkerSettings settings;
    private final ContainerRuntime runtime;
    private final MachineStats machine;
    private final Clock clock;
    private final String source;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final DesiredSet desired;
    private final OutputShipper.Settings outputSettings;

    private volatile boolean running = true;
    private volatile Throwable startFailure;
    private volatile int assignedPartition = -1;
    private volatile Instant lastAcknowledged;
    private volatile Fence.State fence = Fence.State.CONNECTED;
    private KafkaProducer<String, CubeEvent> producer;
    private Supervisor supervisor;
    private KafkaOutputJournal outputJournal;
    private OutputShipper output;
    private Thread loop;
    private ScheduledExecutorService heartbeats;
    private Instant startedAt;

    /** A worker whose heartbeats carry this machine's stats, read through OSHI. */
    public Worker(WorkerSettings settings, ContainerRuntime runtime) {
        this(settings, runtime, new OshiMachineStats(), Clock.systemUTC());
    }

    public Worker(WorkerSettings settings, ContainerRuntime runtime, MachineStats machine, Clock clock) {
        this(settings, runtime, machine, clock, OutputShipper.Settings.DEFAULT);
    }

    /** A worker that ships its containers' output as {@code output} says. */
    public Worker(WorkerSettings settings, ContainerRuntime runtime, MachineStats machine, Clock clock, OutputShipper.Settings output) {
        this.outputSettings = output;
        this.settings = settings;
        this.runtime = runtime;
        this.machine = machine;
        this.clock = clock;
        this.source = "/cube/worker/" + settings.workerId();
        this.desired = new DesiredSet(settings.workerId());
    }

    public String id() {
        return settings.workerId();
    }

    /** Whether it has read its desired set to the end and its loop still follows it (what readiness and liveness ask). */
    public boolean followsDesiredSet() {
        Thread following = loop;
        return ready.getCount() == 0 && startFailure == null && running && following != null && following.isAlive();
    }

    /** Whether the Docker engine answered at the last pass (every exit-check interval). */
    public boolean engineAnswers() {
        Supervisor converging = supervisor;
        return converging != null && converging.engineAnswers();
    }

    /** Where it stands with Kafka: following its desired set, or cut off (see {@code cube.worker.stop-after-disconnect}). */
    public Fence.State fence() {
        return fence;
    }

    /** How many attempts its desired set holds now. */
    public int desiredCount() {
        return desired.size();
    }

    /** How many of its containers run or may run, as the engine showed them at the last pass. */
    public int containerCount() {
        Supervisor converging = supervisor;
        return converging == null ? 0 : converging.containerCount();
    }

    /**
     * Connects to Kafka, reads the worker's desired set to its end, converges once, starts heartbeats,
     * and returns once the loop follows the desired set.
     *
     * @throws IllegalStateException when the worker could not get that far; it is closed then
     */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("worker " + id() + " was already started");
        }
        startedAt = clock.instant();
        lastAcknowledged = startedAt;
        producer = new KafkaProducer<>(producerProperties(), Topics.TASK_EVENTS.keySerde().serializer(),
                SigningSerializer.asWorker(Topics.TASK_EVENTS.valueSerde().serializer(), id(), settings.originKey()));
        outputJournal = new KafkaOutputJournal(kafka(), id());
        output = new OutputShipper(id(), runtime, outputJournal, outputSettings, clock);
        supervisor = new Supervisor(id(), runtime, this::append, new Supervisor.Settings(settings.stopGrace(), settings.parallelism(),
                settings.healthCheckTimeout(), settings.probeHost()), clock, output);
        loop = new Thread(this::runLoop, "cube-worker-" + id());
        loop.start();
        boolean answered;
        try {
            answered = ready.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while starting worker " + id(), e);
        }
        if (!answered || startFailure != null) {
            close();
            String why = startFailure == null ? "it was not ready within " + START_TIMEOUT.toSeconds() + " s" : String.valueOf(startFailure.getMessage());
            throw new IllegalStateException("worker " + id() + " could not start: " + why, startFailure);
        }
        heartbeats = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("cube-worker-heartbeat-" + id()).unstarted(r));
        heartbeats.scheduleAtFixedRate(this::heartbeat, 0, settings.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
        log.info("Worker {} started: desired attempts from {} partition {} ({} now), heartbeat every {}", id(), Topics.DESIRED_ATTEMPTS.name(),
                assignedPartition, desired.size(), settings.heartbeatInterval());
    }

    /**
     * Stops heartbeats and the loop, lets the engine calls under way finish, stops following output (what was
     * read is sent), says {@code Left}, closes the Kafka clients. Containers keep running.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        if (heartbeats != null) {
            heartbeats.shutdownNow();
            try {
                heartbeats.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (loop != null) {
            try {
                loop.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (supervisor != null) {
            supervisor.close(Duration.ofSeconds(30));
        }
        if (output != null) {
            output.close();
        }
        if (outputJournal != null) {
            outputJournal.close(Duration.ofSeconds(10));
        }
        if (producer != null) {
            if (startFailure == null && ready.getCount() == 0) {
                send(Topics.WORKERS.name(), id(), CubeEvent.of(source, id(), clock.instant(), new WorkerEvent.Left(id(), "worker shut down")));
            }
            try {
                producer.close(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                log.warn("Closing the producer of worker {} failed: {}", id(), e.toString());
            }
        }
        log.info("Worker {} closed", id());
    }

    /** The partition of {@code cube.desired-attempts} that carries the attempts of {@code workerId}. */
    public static int desiredPartition(String workerId, int partitions) {
        return Topic.partitionOf(workerId, partitions);
    }

    private void runLoop() {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProperties())) {
            TopicPartition partition = assign(consumer);
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (running && consumer.position(partition) < end) {
                consumer.poll(Duration.ofMillis(200)).records(partition).forEach(this::take);
            }
            supervisor.converge(desired.attempts());
            ready.countDown();
            Fence rule = new Fence(settings.stopAfterDisconnect());
            long catchUpTo = -1;
            long nextPass = System.nanoTime() + settings.exitCheckInterval().toNanos();
            while (running) {
                boolean changed = false;
                for (ConsumerRecord<String, byte[]> record : consumer.poll(settings.exitCheckInterval()).records(partition)) {
                    changed |= take(record);
                }
                Fence.State before = fence;
                if (before == Fence.State.CATCHING_UP && catchUpTo < 0) {
                    catchUpTo = endOffset(consumer, partition);
                }
                Fence.State now = rule.next(before, lastAcknowledged, clock.instant(), catchUpTo >= 0 && consumer.position(partition) >= catchUpTo);
                if (now != before) {
                    fence = now;
                    changed = true;
                    catchUpTo = -1;
                    logFence(now);
                }
                if (changed || System.nanoTime() - nextPass >= 0) {
                    // Cut off, or back but not caught up: converge on nothing (what runs is stopped and removed).
                    supervisor.converge(fence == Fence.State.CONNECTED ? desired.attempts() : Map.of());
                    nextPass = System.nanoTime() + settings.exitCheckInterval().toNanos();
                }
            }
        } catch (Throwable t) {
            if (ready.getCount() > 0) {
                startFailure = t;
            } else {
                log.error("Worker {} stopped following its desired set", id(), t);
            }
        } finally {
            ready.countDown();
        }
    }

    /** The end of the desired set's partition now, or -1 if Kafka does not say within a few seconds (asked again later). */
    private long endOffset(KafkaConsumer<String, byte[]> consumer, TopicPartition partition) {
        try {
            return consumer.endOffsets(List.of(partition), Duration.ofSeconds(5)).get(partition);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return -1;
        }
    }

    private void logFence(Fence.State state) {
        switch (state) {
            case CUT_OFF -> log.warn("Worker {}: Kafka acknowledged nothing for over {} (cube.worker.stop-after-disconnect): it stops its "
                    + "containers, whose tasks the manager will have moved elsewhere (each is removed once its output is shipped)", id(), settings.stopAfterDisconnect());
            case CATCHING_UP -> log.info("Worker {}: Kafka answers again; it reads its desired set to the end before it runs anything", id());
            case CONNECTED -> log.info("Worker {}: follows its desired set again", id());
        }
    }

    private TopicPartition assign(KafkaConsumer<String, byte[]> consumer) {
        List<PartitionInfo> infos = consumer.partitionsFor(Topics.DESIRED_ATTEMPTS.name());
        int partitions = infos == null || infos.isEmpty() ? Topics.DESIRED_ATTEMPTS.partitions() : infos.size();
        TopicPartition partition = new TopicPartition(Topics.DESIRED_ATTEMPTS.name(), desiredPartition(id(), partitions));
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        assignedPartition = partition.partition();
        return partition;
    }

    /** Takes one record of the partition into the desired set; answers whether this worker's set changed. */
    private boolean take(ConsumerRecord<String, byte[]> record) {
        return takeInto(desired, record).isPresent();
    }

    /** Takes one record of {@code cube.desired-attempts} into {@code set}: what every reader of the topic does. */
    public static Optional<DesiredSet.Change> takeInto(DesiredSet set, ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(Revision.HEADER);
        Revision revision = header == null ? null : Revision.parse(header.value());
        DesiredAttempt value = null;
        if (record.value() != null && !Revision.isWatermarkKey(record.key())) {
            try {
                value = Topics.DESIRED_ATTEMPTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
            } catch (RuntimeException e) {
                log.warn("Ignoring an unreadable desired attempt at offset {}: {}", record.offset(), e.getMessage());
                return Optional.empty();
            }
        }
        return set.apply(record.key(), value, revision);
    }

    private CompletableFuture<?> append(CubeEvent event) {
        return send(Topics.TASK_EVENTS.name(), event.subject(), event);
    }

    /**
     * The heartbeat of worker {@code workerId} now: what it offers, what {@code machine} measures, and, while the
     * {@code supervisor}'s last pass found the engine not answering, {@code engine} saying so (the manager then
     * places no new work here; what runs stays).
     */
    public static WorkerEvent.Heartbeat heartbeatOf(String workerId, String address, WorkerEvent.Capacity capacity, Instant startedAt,
                                                    MachineStats machine, Supervisor supervisor) {
        return new WorkerEvent.Heartbeat(workerId, address, capacity, startedAt, machine.sample(supervisor.containerCount()), supervisor.engine());
    }

    private void heartbeat() {
        try {
            WorkerEvent.Heartbeat beat = heartbeatOf(id(), settings.address(), settings.capacity(), startedAt, machine, supervisor);
            send(Topics.WORKERS.name(), id(), CubeEvent.of(source, id(), clock.instant(), beat));
        } catch (RuntimeException e) {
            log.warn("Worker {} could not send a heartbeat: {}", id(), e.toString());
        }
    }

    private CompletableFuture<?> send(String topic, String key, CubeEvent event) {
        CompletableFuture<Object> acked = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, key, event), (metadata, error) -> {
            if (error != null) {
                log.warn("Worker {} could not append {} to {}: {}", id(), event.id(), topic, error.toString());
                acked.completeExceptionally(error);
            } else {
                lastAcknowledged = clock.instant();
                acked.complete(metadata);
            }
        });
        return acked;
    }

    private Properties consumerProperties() {
        Properties p = new Properties();
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "cube-worker-" + id() + "-desired");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return kafka().clientProperties(p);
    }

    private Properties producerProperties() {
        Properties p = new Properties();
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "cube-worker-" + id() + "-events");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return kafka().clientProperties(p);
    }

    private KafkaClientConfig kafka() {
        return new KafkaClientConfig(settings.bootstrapServers(), settings.kafkaProperties());
    }
}
