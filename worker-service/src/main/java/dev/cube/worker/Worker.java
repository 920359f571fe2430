package dev.cube.worker;

import dev.cube.events.AssignmentEvent;
import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.topics.Topics;
import dev.cube.worker.runtime.ContainerInfo;
import dev.cube.worker.runtime.ContainerRuntime;
import dev.cube.worker.runtime.ContainerRuntimeException;
import dev.cube.worker.runtime.ContainerStatus;
import dev.cube.worker.runtime.EngineUnavailableException;
import dev.cube.worker.runtime.ImageUnavailableException;
import dev.cube.worker.stats.MachineStats;
import dev.cube.worker.stats.OshiMachineStats;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the tasks assigned to one worker id as containers and reports what becomes of them.
 *
 * <p>One thread does all the work on containers: it reads the worker's orders from the partition
 * of {@code cube.assignments} that its id maps to, carries them out, and in between looks for
 * containers that have exited or are unhealthy. Being one thread, a stop order, an exit and a
 * failed health check never race: health probes run in the background ({@link HealthProbes}),
 * but only the loop acts on what they found. A container whose health check fails (its HTTP
 * check does not answer 200, or the engine reports its image's {@code HEALTHCHECK} unhealthy) is
 * stopped, reported {@code failed} with the reason, and removed. Events are
 * appended to {@code cube.task-events} with ids derived from what they report
 * ({@code <taskId>/<attempt>/running}, {@code .../completed}, {@code .../failed}, {@code .../stopped}),
 * so reporting a fact twice is harmless. Offsets are committed only after the batch's events are
 * acknowledged, so an order is carried out at least once.
 *
 * <p>Containers outlive the worker: {@link #close()} leaves them running, and a worker started
 * again with the same id first reports them (running, or how they ended while it was away), then
 * carries out the orders it missed, and goes on checking their health (the settings are in the
 * containers' labels). Heartbeats carry the machine's stats ({@link MachineStats}).
 *
 * <p>{@link #start()} and {@link #close()} may be called from any thread, each once.
 */
public final class Worker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    private static final int REMEMBERED_ATTEMPTS = 10_000;

    private final WorkerSettings settings;
    private final ContainerRuntime runtime;
    private final MachineStats machine;
    private final Clock clock;
    private final String source;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch ready = new CountDownLatch(1);
    /** Attempts whose end this worker reported, with the event that said so. Touched by the loop thread only. */
    private final Map<String, CubeEvent> finished = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CubeEvent> eldest) {
            return size() > REMEMBERED_ATTEMPTS;
        }
    };

    /** Container id → why its health check failed, until the failure is on the log. Touched by the loop thread only. */
    private final Map<String, String> healthFailures = new HashMap<>();

    private volatile boolean running = true;
    private volatile int containerCount;
    private volatile Throwable startFailure;
    private volatile int assignedPartition = -1;
    private KafkaProducer<String, CubeEvent> producer;
    private Thread loop;
    private ScheduledExecutorService heartbeats;
    private HealthProbes health;
    private Instant startedAt;

    /** A worker whose heartbeats carry this machine's stats, read through OSHI. */
    public Worker(WorkerSettings settings, ContainerRuntime runtime) {
        this(settings, runtime, new OshiMachineStats(), Clock.systemUTC());
    }

    public Worker(WorkerSettings settings, ContainerRuntime runtime, MachineStats machine, Clock clock) {
        this.settings = settings;
        this.runtime = runtime;
        this.machine = machine;
        this.clock = clock;
        this.source = "/cube/worker/" + settings.workerId();
    }

    public String id() {
        return settings.workerId();
    }

    /**
     * Connects to Kafka, reports the containers this worker id already has, starts heartbeats and
     * the order loop, and returns once orders are being read.
     *
     * @throws IllegalStateException when the worker could not get that far; it is closed then
     */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("worker " + id() + " was already started");
        }
        startedAt = clock.instant();
        health = new HealthProbes(settings.healthCheckTimeout(), settings.probeHost());
        producer = new KafkaProducer<>(producerProperties(), Topics.TASK_EVENTS.keySerde().serializer(),
                Topics.TASK_EVENTS.valueSerde().serializer());
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
            String why = startFailure == null ? "it was not ready within " + START_TIMEOUT.toSeconds() + " s"
                    : String.valueOf(startFailure.getMessage());
            throw new IllegalStateException("worker " + id() + " could not start: " + why, startFailure);
        }
        heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cube-worker-heartbeat-" + id());
            t.setDaemon(true);
            return t;
        });
        long every = settings.heartbeatInterval().toMillis();
        heartbeats.scheduleAtFixedRate(this::heartbeat, 0, every, TimeUnit.MILLISECONDS);
        log.info("Worker {} started: orders from {} partition {}, heartbeat every {}", id(), Topics.ASSIGNMENTS.name(),
                assignedPartition, settings.heartbeatInterval());
    }

    /**
     * Stops heartbeats, lets the loop finish the orders in hand (it notices within the exit-check
     * interval, so a batch is never cut between its events and its commit), says {@code Left},
     * and closes the Kafka clients. Containers keep running.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        if (heartbeats != null) {
            heartbeats.shutdownNow();
            awaitQuietly(heartbeats);
        }
        if (loop != null) {
            try {
                loop.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) {
            if (startFailure == null && ready.getCount() == 0) {
                send(Topics.WORKERS.name(), id(), CubeEvent.of(source, id(), clock.instant(),
                        new WorkerEvent.Left(id(), "worker shut down")));
            }
            try {
                producer.close(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                log.warn("Closing the producer of worker {} failed: {}", id(), e.toString());
            }
        }
        if (health != null) {
            health.close();
        }
        log.info("Worker {} closed", id());
    }

    /** The partition of {@code cube.assignments} that carries the orders keyed by {@code workerId}: Kafka's default partitioner. */
    public static int assignmentPartition(String workerId, int partitions) {
        return Utils.toPositive(Utils.murmur2(workerId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private void runLoop() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProperties())) {
            if (!running) {
                return;
            }
            TopicPartition partition = assign(c);
            reconcile();
            ready.countDown();
            long nextExitCheck = System.nanoTime();
            while (running) {
                try {
                    ConsumerRecords<String, byte[]> records = c.poll(settings.exitCheckInterval());
                    if (!records.isEmpty()) {
                        handleBatch(c, partition, records.records(partition));
                    }
                    if (System.nanoTime() - nextExitCheck >= 0) {
                        checkContainers();
                        nextExitCheck = System.nanoTime() + settings.exitCheckInterval().toNanos();
                    }
                } catch (RuntimeException e) {
                    log.warn("Worker {}: {}; retrying from the last committed order", id(), describe(e));
                    rewind(c, partition);
                    pause();
                }
            }
        } catch (Throwable t) {
            if (ready.getCount() > 0) {
                startFailure = t;
            } else {
                log.error("Worker {} stopped reading orders", id(), t);
            }
        } finally {
            ready.countDown();
        }
    }

    private TopicPartition assign(KafkaConsumer<String, byte[]> c) {
        List<PartitionInfo> infos = c.partitionsFor(Topics.ASSIGNMENTS.name());
        int partitions = infos == null || infos.isEmpty() ? Topics.ASSIGNMENTS.partitions() : infos.size();
        TopicPartition partition = new TopicPartition(Topics.ASSIGNMENTS.name(), assignmentPartition(id(), partitions));
        c.assign(List.of(partition));
        assignedPartition = partition.partition();
        return partition;
    }

    private void handleBatch(KafkaConsumer<String, byte[]> c, TopicPartition partition, List<ConsumerRecord<String, byte[]>> records) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        long next = -1;
        boolean engineDown = false;
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                handle(record, sent);
            } catch (EngineUnavailableException e) {
                log.warn("Worker {}: {}; the order at offset {} waits", id(), e.getMessage(), record.offset());
                engineDown = true;
                break;
            }
            next = record.offset() + 1;
        }
        producer.flush();
        if (!delivered(sent)) {
            rewind(c, partition);
            pause();
            return;
        }
        if (next >= 0) {
            c.commitSync(Map.of(partition, new OffsetAndMetadata(next)));
        }
        if (engineDown) {
            c.seek(partition, next >= 0 ? next : records.getFirst().offset());
            pause();
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record, List<Future<RecordMetadata>> sent) {
        if (!id().equals(record.key())) {
            log.debug("Ignoring an order at offset {} for worker {}", record.offset(), record.key());
            return;
        }
        CubeEvent event;
        try {
            event = Topics.ASSIGNMENTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            log.warn("Ignoring an unreadable order at offset {}: {}", record.offset(), e.getMessage());
            return;
        }
        if (event == null || !(event.data() instanceof AssignmentEvent order) || !id().equals(order.workerId())) {
            log.warn("Ignoring a record at offset {} that is not an order for worker {}", record.offset(), id());
            return;
        }
        switch (order) {
            case AssignmentEvent.Start start -> onStart(start, sent);
            case AssignmentEvent.Stop stop -> onStop(stop, sent);
        }
    }

    private void onStart(AssignmentEvent.Start start, List<Future<RecordMetadata>> sent) {
        String attempt = attemptKey(start.taskId(), start.attempt());
        if (finished.containsKey(attempt)) {
            log.info("Not starting task {} attempt {} again: it already ended here", start.taskId(), start.attempt());
            return;
        }
        try {
            ContainerInfo container = runtime.start(id(), start.taskId(), start.attempt(), start.spec());
            log.info("Task {} attempt {} runs in container {}{}", start.taskId(), start.attempt(),
                    shortId(container.id()), describe(container.ports()));
            sent.add(report(start.taskId(), "running", running(container)));
        } catch (EngineUnavailableException e) {
            throw e;
        } catch (ContainerRuntimeException e) {
            String reason = e instanceof ImageUnavailableException ? e.getMessage() : "cannot start the container: " + e.getMessage();
            log.info("Task {} attempt {} failed to start: {}", start.taskId(), start.attempt(), reason);
            CubeEvent failed = event(start.taskId(), "failed", new TaskEvent.Failed(start.attempt(), null, reason, false));
            sent.add(send(Topics.TASK_EVENTS.name(), start.taskId(), failed));
            finished.put(attempt, failed);
        }
    }

    private void onStop(AssignmentEvent.Stop stop, List<Future<RecordMetadata>> sent) {
        List<ContainerInfo> containers = runtime.listOwnedBy(id()).stream()
                .filter(c -> stop.taskId().equals(c.taskId()) && c.attempt() <= stop.attempt())
                .toList();
        String reason = stop.reason() == null || stop.reason().isBlank() ? "stop requested" : stop.reason();
        if (containers.isEmpty()) {
            CubeEvent earlier = finished.get(attemptKey(stop.taskId(), stop.attempt()));
            if (earlier != null && earlier.data() instanceof TaskEvent.Stopped) {
                sent.add(send(Topics.TASK_EVENTS.name(), stop.taskId(), earlier));
            } else {
                log.info("Nothing to stop for task {} attempt {}: no container of it is here", stop.taskId(), stop.attempt());
            }
            return;
        }
        for (ContainerInfo container : containers) {
            if (container.status().hasFinished()) {
                reportExit(container);
                continue;
            }
            runtime.stopAndRemove(container.id(), settings.stopGrace());
            log.info("Stopped task {} attempt {} (container {}): {}", container.taskId(), container.attempt(),
                    shortId(container.id()), reason);
            CubeEvent stopped = event(container.taskId(), "stopped", new TaskEvent.Stopped(container.attempt(), reason));
            sent.add(send(Topics.TASK_EVENTS.name(), container.taskId(), stopped));
            finished.put(attemptKey(container.taskId(), container.attempt()), stopped);
        }
    }

    /** Reports what this worker's containers are doing: the running ones again, the exited ones for the first time. */
    private void reconcile() {
        List<ContainerInfo> containers = runtime.listOwnedBy(id());
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (ContainerInfo container : containers) {
            if (container.taskId() != null && container.status() == ContainerStatus.RUNNING) {
                sent.add(report(container.taskId(), "running", running(container)));
            }
        }
        producer.flush();
        delivered(sent);
        log.info("Worker {} found {} container(s) of its own at start", id(), containers.size());
        checkContainers();
    }

    /**
     * Reports the containers that have exited, fails those whose health check failed, starts the
     * health probes that are due, and counts what still runs for the heartbeats.
     */
    private void checkContainers() {
        for (HealthProbes.Failure failure : health.failures()) {
            runtime.inspect(failure.containerId())
                    .filter(c -> c.status() == ContainerStatus.RUNNING && c.attempt() == failure.attempt())
                    .ifPresent(c -> failUnhealthy(c, failure.reason()));
        }
        List<ContainerInfo> running = new ArrayList<>();
        int count = 0;
        for (ContainerInfo container : runtime.listOwnedBy(id())) {
            if (container.status().hasFinished()) {
                reportExit(container);
                continue;
            }
            if (container.status() == ContainerStatus.RUNNING && container.unhealthy()) {
                Optional<ContainerInfo> confirmed = runtime.inspect(container.id()).filter(ContainerInfo::unhealthy);
                if (confirmed.isPresent()) {
                    failUnhealthy(confirmed.get(), "Docker health check reported unhealthy");
                    continue;
                }
            }
            count++;
            if (container.status() == ContainerStatus.RUNNING) {
                running.add(container);
            }
        }
        containerCount = count;
        health.probeDue(running, System.nanoTime());
    }

    /** Stops a running container whose health check failed, reports it failed with {@code reason}, and removes it. */
    private void failUnhealthy(ContainerInfo container, String reason) {
        if (container.taskId() == null || container.attempt() < 1) {
            return;
        }
        log.info("Task {} attempt {} is unhealthy ({}): stopping container {}", container.taskId(), container.attempt(),
                reason, shortId(container.id()));
        health.forget(container.id());
        healthFailures.put(container.id(), reason);
        ContainerInfo stopped = runtime.stop(container.id(), settings.stopGrace())
                .orElse(new ContainerInfo(container.id(), container.taskId(), container.attempt(), ContainerStatus.DEAD,
                        null, false, List.of()));
        reportExit(stopped);
    }

    /** Appends how the container ended, waits for the append, then removes the container. */
    private void reportExit(ContainerInfo container) {
        if (container.taskId() == null || container.attempt() < 1) {
            log.warn("Removing container {}: it has no task labels", shortId(container.id()));
            runtime.stopAndRemove(container.id(), Duration.ZERO);
            return;
        }
        String healthFailure = healthFailures.get(container.id());
        TaskEvent outcome = healthFailure != null
                ? new TaskEvent.Failed(container.attempt(), container.exitCode(), healthFailure, false)
                : outcome(container);
        String kind = outcome instanceof TaskEvent.Completed ? "completed" : "failed";
        CubeEvent event = event(container.taskId(), kind, outcome);
        Future<RecordMetadata> sent = send(Topics.TASK_EVENTS.name(), container.taskId(), event);
        producer.flush();
        if (!delivered(List.of(sent))) {
            return;
        }
        log.info("Task {} attempt {} {}", container.taskId(), container.attempt(),
                outcome instanceof TaskEvent.Failed f ? "failed: " + f.reason() : "completed");
        finished.put(attemptKey(container.taskId(), container.attempt()), event);
        healthFailures.remove(container.id());
        runtime.stopAndRemove(container.id(), Duration.ZERO);
    }

    static TaskEvent outcome(ContainerInfo container) {
        Integer code = container.exitCode();
        if (container.oomKilled()) {
            return new TaskEvent.Failed(container.attempt(), code,
                    "OOM-killed: the container exceeded its memory limit" + (code == null ? "" : " (exit code " + code + ")"), true);
        }
        if (container.status() == ContainerStatus.DEAD || code == null) {
            return new TaskEvent.Failed(container.attempt(), code, "the container died and its exit code is unknown", false);
        }
        if (code == 0) {
            return new TaskEvent.Completed(container.attempt(), 0);
        }
        return new TaskEvent.Failed(container.attempt(), code, "exited with code " + code, false);
    }

    private TaskEvent.Running running(ContainerInfo container) {
        return new TaskEvent.Running(id(), container.attempt(), container.id(), container.ports());
    }

    private Future<RecordMetadata> report(String taskId, String kind, TaskEvent data) {
        return send(Topics.TASK_EVENTS.name(), taskId, event(taskId, kind, data));
    }

    private CubeEvent event(String taskId, String kind, TaskEvent data) {
        int attempt = switch (data) {
            case TaskEvent.Running r -> r.attempt();
            case TaskEvent.Completed c -> c.attempt();
            case TaskEvent.Failed f -> f.attempt();
            case TaskEvent.Stopped s -> s.attempt();
            default -> throw new IllegalArgumentException("a worker does not report " + data.getClass().getSimpleName());
        };
        return CubeEvent.withDerivedId(taskId + "/" + attempt + "/" + kind, source, taskId, clock.instant(), data);
    }

    private void heartbeat() {
        try {
            WorkerEvent.Heartbeat beat = new WorkerEvent.Heartbeat(id(), settings.address(), settings.capacity(), startedAt,
                    machine.sample(containerCount));
            send(Topics.WORKERS.name(), id(), CubeEvent.of(source, id(), clock.instant(), beat));
        } catch (RuntimeException e) {
            log.warn("Worker {} could not send a heartbeat: {}", id(), e.toString());
        }
    }

    private Future<RecordMetadata> send(String topic, String key, CubeEvent event) {
        return producer.send(new ProducerRecord<>(topic, key, event), (metadata, error) -> {
            if (error != null) {
                log.warn("Worker {} could not append {} to {}: {}", id(), event.id(), topic, error.toString());
            }
        });
    }

    private boolean delivered(List<Future<RecordMetadata>> sent) {
        for (Future<RecordMetadata> future : sent) {
            try {
                future.get();
            } catch (ExecutionException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void rewind(KafkaConsumer<String, byte[]> c, TopicPartition partition) {
        try {
            OffsetAndMetadata committed = c.committed(Set.of(partition)).get(partition);
            if (committed == null) {
                c.seekToBeginning(List.of(partition));
            } else {
                c.seek(partition, committed.offset());
            }
        } catch (RuntimeException e) {
            log.warn("Worker {} could not rewind to its committed offset: {}", id(), e.toString());
        }
    }

    private void pause() {
        try {
            Thread.sleep(RETRY_PAUSE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private Properties consumerProperties() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "cube-worker-" + id());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "cube-worker-" + id() + "-orders");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    private Properties producerProperties() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "cube-worker-" + id() + "-events");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return p;
    }

    private static String attemptKey(String taskId, int attempt) {
        return taskId + "/" + attempt;
    }

    private static String shortId(String containerId) {
        return containerId == null || containerId.length() <= 12 ? containerId : containerId.substring(0, 12);
    }

    private static String describe(List<TaskEvent.PublishedPort> ports) {
        return ports.isEmpty() ? "" : ports.stream()
                .map(p -> " " + p.containerPort() + "->" + p.hostIp() + ":" + p.hostPort())
                .collect(java.util.stream.Collectors.joining(",", " publishing", ""));
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void awaitQuietly(ScheduledExecutorService executor) {
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
