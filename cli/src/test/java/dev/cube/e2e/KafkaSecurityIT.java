package dev.cube.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.CubeEvent;
import dev.cube.events.EventData;
import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.origin.OriginProof;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.topics.Topics;
import dev.cube.events.wire.Json;
import dev.cube.infra.EmbeddedKafka;
import dev.cube.kafka.CubeAcls;
import dev.cube.manager.cluster.PeerProof;
import dev.cube.kafka.KafkaClientConfig;
import dev.cube.kafka.TopicSetup;
import dev.cube.manager.ManagerApplication;
import dev.cube.worker.WorkerApplication;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Roles on the log, on a real broker that authenticates (SASL/SCRAM-SHA-256) and authorizes (KRaft's
 * StandardAuthorizer, nothing allowed without an ACL): an administrator creates Cube's topics and the
 * ACLs of docs/security.md ({@link CubeAcls}); the manager, a worker and a submitter each run as their own principal with
 * only those. A task runs end to end; what the submitter forges is refused by the broker (cube.workers,
 * cube.desired-attempts) or dead-lettered by Cube with the reason (a scheduled, a running, a failed on
 * cube.task-events), and so is a heartbeat the worker principal writes for another worker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaSecurityIT {

    static final String SECRET = "cluster-secret-" + UUID.randomUUID();
    static final String APP = "cube-manager";
    static final String WORKER = "secure-w1";
    static final String VIEWER_TOKEN = "viewer-" + UUID.randomUUID();
    static final String SUBMITTER_TOKEN = "submitter-" + UUID.randomUUID();
    static final String OPERATOR_TOKEN = "operator-" + UUID.randomUUID();

    EmbeddedKafka kafka;
    ApplicationContext manager;
    ApplicationContext worker;
    URI managerUri;
    Map<String, String> admin;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "kafka-security-");
        kafka = EmbeddedKafka.startWithScram(dir.resolve("kafka"), 0, "admin", "admin-secret");
        admin = kafka.adminProperties();
        kafka.addScramUser("cube-manager", "manager-secret");
        kafka.addScramUser("cube-worker-" + WORKER, "worker-secret");
        kafka.addScramUser("alice", "alice-secret");
        // The administrator creates Cube's topics ahead of time: the manager may not create them.
        TopicSetup.ensure(new KafkaClientConfig(kafka.bootstrapServers(), admin), Topics.ALL, (short) 1);
        try (Admin acls = Admin.create(adminConfig())) {
            List<AclBinding> bindings = CubeAcls.all("User:cube-manager", APP, List.of("User:cube-worker-" + WORKER), List.of("User:alice"));
            acls.createAcls(bindings).all().get(30, TimeUnit.SECONDS);
            // The controller has them; the broker's authorizer applies them when its metadata catches up (a
            // manager started before that is refused DESCRIBE): wait until the broker itself lists them all.
            await().atMost(Duration.ofSeconds(30)).until(() -> acls.describeAcls(AclBindingFilter.ANY).values().get(10, TimeUnit.SECONDS)
                    .containsAll(bindings));
        }

        Map<String, Object> managerSettings = new HashMap<>(Map.of(
                "cube.kafka.bootstrap", kafka.bootstrapServers(),
                "cube.manager.application-id", APP,
                "cube.manager.state-dir", dir.resolve("manager-state").toString(),
                "cube.security.cluster-secret", SECRET,
                "cube.security.tokens", "viewer:" + VIEWER_TOKEN + ",submitter:" + SUBMITTER_TOKEN + ",operator:" + OPERATOR_TOKEN,
                "micronaut.server.port", -1));
        EmbeddedKafka.scramClient("cube-manager", "manager-secret").forEach((k, v) -> managerSettings.put("cube.kafka.properties." + k, v));
        manager = ManagerApplication.start(managerSettings);
        managerUri = manager.getBean(EmbeddedServer.class).getURI();

        // The worker takes its client settings from a file, as Kafka's tools take --command-config.
        Path workerClient = dir.resolve("worker-client.properties");
        Properties p = new Properties();
        p.putAll(EmbeddedKafka.scramClient("cube-worker-" + WORKER, "worker-secret"));
        try (var out = Files.newBufferedWriter(workerClient)) {
            p.store(out, null);
        }
        worker = WorkerApplication.start(Map.of(
                "cube.kafka.bootstrap", kafka.bootstrapServers(),
                "cube.kafka.properties-file", workerClient.toString(),
                "cube.worker.id", WORKER,
                "cube.worker.address", "127.0.0.1",
                "cube.worker.cpu", 2, "cube.worker.memory", 2048,
                "cube.worker.heartbeat-interval", "1s",
                "cube.worker.stop-grace", "2s",
                "cube.worker.management-port", -1,
                "cube.worker.origin-key", OriginProof.encodeKey(OriginProof.workerKey(SECRET, WORKER))));
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/api/v1/workers/" + WORKER).statusCode() == 200);
    }

    @AfterAll
    void stop() {
        if (worker != null) {
            worker.close();
        }
        if (manager != null) {
            manager.close();
        }
        Docker.forceRemove(Docker.containersOfWorker(WORKER));
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theSubmitterRunsAndStopsATaskButItsForgeriesAreRefusedAndChangeNothing() throws Exception {
        try (KafkaProducer<String, CubeEvent> alice = producer("alice", "alice-secret")) {
            String running = "sec-run-" + UUID.randomUUID().toString().substring(0, 8);
            send(alice, Topics.TASK_EVENTS.name(), running, new TaskEvent.Submitted(spec(0.5, List.of("sleep", "600"))));
            JsonNode task = awaitState(running, "Running");
            assertThat(task.get("workerId").asText()).isEqualTo(WORKER);

            String waiting = "sec-wait-" + UUID.randomUUID().toString().substring(0, 8);
            send(alice, Topics.TASK_EVENTS.name(), waiting, new TaskEvent.Submitted(spec(100.0, List.of("true"))));
            awaitState(waiting, "Pending");

            String forgedScheduled = send(alice, Topics.TASK_EVENTS.name(), waiting, new TaskEvent.Scheduled(WORKER, 1));
            String forgedRunning = send(alice, Topics.TASK_EVENTS.name(), running, new TaskEvent.Running(WORKER, 1, "forged", List.of()));
            String forgedFailed = send(alice, Topics.TASK_EVENTS.name(), running, new TaskEvent.Failed(1, 137, "forged", false));

            Map<String, String> refused = await().atMost(Duration.ofSeconds(30))
                    .until(this::deadLetterReasons, reasons -> reasons.keySet().containsAll(List.of(forgedScheduled, forgedRunning, forgedFailed)));
            assertThat(refused.get(forgedScheduled)).contains("dev.cube.task.scheduled is written by the manager only");
            assertThat(refused.get(forgedRunning)).contains("dev.cube.task.running is written by the worker it names only");
            assertThat(refused.get(forgedFailed)).contains("written by the worker of the task's attempt (" + WORKER + ") only");
            assertThat(task(waiting).get("state").asText()).isEqualTo("Pending");
            assertThat(task(running).get("state").asText()).isEqualTo("Running");
            assertThat(task(running).get("containerId").asText()).isNotEqualTo("forged");

            // The broker itself refuses the submitter anything on the topics of workers and of the manager's orders.
            assertThatThrownBy(() -> sendAndWait(alice, Topics.WORKERS.name(), "ghost",
                    new WorkerEvent.Heartbeat("ghost", "127.0.0.1", new WorkerEvent.Capacity(64, 1 << 20, 1 << 20), Instant.now(), null)))
                    .hasRootCauseInstanceOf(TopicAuthorizationException.class);

            send(alice, Topics.TASK_EVENTS.name(), running, new TaskEvent.StopRequested("done"));
            awaitState(running, "Stopped");

            // A replay with the secret refuses the same forgeries: the log rebuilds what the manager shows.
            Path secret = Files.writeString(Files.createTempFile(Path.of("target").toAbsolutePath(), "secret-", ""), SECRET);
            Path adminConfig = Files.createTempFile(Path.of("target").toAbsolutePath(), "admin-", ".properties");
            Properties p = new Properties();
            p.putAll(admin);
            try (var out = Files.newBufferedWriter(adminConfig)) {
                p.store(out, null);
            }
            Cli verify = Cli.run("replay", "--verify", "--quiet", "--bootstrap", kafka.bootstrapServers(), "--kafka-config", adminConfig.toString(),
                    "--secret-file", secret.toString(), "--settle", "20s");
            assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
        }
    }

    @Test
    void aWorkerPrincipalCannotHeartbeatForAnotherWorker() throws Exception {
        try (KafkaProducer<String, CubeEvent> workerPrincipal = producer("cube-worker-" + WORKER, "worker-secret")) {
            String forged = send(workerPrincipal, Topics.WORKERS.name(), "ghost",
                    new WorkerEvent.Heartbeat("ghost", "127.0.0.1", new WorkerEvent.Capacity(64, 1 << 20, 1 << 20), Instant.now(), null));

            Map<String, String> refused = await().atMost(Duration.ofSeconds(30)).until(this::deadLetterReasons, reasons -> reasons.containsKey(forged));
            assertThat(refused.get(forged)).contains("dev.cube.worker.heartbeat is written by the worker it names only");
            assertThat(get("/api/v1/workers/ghost").statusCode()).isEqualTo(404);
            assertThat(get("/api/v1/workers/" + WORKER).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aPrincipalThatMayNotCreateTopicsIsToldWhatIsMissingAndHowToCreateIt() {
        var extra = new dev.cube.events.topics.Topic<>("cube.not-created-yet", 2, Map.of("cleanup.policy", "compact"),
                org.apache.kafka.common.serialization.Serdes.String(), org.apache.kafka.common.serialization.Serdes.String());
        KafkaClientConfig asManager = new KafkaClientConfig(kafka.bootstrapServers(), EmbeddedKafka.scramClient("cube-manager", "manager-secret"));

        TopicSetup.ensure(asManager, Topics.ALL, (short) 1);
        assertThatThrownBy(() -> TopicSetup.ensure(asManager, List.of(Topics.TASK_EVENTS, extra), (short) 1))
                .isInstanceOfSatisfying(TopicSetup.TopicsNotReadyException.class, e -> assertThat(e.problems()).containsExactly(
                        "topic cube.not-created-yet is missing, or this principal may not DESCRIBE it, and it may not create it: allow DESCRIBE, or kafka-topics.sh --create"
                                + " --topic cube.not-created-yet --partitions 2 --replication-factor 1 --config cleanup.policy=compact"));
    }

    @Test
    void theCliSendsItsTokenAndSaysWhatARefusalLacks() {
        String manager = managerUri.toString();

        Cli noToken = Cli.run("ps", "--manager", manager);
        Cli viewer = Cli.run("ps", "--manager", manager, "--token", VIEWER_TOKEN);
        Cli viewerRuns = Cli.run("run", "--manager", manager, "--token", VIEWER_TOKEN, "--image", "cube/busybox:local", "--", "true");
        Cli submitterRuns = Cli.run("run", "--manager", manager, "--token", SUBMITTER_TOKEN, "--image", "cube/busybox:local", "--", "true");
        Cli submitterDrains = Cli.run("drain", "--manager", manager, "--token", SUBMITTER_TOKEN, WORKER);

        assertThat(noToken.exit()).isEqualTo(1);
        assertThat(noToken.err()).contains("a bearer token is required");
        assertThat(viewer.exit()).as(viewer.err()).isZero();
        assertThat(viewerRuns.exit()).isEqualTo(1);
        assertThat(viewerRuns.err()).contains("needs the role submitter");
        assertThat(submitterRuns.exit()).as(submitterRuns.err()).isZero();
        assertThat(submitterDrains.exit()).isEqualTo(1);
        assertThat(submitterDrains.err()).contains("needs the role operator");
        assertThat(get("/api/v1/workers/" + WORKER).body()).contains("\"draining\":false");
    }

    /** One run of the cube command in this JVM. */
    record Cli(int exit, String out, String err) {
        static Cli run(String... args) {
            java.io.StringWriter out = new java.io.StringWriter();
            java.io.StringWriter err = new java.io.StringWriter();
            picocli.CommandLine cli = dev.cube.cli.Cube.commandLine();
            cli.setOut(new java.io.PrintWriter(out, true));
            cli.setErr(new java.io.PrintWriter(err, true));
            int exit = cli.execute(args);
            return new Cli(exit, out.toString(), err.toString());
        }
    }

    private TaskSpec spec(double cpu, List<String> command) {
        return new TaskSpec(null, "cube/busybox:local", command, null, cpu, 64L, null, null, TaskSpec.RestartPolicy.NEVER, null, null);
    }

    private KafkaProducer<String, CubeEvent> producer(String user, String password) {
        Map<String, Object> config = new HashMap<>(EmbeddedKafka.scramClient(user, password));
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return new KafkaProducer<>(config, Topics.TASK_EVENTS.keySerde().serializer(), Topics.TASK_EVENTS.valueSerde().serializer());
    }

    /** Appends {@code data} as an outside producer would, and returns its event id. */
    private String send(KafkaProducer<String, CubeEvent> producer, String topic, String subject, EventData data) throws Exception {
        CubeEvent event = CubeEvent.of("/forger", subject, Instant.now(), data);
        producer.send(new ProducerRecord<>(topic, subject, event)).get(30, TimeUnit.SECONDS);
        return event.id();
    }

    private void sendAndWait(KafkaProducer<String, CubeEvent> producer, String topic, String subject, EventData data) throws Exception {
        try {
            send(producer, topic, subject, data);
        } catch (ExecutionException e) {
            throw e;
        }
    }

    /** The dead letters so far, by the id of the event each holds, with the reason. */
    private Map<String, String> deadLetterReasons() {
        Map<String, Object> config = adminConfig();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, String> reasons = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(Topics.DEAD_LETTERS.name(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() == null) {
                        continue;
                    }
                    String id = Json.MAPPER.readTree(record.value()).path("id").asText();
                    reasons.put(id, new String(record.headers().lastHeader(Topics.DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return reasons;
    }

    private Map<String, Object> adminConfig() {
        Map<String, Object> config = new HashMap<>(admin);
        config.put("bootstrap.servers", kafka.bootstrapServers());
        return config;
    }

    private JsonNode awaitState(String id, String state) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> task(id), t -> t != null && state.equals(t.get("state").asText()));
    }

    private JsonNode task(String id) throws IOException {
        HttpResponse<String> response = get("/api/v1/tasks/" + id);
        return response.statusCode() == 200 ? Json.MAPPER.readTree(response.body()) : null;
    }

    @Test
    void readsBetweenManagersAreTakenOnlyWithAProofOfTheClusterSecret() throws Exception {
        String path = "/internal/v1/worker";
        URI uri = managerUri.resolve(path + "?id=" + WORKER);
        HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> otherSecret = http.send(HttpRequest.newBuilder(uri).header(PeerProof.HEADER,
                PeerProof.of("not-the-cluster-secret-at-all").sign(path, Map.of("id", WORKER), Instant.now()).orElseThrow()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> signed = await().atMost(Duration.ofSeconds(30)).until(() -> http.send(HttpRequest.newBuilder(uri).header(PeerProof.HEADER,
                PeerProof.of(SECRET).sign(path, Map.of("id", WORKER), Instant.now()).orElseThrow()).GET().build(),
                HttpResponse.BodyHandlers.ofString()), response -> response.statusCode() != 200 || response.body().contains(WORKER));

        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(unsigned.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(Json.MAPPER.readTree(unsigned.body()).get("detail").asText()).contains(PeerProof.HEADER);
        assertThat(otherSecret.statusCode()).isEqualTo(401);
        assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
        assertThat(signed.body()).contains(WORKER);
    }

    private HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(managerUri.resolve(path)).header("Authorization", "Bearer " + VIEWER_TOKEN).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
