package dev.cube.manager.projection;

import dev.cube.core.placement.PlacementStage;
import dev.cube.core.placement.Scheduler;
import dev.cube.events.origin.OriginCheck;
import dev.cube.events.topics.Topic;
import dev.cube.events.topics.Topics;
import dev.cube.kafka.KafkaClientConfig;
import dev.cube.kafka.LogEnds;
import dev.cube.kafka.TopicSetup;
import dev.cube.manager.ManagerApplication;
import dev.cube.manager.ManagerSettings;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.annotation.PreDestroy;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Runs the projection's Kafka Streams application for as long as the manager runs. It makes sure the
 * topics exist and are laid out as Cube needs them when the manager starts, and starts Streams once the
 * HTTP server listens, so that the endpoint it advertises to the other instances
 * ({@code application.server}) is the one they can call. Each instance is a static member of the group
 * ({@code group.instance.id}, {@link ManagerSettings#instanceIdOrDefault}), keeps standby copies of the
 * others' stores, and leaves the group at once when it stops. The reads themselves are answered by
 * {@code dev.cube.manager.cluster.RoutedReads}, which asks whichever instance holds each partition.
 */
@Context
@Requires(property = ManagerApplication.ENABLED, value = "true")
public final class ProjectionRunner implements ApplicationEventListener<ServerStartupEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectionRunner.class);

    private final ManagerSettings settings;
    private final KafkaClientConfig kafka;
    private final OriginCheck origins;
    private final List<ProjectionObserver> observers;
    private final int partitions;
    private final Map<Integer, Long> lastRecordAtStart;
    private volatile KafkaStreams streams;
    private volatile HostInfo self;

    /** @param observers told how the processors go (health, metrics); see {@link ProjectionObserver} */
    public ProjectionRunner(ManagerSettings settings, KafkaClientConfig kafka, OriginCheck origins, List<ProjectionObserver> observers) {
        this.settings = settings;
        this.kafka = kafka;
        this.origins = origins;
        this.observers = List.copyOf(observers);
        Topic<String, byte[]> control = ControlTopic.topic(settings.applicationId());
        List<Topic<?, ?>> topics = new ArrayList<>(Topics.ALL);
        topics.add(control);
        TopicSetup.ensure(kafka, topics, (short) settings.replicationFactor());
        this.partitions = TopicSetup.partitionCount(kafka, Topics.TASK_EVENTS.name());
        this.lastRecordAtStart = LogEnds.lastRecordOffsets(kafka, Topics.TASK_EVENTS.name());
    }

    /** Starts Streams once the HTTP server listens: only then is the port it advertises known (it may be picked at random). */
    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        start(event.getSource().getPort());
    }

    synchronized void start(int httpPort) {
        if (streams != null) {
            return;
        }
        HostInfo endpoint = new HostInfo(settings.advertisedHostOrDefault(), httpPort);
        String instanceId = settings.instanceIdOrDefault(httpPort);
        if (settings.streamsProtocol()) {
            StreamsGroupConfig.apply(settings, kafka);
        }
        PlacementStage.Settings stage = new PlacementStage.Settings(settings.workerTtl(), settings.workerGrace(), settings.logGap(), partitions);
        KafkaStreams created = new KafkaStreams(TaskProjection.build(settings.applicationId(), stage, Scheduler.named(settings.scheduler()),
                settings.placementInterval(), lastRecordAtStart, settings.foldBatch(), ProjectionObserver.all(observers), settings.promptCommit(), origins),
                kafka.clientProperties(properties(settings, endpoint, instanceId)));
        created.setUncaughtExceptionHandler(e -> {
            LOG.error("the projection's stream thread failed; replacing it", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        created.start();
        this.self = endpoint;
        this.streams = created;
        LOG.info("projection started (application id {}, instance {}, reached at {}:{}, {} protocol, {} standby replicas, state in {}, task-events ends at {})",
                settings.applicationId(), instanceId, endpoint.host(), endpoint.port(), settings.groupProtocol(), settings.standbyReplicas(),
                settings.stateDir().toAbsolutePath(), lastRecordAtStart);
    }

    /** The Streams configuration of one instance reached at {@code endpoint}, named {@code instanceId} in the group. */
    static Properties properties(ManagerSettings settings, HostInfo endpoint, String instanceId) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitInterval().toMillis());
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toAbsolutePath().toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, settings.replicationFactor());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.streamThreads());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 10 * 1024 * 1024L);
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, endpoint.host() + ":" + endpoint.port());
        props.put("processing.exception.handler.global.enabled", true);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Restoring a store waits for its changelog's end: a fetch at the end waited 500 ms (the default) each time, which
        // made a fresh manager's start spend about 1.5 s restoring empty changelogs; a big restore is not slowed (its fetches fill).
        props.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 100);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        // A transaction begun right after a commit finds its partitions still closing the last one
        // (CONCURRENT_TRANSACTIONS) until the markers are written: retry in 10 ms, not the default 100 ms.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 10L);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        if (settings.streamsProtocol()) {
            // KIP-1071: standbys and the session timeout are the group's configuration (StreamsGroupConfig);
            // brokers before 4.4 refuse a group.instance.id.
            props.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams");
        } else {
            props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, settings.standbyReplicas());
            // A manager that joins warms copies of the partitions it is to take; the next probing
            // rebalance hands them over once caught up: every minute (the least Streams allows), not ten.
            props.put(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG, 60_000L);
            props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instanceId);
            long session = settings.sessionTimeout().toMillis();
            props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int) session);
            props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), (int) Math.max(500, session / 5));
        }
        return props;
    }

    /** The Streams application id: the consumer group whose committed offsets say how far the fold has folded. */
    public String applicationId() {
        return settings.applicationId();
    }

    /** For each partition of {@code cube.task-events}, the offset of its last record when this manager started (-1: none). */
    public Map<Integer, Long> lastRecordAtStart() {
        return lastRecordAtStart;
    }

    /** The running Streams application (for the reads, the manager's health and metrics); empty until the HTTP server has started. */
    public Optional<KafkaStreams> streams() {
        return Optional.ofNullable(streams);
    }

    /** Where this instance is reached, as the other instances know it (null until started). */
    public HostInfo self() {
        return self;
    }

    /** How many partitions {@code cube.task-events} has: the task fold's stream tasks, and the partitions of its stores. */
    public int taskPartitions() {
        return partitions;
    }

    public KafkaStreams.State state() {
        KafkaStreams running = streams;
        return running == null ? KafkaStreams.State.CREATED : running.state();
    }

    @PreDestroy
    synchronized void close() {
        if (streams != null) {
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(10)));
        }
    }
}
