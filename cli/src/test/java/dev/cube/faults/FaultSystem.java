package dev.cube.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.e2e.CubeProcess;
import dev.cube.e2e.Docker;
import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.topics.Topics;
import dev.cube.events.wire.CloudEventCodec;
import dev.cube.events.wire.Json;
import dev.cube.infra.KafkaProcess;
import dev.cube.infra.TopicContents;
import dev.cube.manager.history.EventLogReader;
import dev.cube.manager.history.ProjectionCheck;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One fault scenario's Cube: a broker, managers and workers, each a process of its own (so that each can be
 * stopped, killed and started again alone), on the real Docker engine; what a user does with it (over HTTP
 * and with a Kafka producer), every acknowledgement they got ({@link Ledger}), and the scenario's line of
 * figures at the end ({@link #finish}): {@code scenario: N tasks, acknowledged A, lost 0, ran twice 0,
 * containers left 0, projection == replay}, printed and appended to {@code target/fault-figures.txt}.
 */
final class FaultSystem implements AutoCloseable {

    static final Duration TTL = Duration.ofSeconds(5);
    static final Duration GRACE = Duration.ofSeconds(3);
    static final String IMAGE = "cube/busybox:local";
    static final Set<String> TERMINAL = Set.of("Completed", "Failed", "Stopped");

    private volatile String scenario;
    /** Where the running scenario's acknowledgements begin in the ledger. */
    private volatile int firstAck;
    final String run = UUID.randomUUID().toString().substring(0, 6);
    final Path dir;
    final KafkaProcess kafka;
    final Ledger ledger = new Ledger();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final List<CubeProcess> processes = new CopyOnWriteArrayList<>();
    final Set<String> workerIds = ConcurrentHashMap.newKeySet();
    private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
    private KafkaProducer<String, byte[]> producer;
    CubeProcess manager;

    private FaultSystem(String scenario, Path dir, KafkaProcess kafka) {
        this.scenario = scenario;
        this.dir = dir;
        this.kafka = kafka;
    }

    /** A broker in a process of its own, nothing else yet. */
    static FaultSystem start(String scenario) {
        Path dir = directory(scenario);
        return new FaultSystem(scenario, dir, KafkaProcess.start(dir.resolve("kafka")));
    }

    /** The same, the broker with a second listener that advertises {@code proxyPort} (see {@link KafkaProcess#startWithSecondListener}). */
    static FaultSystem startWithProxiedListener(String scenario, int proxyPort) {
        Path dir = directory(scenario);
        return new FaultSystem(scenario, dir, KafkaProcess.startWithSecondListener(dir.resolve("kafka"), proxyPort));
    }

    private static Path directory(String scenario) {
        try {
            return Files.createTempDirectory(Path.of("target").toAbsolutePath(), "faults-" + scenario.replaceAll("[^a-zA-Z0-9]+", "-") + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Names the scenario that runs now on this system (several share one), for its line of figures. */
    void scenario(String name) {
        this.scenario = name;
        this.firstAck = ledger.size();
    }

    /** Closed with the system, before the processes stop (a proxy, a load). */
    <T extends AutoCloseable> T closesWith(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    // ---- the components ----

    CubeProcess startManager(String name) {
        return startManager(name, Map.of());
    }

    CubeProcess startManager(String name, Map<String, Object> extra) {
        Map<String, Object> settings = new LinkedHashMap<>(Map.of(
                "cube.kafka.bootstrap", kafka.bootstrapServers(),
                "cube.manager.application-id", "cube-" + run,
                "cube.manager.worker-ttl", TTL.toSeconds() + "s",
                "cube.manager.worker-grace", GRACE.toSeconds() + "s"));
        settings.putAll(extra);
        CubeProcess process = CubeProcess.manager(name, dir, settings).start();
        processes.add(process);
        manager = process;
        awaitManager();
        return process;
    }

    /** A worker on the real engine with 2 cores and 2 GB, heartbeats every second; {@code extra} overrides any setting. */
    CubeProcess startWorker(String id, Map<String, Object> extra) {
        workerIds.add(id);
        Map<String, Object> settings = new LinkedHashMap<>(Map.of(
                "cube.kafka.bootstrap", kafka.bootstrapServers(),
                "cube.worker.id", id,
                "cube.worker.address", "127.0.0.1",
                "cube.worker.cpu", 2,
                "cube.worker.memory", 2048,
                "cube.worker.heartbeat-interval", "1s",
                "cube.worker.stop-grace", "2s"));
        settings.putAll(extra);
        CubeProcess process = CubeProcess.worker(id, dir, settings).start();
        processes.add(process);
        awaitWorker(id, "ready");
        return process;
    }

    void awaitManager() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> get("/api/v1/tasks").statusCode() == 200);
    }

    JsonNode awaitWorker(String id, String status) {
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> worker(id),
                worker -> worker != null && worker.get("status").asText().equals(status));
    }

    JsonNode worker(String id) {
        HttpResponse<String> response = get("/api/v1/workers/" + id);
        return response.statusCode() == 200 ? json(response.body()) : null;
    }

    // ---- what a user does ----

    static String sleeping(int seconds, String more) {
        return "{\"image\":\"" + IMAGE + "\",\"command\":[\"sleep\",\"" + seconds + "\"],\"cpu\":0.1,\"memory\":32" + more + "}";
    }

    static String exiting(int code, String more) {
        return "{\"image\":\"" + IMAGE + "\",\"command\":[\"sh\",\"-c\",\"exit " + code + "\"],\"cpu\":0.01" + more + "}";
    }

    /** Submits over HTTP; the submission must be accepted. */
    String submit(String spec) {
        String id = trySubmit(spec);
        assertThat(id).as("the submission was accepted").isNotNull();
        return id;
    }

    /** The id of the accepted task (recorded in the ledger), or null if the manager did not accept it. */
    String trySubmit(String spec) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/api/v1/tasks")).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(spec)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202) {
                return null;
            }
            String id = json(response.body()).get("id").asText();
            ledger.http(id);
            return id;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Submits {@code spec} as an outside producer would (a CloudEvent on {@code cube.task-events}, the task id as
     * key); the acknowledgement, when it comes, goes to the ledger. Answers the task id.
     */
    String produceSubmission(String spec) {
        return produceSubmission("k-" + UUID.randomUUID().toString().substring(0, 12), spec);
    }

    /** The same, for the task {@code id}. */
    String produceSubmission(String id, String spec) {
        String eventId = UUID.randomUUID().toString();
        String event = "{\"specversion\":\"1.0\",\"id\":\"" + eventId + "\",\"source\":\"/faults/producer\",\"type\":\"dev.cube.task.submitted\","
                + "\"subject\":\"" + id + "\",\"time\":\"" + Instant.now() + "\",\"datacontenttype\":\"application/json\",\"data\":{\"spec\":" + spec + "}}";
        producer().send(new ProducerRecord<>(Topics.TASK_EVENTS.name(), id, event.getBytes(StandardCharsets.UTF_8)), (metadata, error) -> {
            if (error == null) {
                ledger.kafka(id, eventId, metadata.partition(), metadata.offset());
            }
        });
        return id;
    }

    /** Writes raw bytes to any topic, as a careless or hostile producer might; answers where they landed. */
    RecordMetadata produce(String topic, String key, byte[] value) {
        try {
            return producer().send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not write to " + topic, e);
        }
    }

    synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "120000");
            producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    /** Asks for the task to stop, until the manager shows it (202) or says it ended already (409). */
    void delete(String id) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(
                () -> send(HttpRequest.newBuilder(uri("/api/v1/tasks/" + id)).DELETE().build()).statusCode(), status -> status == 202 || status == 409);
    }

    JsonNode task(String id) {
        HttpResponse<String> response = get("/api/v1/tasks/" + id);
        return response.statusCode() == 200 ? json(response.body()) : null;
    }

    String stateOf(String id) {
        JsonNode task = task(id);
        return task == null ? null : task.get("state").asText();
    }

    JsonNode awaitState(String id, String state) {
        return await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> task(id),
                task -> task != null && state.equals(task.get("state").asText()));
    }

    /** Every task, by id, from a whole list (not a partial one). */
    Map<String, JsonNode> allTasks() {
        Map<String, JsonNode> all = new java.util.TreeMap<>();
        JsonNode page = json(get("/api/v1/tasks?limit=1000").body());
        assertThat(page.path("partial").asBoolean(false)).as("a whole list").isFalse();
        page.get("items").forEach(item -> all.put(item.get("id").asText(), item));
        return all;
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    URI uri(String path) {
        return manager.uri().resolve(path);
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

    static JsonNode json(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- what the log says ----

    /** Every record of {@code cube.task-events} that decodes, with its place (poison records are skipped). */
    List<Ledger.Logged> taskLog() {
        return decoded(Topics.TASK_EVENTS.name());
    }

    List<CubeEvent> taskEvents() {
        return taskLog().stream().map(Ledger.Logged::event).toList();
    }

    List<CubeEvent> workersLog() {
        return decoded(Topics.WORKERS.name()).stream().map(Ledger.Logged::event).toList();
    }

    List<Ledger.Logged> decoded(String topic) {
        List<Ledger.Logged> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : TopicContents.read(kafka.bootstrapServers(), topic)) {
            if (record.value() == null) {
                continue;
            }
            try {
                out.add(new Ledger.Logged(record.partition(), record.offset(), record.timestamp(), CloudEventCodec.decode(record.headers(), record.value())));
            } catch (RuntimeException e) {
                // a poison record: the fold dead-letters it; not an event
            }
        }
        return out;
    }

    /** Attempts with running events of more than one container: each ran twice. */
    static long ranTwice(List<CubeEvent> log) {
        Map<String, Set<String>> containers = new HashMap<>();
        log.stream().filter(e -> e.data() instanceof TaskEvent.Running).forEach(e -> {
            TaskEvent.Running running = (TaskEvent.Running) e.data();
            containers.computeIfAbsent(e.subject() + "/" + running.attempt(), k -> new HashSet<>()).add(running.containerId());
        });
        return containers.values().stream().filter(set -> set.size() > 1).count();
    }

    /** Acknowledged tasks of which the log holds no running event: acknowledged, and never ran. */
    List<String> neverRan(List<CubeEvent> log) {
        Set<String> ran = new HashSet<>();
        log.stream().filter(e -> e.data() instanceof TaskEvent.Running).forEach(e -> ran.add(e.subject()));
        return ledger.taskIds(firstAck).stream().filter(id -> !ran.contains(id)).toList();
    }

    // ---- the end of a scenario ----

    /**
     * Stops every task still running (DELETE), waits until no container of the scenario's workers is left (or 60 s),
     * checks the ledger against the log, counts attempts that ran twice, compares the live projection with a
     * replay, prints and records the line of figures, and asserts zero lost, zero twice, zero left, equal.
     *
     * @param mustRun whether every acknowledged task must have run (a scenario of refused tasks says false)
     */
    void finish(int tasks, boolean mustRun, String more) {
        for (String id : ledger.taskIds()) {
            String state = stateOf(id);
            if (state != null && !TERMINAL.contains(state)) {
                delete(id);
            }
        }
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> containersLeft().isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // counted below
        }
        int left = containersLeft().size();
        List<Ledger.Logged> log = taskLog();
        List<CubeEvent> events = log.stream().map(Ledger.Logged::event).toList();
        Ledger.Verdict verdict = ledger.check(log);
        List<String> neverRan = mustRun ? neverRan(events) : List.of();
        int lost = verdict.lost() + neverRan.size();
        long twice = ranTwice(events);
        ProjectionCheck.Report check = ProjectionCheck.run(kafka.bootstrapServers(), Duration.ofSeconds(30), EventLogReader.Progress.NONE);
        String line = String.format("%s: %d tasks, acknowledged %d, lost %d, ran twice %d, containers left %d, %s%s", scenario, tasks,
                verdict.acknowledged() - firstAck, lost, twice, left, check.differences().isEmpty() ? "projection == replay" : "projection != replay",
                more == null || more.isBlank() ? "" : "; " + more);
        System.out.println(line);
        record(line);
        assertThat(verdict.missing()).as("acknowledged writes missing from the log").isEmpty();
        assertThat(verdict.doubled()).as("acknowledged writes on the log more than once").isEmpty();
        assertThat(verdict.outOfOrder()).as("acknowledged writes out of order per key").isEmpty();
        assertThat(neverRan).as("acknowledged tasks that never ran").isEmpty();
        assertThat(twice).as("attempts that ran twice").isZero();
        assertThat(left).as("containers left on the engine by " + workerIds).isZero();
        assertThat(check.differences()).as("cube replay --verify").isEmpty();
    }

    List<String> containersLeft() {
        return workerIds.stream().flatMap(id -> Docker.containersOfWorker(id).stream()).toList();
    }

    static void record(String line) {
        try {
            Files.writeString(Path.of("target", "fault-figures.txt"), line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        processes.forEach(CubeProcess::stop);
        kafka.stop();
        Docker.forceRemove(containersLeft());
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
