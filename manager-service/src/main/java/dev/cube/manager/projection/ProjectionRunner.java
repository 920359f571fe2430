package dev.cube.manager.projection;

import dev.cube.manager.ManagerApplication;
import dev.cube.manager.ManagerSettings;
import dev.cube.manager.scheduling.Allocation;
import dev.cube.manager.scheduling.Scheduler;
import dev.cube.manager.scheduling.WorkerRegistry;
import dev.cube.events.topics.Topics;
import dev.cube.infra.TopicSetup;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Properties;

/** Runs the projection's Kafka Streams application for as long as the manager runs, and gives the read side its stores. */
@Context
@Requires(property = ManagerApplication.ENABLED, value = "true")
public final class ProjectionRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectionRunner.class);

    private final KafkaStreams streams;

    public ProjectionRunner(ManagerSettings settings, WorkerRegistry workers, Clock clock) {
        TopicSetup.ensureTopics(settings.bootstrapServers(), (short) settings.replicationFactor());
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitInterval().toMillis());
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toAbsolutePath().toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, settings.replicationFactor());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 10 * 1024 * 1024L);
        props.put("processing.exception.handler.global.enabled", true);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        this.streams = new KafkaStreams(
                TaskProjection.build(workers, Scheduler.named(settings.scheduler()), clock, settings.placementInterval(),
                        settings.workerTtl().plus(settings.workerGrace()),
                        TopicSetup.partitionCount(settings.bootstrapServers(), Topics.TASK_EVENTS.name())), props);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("the projection's stream thread failed; replacing it", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        LOG.info("projection started (application id {}, state in {})", settings.applicationId(), settings.stateDir().toAbsolutePath());
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * The task-state store of this instance.
     *
     * @throws InvalidStateStoreException while the store is not queryable (starting, rebalancing, restoring)
     */
    public ReadOnlyKeyValueStore<String, dev.cube.events.state.TaskState> tasks() {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new InvalidStateStoreException("the projection is " + streams.state());
        }
        return streams.store(StoreQueryParameters.fromNameAndType(TaskProjection.TASK_STATE_STORE, QueryableStoreTypes.<String, dev.cube.events.state.TaskState>keyValueStore()));
    }

    /** What the scheduler has placed on each worker. */
    public ReadOnlyKeyValueStore<String, Allocation> allocations() {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new InvalidStateStoreException("the projection is " + streams.state());
        }
        return streams.store(StoreQueryParameters.fromNameAndType(TaskProjection.ALLOCATIONS_STORE, QueryableStoreTypes.<String, Allocation>keyValueStore()));
    }

    public ReadOnlyKeyValueStore<String, Long> firstOffsets() {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new InvalidStateStoreException("the projection is " + streams.state());
        }
        return streams.store(StoreQueryParameters.fromNameAndType(TaskProjection.FIRST_OFFSETS_STORE, QueryableStoreTypes.<String, Long>keyValueStore()));
    }

    @PreDestroy
    void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(10)));
    }
}
