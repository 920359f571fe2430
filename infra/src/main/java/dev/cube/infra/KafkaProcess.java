package dev.cube.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A real Kafka broker in a process of its own ({@link EmbeddedKafka#main}), on a port that stays the
 * same across restarts, with its log in a directory that survives them: for tests in which the broker is
 * stopped, killed and started again while the rest of Cube runs. Not thread-safe.
 */
public final class KafkaProcess implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private final Path logFile;
    private final JavaProcess process;

    private KafkaProcess(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
        this.logFile = dataDir.resolve("broker.log");
        this.process = new JavaProcess(EmbeddedKafka.class.getName(), Map.of(), List.of(dataDir.toString(), String.valueOf(port)), logFile);
    }

    /** Starts a broker with its data under {@code dataDir}, on a free port, and waits until it answers. */
    public static KafkaProcess start(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            KafkaProcess kafka = new KafkaProcess(dataDir, freePort());
            kafka.start();
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public boolean isRunning() {
        return process.isRunning();
    }

    /** Starts the broker again on the same port and data (after {@link #stop} or {@link #kill}). */
    public void start() {
        if (isRunning()) {
            return;
        }
        long readyBefore = readyLines();
        process.start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (readyLines() <= readyBefore) {
            if (!process.isRunning()) {
                throw new IllegalStateException("the broker process exited (" + process.exitValue() + "); see " + logFile);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the broker process did not answer within 90 s; see " + logFile);
            }
            sleep(100);
        }
    }

    /** Stops the broker cleanly (SIGTERM) and waits until it has. */
    public void stop() {
        process.stop();
    }

    /** Kills the broker (SIGKILL), as a crash would. */
    public void kill() {
        process.kill();
    }

    /** How many times a broker of this directory said it was ready, in its output. */
    private long readyLines() {
        try {
            return Files.exists(logFile) ? Files.readAllLines(logFile).stream().filter(line -> line.startsWith("READY ")).count() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The broker's output, for a test that failed. */
    public Path logFile() {
        return logFile;
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
