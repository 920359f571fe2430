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
    private int secondPort = -1;
    private int advertisedSecondPort = -1;

    private KafkaProcess(Path dataDir, int port) {
        this(dataDir, port, List.of(), JavaProcess.DEFAULT_HEAP);
    }

    private KafkaProcess(Path dataDir, int port, List<String> nodeArguments, String heap) {
        this.dataDir = dataDir;
        this.port = port;
        this.logFile = dataDir.resolve("broker.log");
        List<String> arguments = new java.util.ArrayList<>(List.of(dataDir.toString(), String.valueOf(port)));
        arguments.addAll(nodeArguments);
        this.process = new JavaProcess(EmbeddedKafka.class.getName(), Map.of(), arguments, logFile, heap);
    }

    /**
     * Starts a broker like {@link #start(Path)}, with a second listener on a port of its own that advertises
     * {@code advertisedPort} (see {@link #secondBootstrapServers}): the clients given that address reach the broker
     * only through whatever listens on {@code advertisedPort} (a test's proxy, which then cuts them off alone).
     */
    public static KafkaProcess startWithSecondListener(Path dataDir, int advertisedPort) {
        try {
            Files.createDirectories(dataDir);
            int second = freePort();
            KafkaProcess kafka = new KafkaProcess(dataDir, freePort(), List.of("--second-listener", second + ":" + advertisedPort),
                    JavaProcess.DEFAULT_HEAP);
            kafka.secondPort = second;
            kafka.advertisedSecondPort = advertisedPort;
            kafka.start();
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The port of the second listener ({@link #startWithSecondListener}), where a proxy forwards to; -1 without one. */
    public int secondListenerPort() {
        return secondPort;
    }

    /** The address clients of the second listener bootstrap from: the port it advertises. */
    public String secondBootstrapServers() {
        return "127.0.0.1:" + advertisedSecondPort;
    }

    /** A node of a cluster ({@link KafkaCluster}), not started yet. */
    static KafkaProcess node(Path dataDir, EmbeddedKafka.Node node, String heap) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new KafkaProcess(dataDir, node.port(), node.arguments(), heap);
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
        awaitReady(launch());
    }

    /** Starts the process and returns at once, with what {@link #awaitReady} needs to know it answered since. */
    long launch() {
        long readyBefore = readyLines();
        process.start();
        return readyBefore;
    }

    /** Waits until the process launched after {@code readyBefore} ready lines says it is ready. */
    void awaitReady(long readyBefore) {
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
