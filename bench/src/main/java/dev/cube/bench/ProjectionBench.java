package dev.cube.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStateMachine;
import dev.cube.events.state.TaskStatus;
import dev.cube.events.topics.Topic;
import dev.cube.events.topics.Topics;
import dev.cube.events.wire.CloudEventCodec;
import dev.cube.kafka.TopicSetup;
import dev.cube.manager.read.TaskReads;
import io.micronaut.context.ApplicationContext;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import dev.cube.manager.read.ProjectionUnavailableException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 1: how fast the manager's Streams projection folds a log it has never seen, against a
 * raw KafkaConsumer reading the same topic in the same run.
 *
 * <p>The log: N events for N/4 tasks, each task's history complete and consistent
 * (submitted, scheduled on worker w-k attempt 1, running there, completed with exit code 0),
 * produced with Cube's own serde, keyed by task id, in chunks of 1,000 tasks (all submitted,
 * then all scheduled, running, completed), so that one task's events are spread over the log as
 * they would be. The fold accepts every one of them. It still reacts as the live system would:
 * a submitted task finds no live worker (none heartbeats here) and the fold records that; a
 * scheduled event it did not decide becomes a start order. Those extra writes are counted.
 */
final class ProjectionBench {

    static final int CHUNK = 1000;

    private ProjectionBench() {
    }

    static Result run(BenchOptions options) {
        int tasks = Math.max(1, options.projectionEvents() / 4);
        long events = tasks * 4L;
        Result result = new Result("projection",
                "fold of " + events + " preloaded events (" + tasks + " complete task histories) by a manager with a fresh application id; "
                        + "done when the last task of every partition is Completed in the task-state store (read in-process); "
                        + "baselines: a raw KafkaConsumer over the same topic (bytes), and the same plus CloudEventCodec.decode and "
                        + "TaskStateMachine.evolve into a HashMap (an in-memory fold, no Streams)");
        ArrayNode runs = result.details.putArray("runs");
        List<Map<String, String>> variants = new ArrayList<>();
        variants.add(Map.of());
        variants.addAll(options.projectionVariants());
        Double defaultRate = null;
        for (Map<String, String> variant : variants) {
            ObjectNode run = runs.addObject();
            run.set("overrides", dev.cube.events.wire.Json.MAPPER.valueToTree(variant));
            try (Stack stack = Stack.start(options.workDir(), "projection", options.managerOverrides())) {
                String prefix = "p" + Long.toString(System.nanoTime(), 36) + "-";
                Preload preload = preload(stack.bootstrap(), prefix, tasks);
                run.put("events", events);
                run.put("tasks", tasks);
                run.put("preloadSeconds", Stats.round(preload.seconds));
                run.put("preloadEventsPerSecond", Stats.round(events / preload.seconds));
                run.put("topicBytesApprox", preload.bytes);

                double rawRate = rawConsumer(stack.bootstrap(), events, false);
                double foldRate = rawConsumer(stack.bootstrap(), events, true);
                run.put("rawConsumerEventsPerSecond", Stats.round(rawRate));
                run.put("inMemoryFoldEventsPerSecond", Stats.round(foldRate));

                try (Offsets offsets = new Offsets(stack.bootstrap())) {
                    Map<String, Long> before = topicTotals(offsets);
                    long t0 = System.nanoTime();
                    ApplicationContext manager = stack.startManager(variant);
                    Stack.awaitRunning(manager, 120_000);
                    double startup = (System.nanoTime() - t0) / 1e9;
                    awaitFolded(Stack.reads(manager), preload.lastTaskOfPartition, options.timeout());
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    String appId = manager.getProperty("cube.manager.application-id", String.class).orElseThrow();
                    double lagZero = awaitCaughtUp(offsets, appId, t0, 30_000);
                    Map<String, Long> after = topicTotals(offsets);
                    double rate = events / seconds;
                    run.put("projectionSeconds", Stats.round(seconds));
                    run.put("projectionStartupSeconds", Stats.round(startup));
                    run.put("projectionEventsPerSecond", Stats.round(rate));
                    run.put("projectionEventsPerSecondAfterStartup", Stats.round(events / (seconds - startup)));
                    run.put("committedOffsetsCaughtUpSeconds", Stats.round(lagZero));
                    ObjectNode written = run.putObject("offsetsAdvancedDuringFold"); // records written, plus transaction markers
                    after.forEach((topic, total) -> written.put(topic, total - before.getOrDefault(topic, 0L)));
                    run.set("deadLetterReasons", deadLetterReasons(stack.bootstrap(), 20_000));
                    if (variant.isEmpty()) {
                        asOf(result, run, manager, stack.bootstrap(), prefix, tasks, preload, options);
                    }
                    stack.stopManager(manager);
                    String label = variant.isEmpty() ? "" : " " + variant;
                    result.row("fold rate" + label, "events/s", rate, "raw KafkaConsumer", rawRate, variant.isEmpty() ? ">= 50% of raw" : null);
                    if (variant.isEmpty()) {
                        defaultRate = rate;
                        result.row("fold rate vs in-memory fold", "events/s", rate, "consumer+decode+evolve", foldRate, null);
                    } else if (defaultRate != null) {
                        run.put("speedupOverDefault", Stats.round(rate / defaultRate));
                    }
                }
            }
        }
        return result;
    }

    /**
     * As-of reads on the log just folded: {@code GET /api/v1/tasks/{id}?asOf=T} of random tasks at random
     * instants of the preload (the task's state then), against {@code GET /api/v1/tasks/{id}} (now) on the same
     * client; and the whole task list as of T ({@code GET /api/v1/tasks?asOf=T&limit=1000}: every task's state
     * then is worked out, one page is answered) against the list now, and against the fold of the whole log
     * up to T that the manager did before (TaskHistory.allAsOf, in process).
     */
    private static void asOf(Result result, ObjectNode run, ApplicationContext manager, String bootstrap, String prefix, int tasks,
                             Preload preload, BenchOptions options) {
        java.net.URI base = Stack.uri(manager);
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        long from = preload.startedAt().toEpochMilli();
        long span = Math.max(1, preload.endedAt().toEpochMilli() - from);
        java.util.function.IntFunction<Instant> instant = i -> Instant.ofEpochMilli(from + java.util.concurrent.ThreadLocalRandom.current().nextLong(span));
        java.util.function.IntPredicate asOfOne = i -> ReadBench.get(http, base.resolve("/api/v1/tasks/" + prefix + i + "?asOf=" + instant.apply(i))) / 100 != 5;
        java.util.function.IntPredicate now = i -> ReadBench.get(http, base.resolve("/api/v1/tasks/" + prefix + i)) == 200;
        Duration limit = Duration.ofSeconds(60);
        ReadBench.load(asOfOne, tasks, 100, 4, limit); // warm-up
        ReadBench.load(now, tasks, 100, 4, limit);
        ReadBench.Load one = ReadBench.load(asOfOne, tasks, 1000, 4, limit);
        ReadBench.Load current = ReadBench.load(now, tasks, 1000, 4, limit);
        run.set("asOfTaskMs", one.latencyMs().json());
        run.set("getTaskNowMs", current.latencyMs().json());
        run.put("asOfTaskErrors", one.errors());
        result.row("as-of one task p50", "ms", one.latencyMs().p50(), "GET task now p50", current.latencyMs().p50(), null);
        result.row("as-of one task p99", "ms", one.latencyMs().p99(), "GET task now p99", current.latencyMs().p99(), "p99 <= 20 ms");

        List<Double> list = new ArrayList<>();
        List<Double> listNow = new ArrayList<>();
        List<Double> fullFold = new ArrayList<>();
        dev.cube.manager.history.TaskHistory history = new dev.cube.manager.history.TaskHistory(bootstrap);
        for (int i = 0; i < 5; i++) {
            Instant at = Instant.ofEpochMilli(from + span * (2L * i + 1) / 10);
            long t0 = System.nanoTime();
            int status = ReadBench.get(http, base.resolve("/api/v1/tasks?limit=1000&asOf=" + at));
            list.add((System.nanoTime() - t0) / 1e6);
            if (status != 200) {
                throw new IllegalStateException("GET /api/v1/tasks?asOf=" + at + " answered " + status);
            }
            t0 = System.nanoTime();
            ReadBench.get(http, base.resolve("/api/v1/tasks?limit=1000"));
            listNow.add((System.nanoTime() - t0) / 1e6);
            if (i < 2) {
                t0 = System.nanoTime();
                history.allAsOf(at);
                fullFold.add((System.nanoTime() - t0) / 1e6);
            }
        }
        Stats listStats = Stats.of(list);
        run.set("asOfListMs", listStats.json());
        run.set("listNowMs", Stats.of(listNow).json());
        run.set("fullFoldAsOfMs", Stats.of(fullFold).json());
        result.row("as-of task list (worst of 5)", "ms", listStats.max(), "GET list now (worst of 5)", Stats.of(listNow).max(), "<= 2000 ms");
        result.row("as-of task list vs full fold (median)", "ms", listStats.p50(), "fold of the log up to T (before)", Stats.of(fullFold).p50(), null);
    }

    private static Map<String, Long> topicTotals(Offsets offsets) {
        Map<String, Long> out = new HashMap<>();
        for (Topic<?, ?> topic : Topics.ALL) {
            out.put(topic.name(), offsets.total(topic.name()));
        }
        return out;
    }

    record Preload(double seconds, long bytes, Map<Integer, String> lastTaskOfPartition, Instant startedAt, Instant endedAt) {
    }

    static Preload preload(String bootstrap, String prefix, int tasks) {
        int partitions = TopicSetup.partitionCount(bootstrap, Topics.TASK_EVENTS.name());
        Map<Integer, String> last = new HashMap<>();
        long bytes = 0;
        Instant now = Instant.now();
        Instant startedAt = Instant.now();
        long t0 = System.nanoTime();
        Producers.Failures failures = new Producers.Failures();
        try (KafkaProducer<String, CubeEvent> producer = Producers.bulk(bootstrap, "cube-bench-preload")) {
            for (int from = 0; from < tasks; from += CHUNK) {
                int to = Math.min(tasks, from + CHUNK);
                for (int phase = 0; phase < 4; phase++) {
                    for (int i = from; i < to; i++) {
                        String id = prefix + i;
                        CubeEvent event = event(id, i, phase, now);
                        if (phase == 0) {
                            bytes += CloudEventCodec.encode(event).length * 4L;
                            last.put(Topic.partitionOf(id, partitions), id);
                        }
                        producer.send(new ProducerRecord<>(Topics.TASK_EVENTS.name(), id, event), failures);
                    }
                }
            }
            producer.flush();
        }
        failures.check("preload");
        return new Preload((System.nanoTime() - t0) / 1e9, bytes, last, startedAt, Instant.now());
    }

    static TaskSpec spec(int i) {
        return new TaskSpec("bench-" + i, "cube/busybox:local", List.of("sleep", "30"), null, null, 16L, null, null, null, null, null);
    }

    private static CubeEvent event(String id, int i, int phase, Instant now) {
        String worker = "w-" + (i % 100);
        String workerSource = "/cube/worker/" + worker;
        return switch (phase) {
            case 0 -> CubeEvent.of("/cube/bench", id, now, new TaskEvent.Submitted(spec(i)));
            case 1 -> CubeEvent.of("/cube/manager", id, now, new TaskEvent.Scheduled(worker, 1));
            case 2 -> CubeEvent.withDerivedId(id + "/1/running", workerSource, id, now,
                    new TaskEvent.Running(worker, 1, "c" + Integer.toHexString(i), List.of()));
            default -> CubeEvent.withDerivedId(id + "/1/completed", workerSource, id, now, new TaskEvent.Completed(1, 0));
        };
    }

    /** Reads every record of cube.task-events once, from the beginning; with {@code fold}, decodes and folds each one in memory. */
    static double rawConsumer(String bootstrap, long expected, boolean fold) {
        Map<String, TaskState> states = fold ? new HashMap<>() : null;
        long t0 = System.nanoTime();
        long count = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, "cube-bench-raw"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.TASK_EVENTS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (!reached(consumer, ends)) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    count++;
                    if (fold) {
                        CubeEvent event = CloudEventCodec.decode(r.value());
                        states.put(event.subject(), TaskStateMachine.evolve(states.get(event.subject()), event).state());
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (count < expected) {
            throw new IllegalStateException("the raw consumer read " + count + " records, expected " + expected);
        }
        if (fold && states.values().stream().anyMatch(s -> s.state() != TaskStatus.Completed)) {
            throw new IllegalStateException("the in-memory fold left tasks that are not Completed: the preloaded log is inconsistent");
        }
        return count / seconds;
    }

    /** How many of the first {@code max} dead letters give each reason (ids and numbers masked). */
    static ObjectNode deadLetterReasons(String bootstrap, int max) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, "cube-bench-dlq"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.DEAD_LETTERS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            int seen = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (seen < max && !reached(consumer, ends) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    var header = r.headers().lastHeader(Topics.DeadLetterHeaders.REASON);
                    String reason = header == null ? "(no reason)" : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
                    reason = reason.replaceAll("[0-9a-z]+-[0-9a-z-]+", "<id>").replaceAll("\\d+", "<n>");
                    counts.merge(reason.length() > 160 ? reason.substring(0, 160) : reason, 1, Integer::sum);
                    seen++;
                }
            }
        }
        ObjectNode out = dev.cube.events.wire.Json.MAPPER.createObjectNode();
        counts.forEach(out::put);
        return out;
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        for (var e : ends.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static void awaitFolded(TaskReads projection, Map<Integer, String> lastOfPartition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> pending = new ArrayList<>(lastOfPartition.values());
        while (!pending.isEmpty()) {
            try {
                pending.removeIf(id -> {
                    TaskState s = projection.task(id).orElse(null);
                    return s != null && s.state() == TaskStatus.Completed;
                });
            } catch (ProjectionUnavailableException e) {
                // rebalancing or restoring: try again
            }
            if (pending.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the projection did not fold the preloaded log within " + timeout + "; waiting for " + pending);
            }
            Sleep.ms(10);
        }
    }

    /** Seconds from {@code t0} until the group's committed offsets reach the end of cube.task-events (within one control record), or -1. */
    private static double awaitCaughtUp(Offsets offsets, String group, long t0, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            Map<TopicPartition, Long> ends = offsets.ends(Topics.TASK_EVENTS.name());
            Map<TopicPartition, Long> committed = offsets.committed(group);
            boolean caughtUp = ends.entrySet().stream().allMatch(e -> committed.getOrDefault(e.getKey(), -1L) >= e.getValue() - 1);
            if (caughtUp) {
                return (System.nanoTime() - t0) / 1e9;
            }
            Sleep.ms(50);
        }
        return -1;
    }
}
