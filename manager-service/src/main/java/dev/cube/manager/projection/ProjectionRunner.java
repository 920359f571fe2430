package dev.cube.manager.projection;

import dev.cube.core.placement.Allocation;
import dev.cube.core.placement.PlacementStage;
import dev.cube.core.placement.Scheduler;
import dev.cube.core.worker.WorkerState;
import dev.cube.events.state.TaskState;
import dev.cube.events.topics.Topic;
import dev.cube.events.topics.Topics;
import dev.cube.kafka.LogEnds;
import dev.cube.kafka.TopicSetup;
import dev.cube.manager.ManagerApplication;
import dev.cube.manager.ManagerSettings;
import dev.cube.manager.read.ProjectionUnavailableException;
import dev.cube.manager.read.TaskReads;
import dev.cube.manager.read.WorkerReads;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs the projection's Kafka Streams application for as long as the manager runs, and answers the
 * read side ({@link TaskReads}, {@link WorkerReads}) from its stores.
 */
@Context
@Requires(property = ManagerApplication.ENABLED, value = "true")
public final class ProjectionRunner implements TaskReads, WorkerReads {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectionRunner.class);

    private final KafkaStreams streams;

    /** @param observers told how the processors go (health, metrics); see {@link ProjectionObserver} */
    public ProjectionRunner(ManagerSettings settings, List<ProjectionObserver> observers) {
        Topic<String, byte[]> control = ControlTopic.topic(settings.applicationId());
        List<Topic<?, ?>> topics = new ArrayList<>(Topics.ALL);
        topics.add(control);
        TopicSetup.ensure(settings.bootstrapServers(), topics, (short) settings.replicationFactor());
        int partitions = TopicSetup.partitionCount(settings.bootstrapServers(), Topics.TASK_EVENTS.name());
        Map<Integer, Long> lastRecordAtStart = LogEnds.lastRecordOffsets(settings.bootstrapServers(), Topics.TASK_EVENTS.name());
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitInterval().toMillis());
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toAbsolutePath().toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, settings.replicationFactor());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.streamThreads());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 10 * 1024 * 1024L);
        props.put("processing.exception.handler.global.enabled", true);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        PlacementStage.Settings stage = new PlacementStage.Settings(settings.workerTtl(), settings.workerGrace(), settings.logGap(), partitions);
        this.streams = new KafkaStreams(TaskProjection.build(settings.applicationId(), stage, Scheduler.named(settings.scheduler()),
                settings.placementInterval(), lastRecordAtStart, settings.foldBatch(), ProjectionObserver.all(observers), settings.promptCommit()), props);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("the projection's stream thread failed; replacing it", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        LOG.info("projection started (application id {}, state in {}, task-events ends at {})", settings.applicationId(),
                settings.stateDir().toAbsolutePath(), lastRecordAtStart);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The Streams application, for the manager's health and metrics ({@link ProjectionProgress}). */
    KafkaStreams streams() {
        return streams;
    }

    // ---- TaskReads ----

    @Override
    public Optional<TaskState> task(String id) {
        return read(() -> Optional.ofNullable(store(TaskProjection.TASK_STATE_STORE, FoldedTask.class).get(id)).map(f -> f.state().forReaders()));
    }

    @Override
    public Optional<Long> firstOffset(String id) {
        return read(() -> Optional.ofNullable(store(TaskProjection.TASK_STATE_STORE, FoldedTask.class).get(id)).map(FoldedTask::firstOffset));
    }

    @Override
    public <T> T readAll(Function<Iterator<TaskState>, T> reader) {
        return read(() -> {
            try (KeyValueIterator<String, FoldedTask> all = store(TaskProjection.TASK_STATE_STORE, FoldedTask.class).all()) {
                return reader.apply(new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return all.hasNext();
                    }

                    @Override
                    public TaskState next() {
                        return all.next().value.state().forReaders();
                    }
                });
            }
        });
    }

    // ---- WorkerReads ----

    @Override
    public List<WorkerView> workers() {
        return read(() -> {
            ReadOnlyKeyValueStore<String, Allocation> allocations = store(TaskProjection.ALLOCATIONS_STORE, Allocation.class);
            List<WorkerView> views = new ArrayList<>();
            try (KeyValueIterator<String, WorkerState> all = store(TaskProjection.WORKERS_STORE, WorkerState.class).all()) {
                while (all.hasNext()) {
                    KeyValue<String, WorkerState> next = all.next();
                    views.add(new WorkerView(next.value, orEmpty(allocations.get(next.key))));
                }
            }
            return views;
        });
    }

    @Override
    public Optional<WorkerView> worker(String id) {
        return read(() -> Optional.ofNullable(store(TaskProjection.WORKERS_STORE, WorkerState.class).get(id))
                .map(worker -> new WorkerView(worker, orEmpty(store(TaskProjection.ALLOCATIONS_STORE, Allocation.class).get(id)))));
    }

    private static Allocation orEmpty(Allocation allocation) {
        return allocation == null ? Allocation.EMPTY : allocation;
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name, Class<V> type) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new InvalidStateStoreException("the projection is " + streams.state());
        }
        return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
    }

    private static <T> T read(Supplier<T> read) {
        try {
            return read.get();
        } catch (InvalidStateStoreException e) {
            throw new ProjectionUnavailableException("the projection's stores are not available right now (" + e.getMessage() + ")", e);
        } catch (StreamsException e) {
            throw new ProjectionUnavailableException("the projection is not available right now (" + e.getMessage() + ")", e);
        }
    }

    @PreDestroy
    void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(10)));
    }
}
