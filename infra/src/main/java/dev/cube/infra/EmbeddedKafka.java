package dev.cube.infra;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A real Kafka node (KRaft, combined broker and controller) running in this JVM from the Maven
 * Central jars: no Docker, nothing installed. Alone by default ({@link #start(Path, int)}); or one
 * node of a cluster whose controllers vote together ({@link Node}, as {@link KafkaCluster} starts
 * them, each in a process of its own). Its data lives in {@code dataDir}, so a restarted broker keeps
 * its log. Close it to stop it.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String CLUSTER_ID = "Y3ViZS1lbWJlZGRlZC0x";
    private static final String SCRAM = "SCRAM-SHA-256";

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Map<String, String> adminProperties;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, Map<String, String> adminProperties) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.adminProperties = Map.copyOf(adminProperties);
    }

    /**
     * One node of a cluster: its id, its broker and controller ports, every voter of the controller
     * quorum ({@code 1@127.0.0.1:9093,2@...}, this node included), and the replication the cluster's own
     * and new topics get ({@code replicas} copies, {@code minInSync} of which acknowledge a write).
     */
    public record Node(int nodeId, int port, int controllerPort, String voters, int replicas, int minInSync) {

        /** A node alone: its own quorum, one copy of everything. */
        static Node alone(int port, int controllerPort) {
            return new Node(1, port, controllerPort, "1@127.0.0.1:" + controllerPort, 1, 1);
        }

        /** The command-line arguments of {@link #main} after the data directory and the port. */
        List<String> arguments() {
            return List.of("--node-id", String.valueOf(nodeId), "--controller-port", String.valueOf(controllerPort),
                    "--voters", voters, "--replicas", String.valueOf(replicas), "--min-in-sync", String.valueOf(minInSync));
        }
    }

    /** Starts a broker on {@code port} (0 picks a free one) with its log under {@code dataDir}, and waits until it answers. */
    public static EmbeddedKafka start(Path dataDir, int port) {
        return start(dataDir, port, Map.of(), List.of(), Map.of());
    }

    /**
     * Starts a broker whose clients must authenticate with SASL/SCRAM-SHA-256 (over plaintext, on
     * 127.0.0.1) and are authorized by the StandardAuthorizer: nothing is allowed without an ACL but to
     * {@code adminUser}, a super user created with the storage ({@code --add-scram}). The controller
     * listener stays PLAINTEXT on loopback (its principal, ANONYMOUS, is a super user too, so that the
     * broker may talk to its own controller). Create other users with {@link #addScramUser}.
     */
    public static EmbeddedKafka startWithScram(Path dataDir, int port, String adminUser, String adminPassword) {
        Map<String, String> broker = new java.util.LinkedHashMap<>();
        broker.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
        broker.put("inter.broker.listener.name", "SASL_PLAINTEXT");
        broker.put("sasl.enabled.mechanisms", SCRAM);
        broker.put("sasl.mechanism.inter.broker.protocol", SCRAM);
        broker.put("listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config", jaas(adminUser, adminPassword));
        broker.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        broker.put("super.users", "User:" + adminUser + ";User:ANONYMOUS");
        broker.put("allow.everyone.if.no.acl.found", "false");
        broker.put("listener.protocol", "SASL_PLAINTEXT");
        return start(dataDir, port, broker, List.of("--add-scram", SCRAM + "=[name=" + adminUser + ",password=" + adminPassword + "]"),
                scramClient(adminUser, adminPassword));
    }

    /** The client properties with which {@code user} authenticates to a broker of {@link #startWithScram}. */
    public static Map<String, String> scramClient(String user, String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", SCRAM, "sasl.jaas.config", jaas(user, password));
    }

    /** Creates (or changes the password of) SCRAM user {@code user}, as the admin. */
    public void addScramUser(String user, String password) {
        try (Admin admin = Admin.create(adminConfig())) {
            admin.alterUserScramCredentials(List.of(new org.apache.kafka.clients.admin.UserScramCredentialUpsertion(user,
                    new org.apache.kafka.clients.admin.ScramCredentialInfo(org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_256, 4096),
                    password))).all().get(30, TimeUnit.SECONDS);
            // The controller has it; the broker authenticates with it once its metadata catches up.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    admin.describeUserScramCredentials(List.of(user)).description(user).get(10, TimeUnit.SECONDS);
                    break;
                } catch (java.util.concurrent.ExecutionException notYet) {
                    if (System.nanoTime() > deadline) {
                        throw notYet;
                    }
                    Thread.sleep(50);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create SCRAM user " + user, e);
        }
    }

    /** The client properties of the broker's admin (empty for a PLAINTEXT broker). */
    public Map<String, String> adminProperties() {
        return adminProperties;
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";";
    }

    private static EmbeddedKafka start(Path dataDir, int port, Map<String, String> overrides, List<String> formatArgs, Map<String, String> adminProperties) {
        try {
            int brokerPort = port == 0 ? freePort() : port;
            return start(dataDir, Node.alone(brokerPort, freePort()), overrides, formatArgs, adminProperties);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded Kafka broker in " + dataDir, e);
        }
    }

    /**
     * Starts a broker alone on {@code port} with a second PLAINTEXT listener, {@code SECOND}, on {@code secondPort}, which
     * advertises {@code advertisedPort}: clients that bootstrap there are told to reach the broker at that port, so
     * that all of their traffic goes through whatever listens on it (a test's proxy, which can cut them off alone).
     */
    static EmbeddedKafka startWithSecondListener(Path dataDir, int port, int secondPort, int advertisedPort) {
        try {
            Node node = Node.alone(port, freePort());
            Map<String, String> listeners = Map.of(
                    "listeners", "PLAINTEXT://127.0.0.1:" + port + ",SECOND://127.0.0.1:" + secondPort + ",CONTROLLER://127.0.0.1:" + node.controllerPort(),
                    "advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + ",SECOND://127.0.0.1:" + advertisedPort,
                    "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SECOND:PLAINTEXT,CONTROLLER:PLAINTEXT");
            return start(dataDir, node, listeners, List.of(), Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded Kafka broker in " + dataDir, e);
        }
    }

    /** Starts {@code node} with its log under {@code dataDir}, and waits until it answers (a node of a cluster: until a quorum of its voters runs). */
    public static EmbeddedKafka start(Path dataDir, Node node) {
        return start(dataDir, node, Map.of(), List.of(), Map.of());
    }

    private static EmbeddedKafka start(Path dataDir, Node node, Map<String, String> overrides, List<String> formatArgs, Map<String, String> adminProperties) {
        try {
            Files.createDirectories(dataDir);
            int brokerPort = node.port();
            Properties props = brokerProperties(dataDir, node);
            Map<String, String> settings = new java.util.LinkedHashMap<>(overrides);
            String protocol = settings.remove("listener.protocol");
            if (protocol != null) {
                props.put("listeners", protocol + "://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + node.controllerPort());
                props.put("advertised.listeners", protocol + "://127.0.0.1:" + brokerPort);
            }
            props.putAll(settings);
            Path propsFile = dataDir.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(propsFile)) {
                props.store(out, "written by Cube's EmbeddedKafka");
            }
            format(propsFile, formatArgs);
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            String bootstrap = "127.0.0.1:" + brokerPort;
            EmbeddedKafka kafka = new EmbeddedKafka(server, bootstrap, adminProperties);
            kafka.awaitReady(Duration.ofSeconds(60));
            LOG.info("Embedded Kafka ready at {} (data in {})", bootstrap, dataDir.toAbsolutePath());
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded Kafka broker in " + dataDir, e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Runs a broker as a process of its own, until it is told to stop (SIGTERM stops it cleanly; SIGKILL
     * is a crash): {@code EmbeddedKafka <data dir> <port>}, alone, or {@code EmbeddedKafka <data dir> <port>
     * --node-id N --controller-port P --voters 1@127.0.0.1:P1,... --replicas R --min-in-sync M}, a node of
     * a cluster ({@link Node}). For tests that stop, kill and restart brokers apart from the rest of Cube
     * ({@link KafkaProcess}, {@link KafkaCluster}); prints {@code READY <bootstrap>} once it answers.
     */
    public static void main(String[] args) {
        if (args.length != 2 && args.length != 4 && args.length != 12) {
            System.err.println("usage: EmbeddedKafka <data dir> <port> [--second-listener PORT:ADVERTISED_PORT | --node-id N --controller-port P "
                    + "--voters V --replicas R --min-in-sync M]");
            System.exit(2);
        }
        Path dataDir = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        EmbeddedKafka kafka;
        if (args.length == 2) {
            kafka = start(dataDir, port);
        } else if (args.length == 4 && args[2].equals("--second-listener")) {
            String[] ports = args[3].split(":");
            kafka = startWithSecondListener(dataDir, port, Integer.parseInt(ports[0]), Integer.parseInt(ports[1]));
        } else {
            Map<String, String> options = new HashMap<>();
            for (int i = 2; i + 1 < args.length; i += 2) {
                options.put(args[i], args[i + 1]);
            }
            kafka = start(dataDir, new Node(Integer.parseInt(options.get("--node-id")), port, Integer.parseInt(options.get("--controller-port")),
                    options.get("--voters"), Integer.parseInt(options.get("--replicas")), Integer.parseInt(options.get("--min-in-sync"))));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "embedded-kafka-shutdown"));
        System.out.println("READY " + kafka.bootstrapServers());
        System.out.flush();
    }

    private static Properties brokerProperties(Path dataDir, Node node) {
        String replicas = String.valueOf(node.replicas());
        String minInSync = String.valueOf(node.minInSync());
        Properties p = new Properties();
        p.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", String.valueOf(node.nodeId())),
                Map.entry("controller.quorum.voters", node.voters()),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + node.port() + ",CONTROLLER://127.0.0.1:" + node.controllerPort()),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + node.port()),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("log.dirs", dataDir.resolve("log").toAbsolutePath().toString()),
                Map.entry("offsets.topic.replication.factor", replicas),
                Map.entry("offsets.topic.num.partitions", "4"),
                Map.entry("transaction.state.log.replication.factor", replicas),
                Map.entry("transaction.state.log.min.isr", minInSync),
                Map.entry("transaction.state.log.num.partitions", "4"),
                Map.entry("share.coordinator.state.topic.replication.factor", replicas),
                Map.entry("share.coordinator.state.topic.min.isr", minInSync),
                Map.entry("default.replication.factor", replicas),
                Map.entry("min.insync.replicas", minInSync),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("num.partitions", "1"),
                Map.entry("auto.create.topics.enable", "false"),
                Map.entry("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024)),
                Map.entry("log.cleaner.threads", "1"),
                Map.entry("num.network.threads", "2"),
                Map.entry("num.io.threads", "4")));
        return p;
    }

    private static void format(Path propsFile, List<String> extra) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        List<String> args = new java.util.ArrayList<>(List.of("format", "-t", CLUSTER_ID, "-c", propsFile.toString(), "--ignore-formatted"));
        args.addAll(extra);
        int exit = StorageTool.execute(args.toArray(String[]::new), new PrintStream(output, true, StandardCharsets.UTF_8));
        if (exit != 0) {
            throw new IllegalStateException("formatting Kafka storage failed: " + output.toString(StandardCharsets.UTF_8));
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> config = adminConfig();
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        try (Admin admin = Admin.create(config)) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the embedded Kafka broker did not answer within " + timeout, e);
                    }
                }
            }
        }
    }

    private Map<String, Object> adminConfig() {
        Map<String, Object> config = new java.util.HashMap<>(adminProperties);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return config;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
