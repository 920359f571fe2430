package dev.cube.manager;

import dev.cube.events.CubeEvent;
import dev.cube.events.topics.Topics;
import dev.cube.infra.EmbeddedKafka;
import dev.cube.kafka.TopicSetup;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A broker of its own, for a test that writes what others must not see (a backlog to replay, a worker
 * that heartbeats), and the managers the test starts on it. Closing it stops them, then the broker.
 */
final class IsolatedManager implements AutoCloseable {

    private final Path dir;
    private final EmbeddedKafka kafka;
    private final HttpClient http = HttpClient.newHttpClient();
    private ApplicationContext manager;
    private Map<String, Object> lastSettings;

    IsolatedManager() {
        try {
            this.dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "isolated-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        TopicSetup.ensureTopics(kafka.bootstrapServers());
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Starts a manager on this broker with a new application id: it folds the whole log. */
    IsolatedManager startManager(Map<String, Object> extra) {
        Map<String, Object> settings = new HashMap<>(Map.of(
                "cube.kafka.bootstrap", kafka.bootstrapServers(),
                "cube.manager.application-id", "cube-isolated-" + UUID.randomUUID(),
                "cube.manager.state-dir", dir.resolve("state-" + UUID.randomUUID()).toString(),
                "micronaut.server.port", -1));
        settings.putAll(extra);
        if (manager != null) {
            manager.close();
        }
        lastSettings = Map.copyOf(settings);
        manager = ManagerApplication.start(settings);
        return this;
    }

    /** Stops the manager cleanly and starts it again with the same settings: the same application id, state directory and port choice. */
    IsolatedManager restartManager() {
        manager.close();
        manager = ManagerApplication.start(lastSettings);
        return this;
    }

    /** Appends {@code events} to {@code topic}, keyed by their subjects, as any producer would, and waits until the log has them. */
    void append(String topic, Iterable<CubeEvent> events) {
        try (KafkaProducer<String, CubeEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                Topics.TASK_EVENTS.keySerde().serializer(), Topics.TASK_EVENTS.valueSerde().serializer())) {
            for (CubeEvent event : events) {
                producer.send(new ProducerRecord<>(topic, event.subject(), event));
            }
            producer.flush();
        }
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    HttpResponse<String> delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE().build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    URI uri(String path) {
        return manager.getBean(EmbeddedServer.class).getURI().resolve(path);
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
        kafka.close();
    }
}
