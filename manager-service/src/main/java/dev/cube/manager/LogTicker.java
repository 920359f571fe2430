package dev.cube.manager;

import dev.cube.events.CubeEvent;
import dev.cube.events.ManagerEvent;
import dev.cube.events.topics.Topics;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes the manager's tick ({@link ManagerEvent.Tick}) to {@code cube.workers} every tick interval,
 * so that log time moves on when no worker writes (the last worker of a cluster died). The broker
 * stamps it; the placement stage reads it in order with the heartbeats. A tick that cannot be
 * written is skipped: the next one says the same.
 */
@Context
@Requires(property = ManagerApplication.ENABLED, value = "true")
public final class LogTicker {

    private static final Logger LOG = LoggerFactory.getLogger(LogTicker.class);

    private final KafkaProducer<String, CubeEvent> producer;
    private final ScheduledExecutorService timer;

    /** Takes the projection so that it starts after it: the projection makes sure the topics exist. */
    public LogTicker(ManagerSettings settings, dev.cube.kafka.KafkaClientConfig kafka, dev.cube.events.origin.OriginCheck origins, Clock clock, dev.cube.manager.projection.ProjectionRunner projection) {
        this.producer = new KafkaProducer<>(kafka.clientConfig(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.CLIENT_ID_CONFIG, "cube-manager-ticks")),
                Topics.WORKERS.keySerde().serializer(), dev.cube.events.origin.SigningSerializer.asManager(Topics.WORKERS.valueSerde().serializer(), origins));
        String key = Topics.tickKey(settings.applicationId());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("cube-manager-ticks").unstarted(r));
        long every = settings.tickInterval().toMillis();
        timer.scheduleAtFixedRate(() -> {
            try {
                producer.send(new ProducerRecord<>(Topics.WORKERS.name(), key,
                        CubeEvent.of("/cube/manager", key, clock.instant(), new ManagerEvent.Tick(settings.applicationId()))));
            } catch (RuntimeException e) {
                LOG.debug("could not write a tick: {}", e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(2));
    }
}
