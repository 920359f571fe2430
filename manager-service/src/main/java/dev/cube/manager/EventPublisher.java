package dev.cube.manager;

import dev.cube.events.CubeEvent;
import dev.cube.events.origin.OriginCheck;
import dev.cube.events.origin.SigningSerializer;
import dev.cube.events.topics.Topics;
import dev.cube.kafka.KafkaClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Appends the events that the HTTP API accepts, acknowledged by all in-sync replicas. */
public final class EventPublisher implements AutoCloseable {

    private final KafkaProducer<String, CubeEvent> producer;

    public EventPublisher(String bootstrapServers) {
        this(KafkaClientConfig.of(bootstrapServers));
    }

    public EventPublisher(KafkaClientConfig kafka) {
        this(kafka, OriginCheck.OFF);
    }

    /** Signs what it appends as the manager's when {@code origins} has a cluster secret. */
    public EventPublisher(KafkaClientConfig kafka, OriginCheck origins) {
        this.producer = new KafkaProducer<>(kafka.clientConfig(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 1,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.CLIENT_ID_CONFIG, "cube-manager-api")),
                Topics.TASK_EVENTS.keySerde().serializer(), SigningSerializer.asManager(Topics.TASK_EVENTS.valueSerde().serializer(), origins));
    }

    /** Appends {@code event} to {@code cube.task-events} keyed by its subject (the task id) and waits for the broker's acknowledgement. */
    public RecordMetadata append(CubeEvent event) {
        return append(Topics.TASK_EVENTS.name(), event);
    }

    /** Appends an operator's request about a worker to {@code cube.worker-admin} keyed by its subject (the worker id). */
    public RecordMetadata appendAdminEvent(CubeEvent event) {
        return append(Topics.WORKER_ADMIN.name(), event);
    }

    private RecordMetadata append(String topic, CubeEvent event) {
        try {
            return producer.send(new ProducerRecord<>(topic, event.subject(), event)).get(35, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LogUnavailableException("interrupted while appending to the log", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new LogUnavailableException("the log did not acknowledge the event: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /** The broker could not be written to. */
    public static final class LogUnavailableException extends RuntimeException {
        public LogUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
