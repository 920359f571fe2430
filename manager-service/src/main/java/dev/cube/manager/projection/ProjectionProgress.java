package dev.cube.manager.projection;

import dev.cube.core.placement.PlacementStage;
import dev.cube.events.topics.Topics;
import dev.cube.kafka.TopicSetup;
import dev.cube.manager.ManagerApplication;
import dev.cube.manager.ManagerSettings;
import dev.cube.manager.read.FoldPositions;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How far this manager's projection is, as its health and metrics need to know it, without a Streams
 * type in what it answers.
 *
 * <p><b>Caught up</b> (what readiness means): the Streams application is {@code RUNNING}; the fold of
 * every partition of {@code cube.task-events} this instance folds has, since it last started, processed
 * that partition's last record as it was when the projection started (its caught-up signal, see
 * {@link TaskFoldProcessor}); and the placement stage, where it runs here, has every partition's
 * caught-up signal, so it decides. From then on reads of this instance reflect at least the whole log
 * as it was when the manager started. Until then they may be missing tasks, or show old states.
 *
 * <p>Thread-safe: the stream thread reports to it, HTTP threads read it.
 */
@Singleton
@Requires(property = ManagerApplication.ENABLED, value = "true")
public final class ProjectionProgress implements ProjectionObserver, FoldPositions {

    /** The consumer metric Kafka keeps per partition: records between the consumer's position and the end it may read. */
    private static final String LAG_METRIC = "records-lag";
    private static final String LAG_GROUP = "consumer-fetch-manager-metrics";

    /** What the projection's progress is now. */
    public record Progress(
            String state,
            Set<Integer> folding,
            Set<Integer> caughtUp,
            boolean placementHere,
            boolean deciding,
            Map<String, Long> lag) {

        /** Running, every partition folded here caught up, and the placement stage (where it runs here) deciding. */
        public boolean ready() {
            return "RUNNING".equals(state) && caughtUp.containsAll(folding) && (!placementHere || deciding);
        }

        /** The stream threads are gone for good (ERROR), or the application was never started or has stopped. */
        public boolean failed() {
            return "ERROR".equals(state) || "PENDING_ERROR".equals(state) || "NOT_RUNNING".equals(state);
        }
    }

    private final Provider<ProjectionRunner> runner;
    private final dev.cube.kafka.KafkaClientConfig kafka;
    private final Set<Integer> caughtUp = ConcurrentHashMap.newKeySet();
    /** Per partition folded here: the offset of its last record when a read first asked, since the fold started. */
    private final Map<Integer, Long> sinceStart = new ConcurrentHashMap<>();
    private final Map<Integer, Long> foldedThrough = new ConcurrentHashMap<>();
    /** Per partition folded here: the group's committed offset when first asked since the fold started. */
    private final Map<Integer, Long> committedAtStart = new ConcurrentHashMap<>();
    private static final java.time.Duration ASK_EVERY = java.time.Duration.ofSeconds(1);
    private final java.util.concurrent.atomic.AtomicLong nextAsk = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
    private volatile int partitions;

    ProjectionProgress(Provider<ProjectionRunner> runner, dev.cube.kafka.KafkaClientConfig kafka) {
        this.runner = runner;
        this.kafka = kafka;
    }

    @Override
    public void foldStarted(int partition) {
        caughtUp.remove(partition);
        foldedThrough.remove(partition);
        sinceStart.remove(partition);
        committedAtStart.remove(partition);
    }

    @Override
    public void foldStopped(int partition) {
        foldedThrough.remove(partition);
        sinceStart.remove(partition);
        committedAtStart.remove(partition);
    }

    @Override
    public boolean caughtUpSinceStart(int partition, java.util.function.LongSupplier lastRecordNow) {
        Long target = sinceStart.computeIfAbsent(partition, p -> lastRecordNow.getAsLong());
        if (target < 0) {
            return true;
        }
        Long through = foldedThrough.get(partition);
        if (through != null && through >= target) {
            return true;
        }
        // A fold that has nothing left to read folds nothing, so it reports no position: what was committed says it.
        long committed = committedBelow(partition);
        if (committed > target) {
            foldedThrough.merge(partition, committed - 1, Math::max);
            return true;
        }
        return false;
    }

    @Override
    public void foldedThrough(int partition, long offset) {
        foldedThrough.put(partition, offset);
    }

    /**
     * The offset through which the fold of {@code partition} here has folded: the last record it processed since it
     * started, or, when that is none or older, the last offset below the group's committed offset for the partition
     * (with exactly-once, the store here was restored with everything folded below it).
     */
    @Override
    public OptionalLong foldedThrough(int partition) {
        Long offset = foldedThrough.get(partition);
        if (offset != null) {
            return OptionalLong.of(offset);
        }
        // Processing runs ahead of commits, so the committed offset is asked only when nothing was processed yet.
        long committed = committedBelow(partition);
        if (committed <= 0) {
            return OptionalLong.empty();
        }
        foldedThrough.merge(partition, committed - 1, Math::max);
        return OptionalLong.of(committed - 1);
    }

    /**
     * The group's committed offset of {@code partition} of {@code cube.task-events}: with exactly-once every record
     * below it is folded into the store this copy restored; -1 when none can be had. Asked of the broker once per
     * start of the partition's fold (it only grows, so an older answer stays true).
     */
    private long committedBelow(int partition) {
        Long known = committedAtStart.get(partition);
        if (known != null) {
            return known;
        }
        // Health checks and reads may ask often while a fold replays: the broker is asked at most every ASK_EVERY.
        long now = System.nanoTime();
        long next = nextAsk.get();
        if (now - next < 0 || !nextAsk.compareAndSet(next, now + ASK_EVERY.toNanos())) {
            return -1;
        }
        Map<String, Object> config = kafka.clientConfig(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "cube-fold-position"));
        try (Admin admin = Admin.create(config)) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(runner.get().applicationId())
                    .partitionsToOffsetAndMetadata().get(10, java.util.concurrent.TimeUnit.SECONDS);
            offsets.forEach((where, committed) -> {
                if (where.topic().equals(Topics.TASK_EVENTS.name()) && committed != null && committed.offset() >= 0) {
                    committedAtStart.putIfAbsent(where.partition(), committed.offset());
                }
            });
            return committedAtStart.getOrDefault(partition, -1L);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void caughtUp(int partition) {
        caughtUp.add(partition);
    }

    /** The progress now; cheap enough to ask at every health check and scrape. */
    public Progress progress() {
        KafkaStreams streams = runner.get().streams().orElse(null);
        if (streams == null) {
            return new Progress(KafkaStreams.State.CREATED.name(), Set.of(), Set.of(), false, false, Map.of());
        }
        KafkaStreams.State state = streams.state();
        Set<Integer> folding = new TreeSet<>();
        boolean placementHere = false;
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                for (TopicPartition partition : task.topicPartitions()) {
                    if (partition.topic().equals(Topics.TASK_EVENTS.name())) {
                        folding.add(partition.partition());
                    } else if (partition.topic().equals(Topics.WORKERS.name())) {
                        placementHere = true;
                    }
                }
            }
        }
        boolean deciding = placementHere && state == KafkaStreams.State.RUNNING && deciding(streams, partitions());
        // A partition whose last record at start was folded and committed before this start has nothing to read: caught up.
        if (state == KafkaStreams.State.RUNNING && !caughtUp.containsAll(folding)) {
            Map<Integer, Long> atStart = runner.get().lastRecordAtStart();
            for (int partition : folding) {
                if (!caughtUp.contains(partition) && committedBelow(partition) > atStart.getOrDefault(partition, -1L)) {
                    caughtUp.add(partition);
                }
            }
        }
        return new Progress(state.name(), Set.copyOf(folding), Set.copyOf(new TreeSet<>(caughtUp)), placementHere, deciding, lag(streams));
    }

    private int partitions() {
        if (partitions == 0) {
            partitions = TopicSetup.partitionCount(kafka, Topics.TASK_EVENTS.name());
        }
        return partitions;
    }

    private static boolean deciding(KafkaStreams streams, int partitions) {
        try {
            ReadOnlyKeyValueStore<String, PlacementStage.Meta> store = streams.store(StoreQueryParameters.fromNameAndType(
                    TaskProjection.PLACEMENT_META_STORE, QueryableStoreTypes.<String, PlacementStage.Meta>keyValueStore()));
            PlacementStage.Meta meta = store.get(PlacementProcessor.META_KEY);
            return meta != null && meta.caughtUp().size() >= partitions;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Records not yet read by the projection's consumer, per input topic, as Kafka's consumer metrics last measured them. */
    private static Map<String, Long> lag(KafkaStreams streams) {
        Map<String, Long> lag = new TreeMap<>();
        for (Map.Entry<MetricName, ? extends Metric> entry : streams.metrics().entrySet()) {
            MetricName name = entry.getKey();
            if (!name.name().equals(LAG_METRIC) || !name.group().equals(LAG_GROUP)) {
                continue;
            }
            String topic = name.tags().get("topic");
            String client = name.tags().getOrDefault("client-id", "");
            if (topic == null || name.tags().get("partition") == null || client.contains("restore")) {
                continue;
            }
            if (entry.getValue().metricValue() instanceof Number value && !Double.isNaN(value.doubleValue())) {
                lag.merge(topic, Math.max(0, Math.round(value.doubleValue())), Long::sum);
            }
        }
        return lag;
    }
}
