package dev.cube.infra;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A real Kafka cluster of several nodes, each a combined KRaft broker and controller in a process of
 * its own ({@link KafkaProcess}), voting in one controller quorum, on ports and data that stay the same
 * across restarts: for tests that kill one broker of a replicated cluster while Cube runs. Topics get
 * {@code replicas} copies by default ({@code default.replication.factor}, and the cluster's own topics),
 * of which {@code minInSync} must acknowledge a write ({@code min.insync.replicas}): three and two, as a
 * production cluster would have them, lose nothing acknowledged when one broker dies and still take
 * writes. Not thread-safe.
 */
public final class KafkaCluster implements AutoCloseable {

    private final List<KafkaProcess> brokers;

    private KafkaCluster(List<KafkaProcess> brokers) {
        this.brokers = brokers;
    }

    /**
     * Starts {@code size} nodes with their data under {@code dir} ({@code dir/broker-<id>}), each with a
     * heap of {@code heap}, and waits until every one has registered with the quorum.
     */
    public static KafkaCluster start(Path dir, int size, int replicas, int minInSync, String heap) {
        List<int[]> ports = IntStream.range(0, size).mapToObj(i -> new int[]{freePort(), freePort()}).toList();
        String voters = IntStream.range(0, size).mapToObj(i -> (i + 1) + "@127.0.0.1:" + ports.get(i)[1]).collect(Collectors.joining(","));
        List<KafkaProcess> brokers = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            EmbeddedKafka.Node node = new EmbeddedKafka.Node(i + 1, ports.get(i)[0], ports.get(i)[1], voters, replicas, minInSync);
            brokers.add(KafkaProcess.node(dir.resolve("broker-" + (i + 1)), node, heap));
        }
        KafkaCluster cluster = new KafkaCluster(brokers);
        // A node is ready once a quorum of voters runs: launch them all, then wait for each.
        List<Long> readyBefore = brokers.stream().map(KafkaProcess::launch).toList();
        for (int i = 0; i < size; i++) {
            brokers.get(i).awaitReady(readyBefore.get(i));
        }
        cluster.awaitBrokers(size, Duration.ofSeconds(60));
        return cluster;
    }

    /** Every broker's address, as a client's {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return brokers.stream().map(KafkaProcess::bootstrapServers).collect(Collectors.joining(","));
    }

    public int size() {
        return brokers.size();
    }

    /** The node with id {@code nodeId} (1 to {@link #size}). */
    public KafkaProcess broker(int nodeId) {
        return brokers.get(nodeId - 1);
    }

    /** Waits until {@code count} brokers are registered and answer, as the cluster's metadata says. */
    public void awaitBrokers(int count, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        try (Admin admin = Admin.create(config)) {
            while (true) {
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= count) {
                        return;
                    }
                } catch (Exception e) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("the cluster did not show " + count + " brokers within " + timeout, e);
                    }
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("the cluster did not show " + count + " brokers within " + timeout);
                }
                sleep(200);
            }
        }
    }

    /**
     * Ends every node at once (SIGKILL), leaving its data as a crash leaves it: a clean stop, one node
     * after the other, would leave the last ones waiting for a quorum that is gone.
     */
    @Override
    public void close() {
        brokers.forEach(KafkaProcess::kill);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
