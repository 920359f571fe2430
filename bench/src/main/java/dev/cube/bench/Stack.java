package dev.cube.bench;

import dev.cube.infra.EmbeddedKafka;
import dev.cube.kafka.TopicSetup;
import dev.cube.manager.ManagerApplication;
import dev.cube.manager.projection.ProjectionRunner;
import dev.cube.manager.read.TaskReads;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.apache.kafka.streams.KafkaStreams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * What one scenario runs on: a fresh embedded broker in its own temporary directory, Cube's
 * topics, and the managers it starts (each with a fresh application id and state directory).
 * Closing it stops the managers, then the broker, and deletes the directory.
 */
final class Stack implements AutoCloseable {

    final Path dir;
    final EmbeddedKafka kafka;
    private final Map<String, String> managerOverrides;
    private final List<ApplicationContext> managers = new ArrayList<>();

    private Stack(Path dir, EmbeddedKafka kafka, Map<String, String> managerOverrides) {
        this.dir = dir;
        this.kafka = kafka;
        this.managerOverrides = managerOverrides;
    }

    static Stack start(Path parent, String name, Map<String, String> managerOverrides) {
        try {
            Files.createDirectories(parent);
            Path dir = Files.createTempDirectory(parent, "bench-" + name + "-");
            EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
            TopicSetup.ensureTopics(kafka.bootstrapServers());
            return new Stack(dir, kafka, managerOverrides);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String bootstrap() {
        return kafka.bootstrapServers();
    }

    /** Starts a manager with a fresh application id (so it folds the whole log), the run's overrides, then {@code extra}. */
    ApplicationContext startManager(Map<String, String> extra) {
        Map<String, Object> props = new HashMap<>();
        String appId = "cube-bench-" + UUID.randomUUID().toString().substring(0, 8);
        props.put("cube.kafka.bootstrap", bootstrap());
        props.put("cube.manager.application-id", appId);
        props.put("cube.manager.state-dir", dir.resolve("state-" + appId).toString());
        props.put("micronaut.server.port", -1);
        props.put("micronaut.server.host", "127.0.0.1");
        props.putAll(managerOverrides);
        props.putAll(extra);
        ApplicationContext context = ManagerApplication.start(props);
        managers.add(context);
        return context;
    }

    static URI uri(ApplicationContext manager) {
        return manager.getBean(EmbeddedServer.class).getURI();
    }

    static ProjectionRunner projection(ApplicationContext manager) {
        return manager.getBean(ProjectionRunner.class);
    }

    /** The manager's read side, as its HTTP API reads. */
    static TaskReads reads(ApplicationContext manager) {
        return manager.getBean(TaskReads.class);
    }

    static void awaitRunning(ApplicationContext manager, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (projection(manager).state() != KafkaStreams.State.RUNNING) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the projection did not reach RUNNING in " + timeoutMs + " ms: " + projection(manager).state());
            }
            Sleep.ms(20);
        }
    }

    void stopManager(ApplicationContext manager) {
        if (managers.remove(manager)) {
            manager.close();
        }
    }

    @Override
    public void close() {
        for (ApplicationContext manager : List.copyOf(managers)) {
            try {
                manager.close();
            } catch (RuntimeException e) {
                System.err.println("bench: closing a manager failed: " + e);
            }
        }
        managers.clear();
        try {
            kafka.close();
        } catch (RuntimeException e) {
            System.err.println("bench: closing the broker failed: " + e);
        }
        deleteQuietly(dir);
    }

    static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: it is under target/
        }
    }
}
