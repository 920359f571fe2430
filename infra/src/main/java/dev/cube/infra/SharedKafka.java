package dev.cube.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One real broker per JVM for tests, started on first use with Cube's topics created, and
 * stopped when the JVM exits. Tests share it; they keep apart by using their own task and worker ids.
 * Set {@code cube.test.bootstrap} to use a broker that is already running instead.
 */
public final class SharedKafka {

    private static String bootstrapServers;

    private SharedKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (bootstrapServers == null) {
            String external = System.getProperty("cube.test.bootstrap");
            if (external != null && !external.isBlank()) {
                bootstrapServers = external;
            } else {
                EmbeddedKafka kafka = EmbeddedKafka.start(tempDir(), 0);
                Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "embedded-kafka-shutdown"));
                bootstrapServers = kafka.bootstrapServers();
            }
            TopicSetup.ensureTopics(bootstrapServers);
        }
        return bootstrapServers;
    }

    private static Path tempDir() {
        try {
            Path target = Path.of("target");
            Path base = Files.isDirectory(target) ? target : Path.of(System.getProperty("java.io.tmpdir"));
            return Files.createTempDirectory(base.toAbsolutePath(), "kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
