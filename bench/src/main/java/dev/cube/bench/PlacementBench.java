package dev.cube.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.topics.Topics;
import dev.cube.events.wire.Json;
import io.micronaut.context.ApplicationContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 2: placement rate at scale, on HOLLOW workers (test-only, no containers; see
 * {@link HollowFleet}). T tasks are submitted by producing {@code dev.cube.task.submitted} events
 * straight to {@code cube.task-events} (as any Kafka client may), while W hollow workers heartbeat
 * and answer their start orders with running and completed. A task is placed when its
 * {@code dev.cube.task.scheduled} event is on the log. Times are the broker's (LogAppendTime).
 *
 * <p>Baseline, same run, same broker: a plain consume-and-produce relay (KafkaConsumer +
 * idempotent KafkaProducer, no Streams, no transactions) that reads the same log and writes, for
 * each submitted event, one decision record and one order record to topics of the same shapes:
 * the Kafka I/O a placement needs, and nothing else. Its figure counts only if every one of its
 * sends was acknowledged ({@link Relay#valid}); its topics are warmed up first ({@link #warmUp}).
 *
 * <p>With several fleet sizes ({@code --hollow-workers 1000,10000}) the scenario runs once per size,
 * each on a fresh broker, and adds the rate of the last against the first: how placement holds up as
 * workers grow.
 */
final class PlacementBench {

    private PlacementBench() {
    }

    /** What one placement run measured, at one fleet size. */
    record Run(int workers, int tasks, double rate, double seconds, boolean timedOut, int placed, Relay relay, ObjectNode details) {
    }

    static Result run(BenchOptions options) {
        int tasks = options.placementTasks();
        List<Integer> fleets = options.hollowWorkers();
        Result result = new Result("placement",
                "HOLLOW workers (test-only, no containers): " + tasks + " tasks submitted by producing dev.cube.task.submitted events "
                        + "directly to cube.task-events, on " + fleets + " hollow workers (one run per count, each on a fresh broker) answering "
                        + "start orders with running, then completed 100 ms later; placed = its dev.cube.task.scheduled event is on the log; "
                        + "rate = tasks / (last scheduled log time - first submitted log time). Baseline: a plain consume->produce relay "
                        + "on the same broker after Cube, writing one decision and one order per submitted event (no Streams, no transactions), "
                        + "valid only if every one of its sends was acknowledged. The rate as workers grow is the last count's rate "
                        + "against the first's, in the same invocation");
        ObjectNode d = result.details;
        d.put("tasks", tasks);
        d.put("submittedVia", "KafkaProducer straight to cube.task-events (Cube's serde, keyed by task id)");
        ArrayNode runs = d.putArray("runs");
        List<Run> measured = new ArrayList<>();
        for (int workers : fleets) {
            Run run = runOnce(options, tasks, workers);
            measured.add(run);
            runs.add(run.details());
            Relay relay = run.relay();
            String relayLabel = relay.valid() ? "consume->produce relay"
                    : "consume->produce relay (INVALID: " + relay.failedSends() + " of " + relay.sends() + " sends not acknowledged)";
            String label = "placements/s, " + tasks + " tasks on " + workers + " hollow workers"
                    + (run.timedOut() ? " (TIMED OUT after " + options.timeout().toSeconds() + " s: " + run.placed() + " placed)" : "");
            result.row(label, "tasks/s", run.rate(), relayLabel, relay.valid() ? relay.rate() : Double.NaN,
                    workers >= 10_000 ? ">= 3750/s (required), >= 10000/s (goal)" : ">= 3750/s");
            result.row((run.timedOut() ? "time to place " + run.placed() + " of " : "time to place all ") + tasks + " on " + workers + " workers",
                    "s", run.seconds(), relayLabel, relay.valid() ? relay.seconds() : Double.NaN, null);
        }
        if (measured.size() > 1) {
            Run first = measured.getFirst();
            Run last = measured.getLast();
            double ratio = last.rate() / first.rate();
            ObjectNode scaling = d.putObject("rateAsWorkersGrow");
            scaling.put("fromWorkers", first.workers());
            scaling.put("toWorkers", last.workers());
            scaling.put("fromRate", Stats.round(first.rate()));
            scaling.put("toRate", Stats.round(last.rate()));
            scaling.put("ratio", Math.round(ratio * 1000.0) / 1000.0);
            scaling.put("fallPercent", Stats.round(100 * (1 - ratio)));
            scaling.put("required", "falls by < 20% (ratio > 0.80)");
            scaling.put("goal", "flat (ratio >= 1.0)");
            result.row("placement rate as workers grow, " + first.workers() + " -> " + last.workers() + " hollow workers", "tasks/s",
                    last.rate(), "rate on " + first.workers() + " workers (same invocation)", first.rate(),
                    "falls < 20% (ratio > 0.80); goal flat (1.0)");
        }
        return result;
    }

    private static Run runOnce(BenchOptions options, int tasks, int workers) {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("tasks", tasks);
        d.put("hollowWorkers", workers);
        d.put("loadAverageAtStart", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        String prefix = "h" + Long.toString(System.nanoTime(), 36) + "-";
        try (Stack stack = Stack.start(options.workDir(), "placement", options.managerOverrides())) {
            ApplicationContext manager = stack.startManager(Map.of());
            Stack.awaitRunning(manager, 120_000);
            URI base = Stack.uri(manager);
            try (HollowFleet fleet = HollowFleet.start(stack.bootstrap(), prefix + "w", workers)) {
                long tw = System.nanoTime();
                awaitLiveWorkers(base, workers, options.timeout());
                d.put("workersLiveSeconds", Stats.round((System.nanoTime() - tw) / 1e9));

                BitSet scheduled = new BitSet(tasks);
                BitSet completed = new BitSet(tasks);
                AtomicLong firstSubmitted = new AtomicLong(Long.MAX_VALUE);
                AtomicLong lastScheduled = new AtomicLong();
                AtomicLong lastCompleted = new AtomicLong();
                AtomicLong otherDecisions = new AtomicLong();
                Object lock = new Object();
                try (LogWatcher watcher = LogWatcher.taskEvents(stack.bootstrap(), (key, type, time, value) -> {
                    if (key == null || !key.startsWith(prefix)) {
                        return;
                    }
                    int index = Integer.parseInt(key.substring(prefix.length()));
                    synchronized (lock) {
                        switch (type) {
                            case "dev.cube.task.submitted" -> firstSubmitted.accumulateAndGet(time, Math::min);
                            case "dev.cube.task.scheduled" -> {
                                if (!scheduled.get(index)) {
                                    scheduled.set(index);
                                    lastScheduled.accumulateAndGet(time, Math::max);
                                }
                            }
                            case "dev.cube.task.completed" -> {
                                if (!completed.get(index)) {
                                    completed.set(index);
                                    lastCompleted.accumulateAndGet(time, Math::max);
                                }
                            }
                            case "dev.cube.task.unplaced" -> otherDecisions.incrementAndGet();
                            default -> {
                            }
                        }
                    }
                })) {
                    long t0 = System.nanoTime();
                    Instant now = Instant.now();
                    Producers.Failures failures = new Producers.Failures();
                    try (KafkaProducer<String, CubeEvent> producer = Producers.bulk(stack.bootstrap(), "cube-bench-submit")) {
                        for (int i = 0; i < tasks; i++) {
                            String id = prefix + i;
                            producer.send(new ProducerRecord<>(Topics.TASK_EVENTS.name(), id,
                                    CubeEvent.of("/cube/bench", id, now, new TaskEvent.Submitted(ProjectionBench.spec(i)))), failures);
                        }
                        producer.flush();
                    }
                    failures.check("submitting");
                    double submitSeconds = (System.nanoTime() - t0) / 1e9;
                    d.put("submitSeconds", Stats.round(submitSeconds));
                    d.put("submitEventsPerSecond", Stats.round(tasks / submitSeconds));
                    long deadline = System.nanoTime() + options.timeout().toNanos();
                    boolean timedOut = false;
                    while (count(scheduled, lock) < tasks) {
                        watcher.check();
                        fleet.check();
                        if (System.nanoTime() > deadline) {
                            // Report what was placed in the time given rather than nothing: the rate is still a figure.
                            timedOut = true;
                            break;
                        }
                        Sleep.ms(20);
                    }
                    double wallToPlaced = (System.nanoTime() - t0) / 1e9;
                    int placed = count(scheduled, lock);
                    d.put("placed", placed);
                    d.put("timedOut", timedOut);
                    d.put("loadAverageWhenPlaced", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                    while (!timedOut && count(completed, lock) < tasks && System.nanoTime() < deadline) {
                        watcher.check();
                        fleet.check();
                        Sleep.ms(20);
                    }
                    double placeSeconds = Math.max(1, lastScheduled.get() - firstSubmitted.get()) / 1000.0;
                    double rate = placed / placeSeconds;
                    d.put("placeAllSeconds", Stats.round(placeSeconds));
                    d.put("placementsPerSecond", Stats.round(rate));
                    d.put("wallSecondsFromFirstSendToAllPlaced", Stats.round(wallToPlaced));
                    d.put("unplacedDecisions", otherDecisions.get());
                    d.put("completedOnLog", count(completed, lock));
                    d.put("allCompletedSeconds", Stats.round(Math.max(0, lastCompleted.get() - firstSubmitted.get()) / 1000.0));
                    d.put("hollowReports", fleet.reports());

                    stack.stopManager(manager);
                    Relay relay = relay(stack.bootstrap(), prefix, tasks, options.timeout());
                    d.put("relaySeconds", Stats.round(relay.seconds()));
                    d.put("relayPerSecond", Stats.round(relay.rate()));
                    d.put("relaySends", relay.sends());
                    d.put("relayAcknowledgedSends", relay.acknowledged());
                    d.put("relayFailedSends", relay.failedSends());
                    d.put("relayValid", relay.valid());
                    d.put("loadAverageAtEnd", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                    return new Run(workers, tasks, rate, placeSeconds, timedOut, placed, relay, d);
                }
            }
        }
    }

    private static int count(BitSet set, Object lock) {
        synchronized (lock) {
            return set.cardinality();
        }
    }

    static void awaitLiveWorkers(URI base, int expected, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/workers")).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    int ready = 0;
                    for (JsonNode w : Json.MAPPER.readTree(response.body()).get("items")) {
                        if ("ready".equals(w.path("status").asText())) {
                            ready++;
                        }
                    }
                    if (ready >= expected) {
                        return;
                    }
                }
            } catch (Exception e) {
                // not yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the manager did not see " + expected + " live workers within " + timeout);
            }
            Sleep.ms(250);
        }
    }

    /**
     * The relay's figures: valid only if every send was acknowledged ({@code acknowledged == sends}, none failed), so that
     * its time is that of the same number of records written, and not of a producer's timeouts.
     */
    record Relay(double seconds, double rate, long sends, long acknowledged, long failedSends) {
        boolean valid() {
            return failedSends == 0 && acknowledged == sends;
        }
    }

    /** The baseline: read the log, and for each submitted event of this run write a decision and an order, plainly. */
    static Relay relay(String bootstrap, String prefix, int tasks, Duration timeout) {
        String decisions = "bench.relay-decisions";
        String orders = "bench.relay-orders";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(decisions, Topics.TASK_EVENTS.partitions(), (short) 1),
                    new NewTopic(orders, Topics.DESIRED_ATTEMPTS.partitions(), (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the relay's topics", e);
        }
        warmUp(bootstrap, List.of(decisions, orders), timeout);
        int relayed = 0;
        long sends = 0;
        double seconds;
        AtomicLong acknowledged = new AtomicLong();
        Producers.Failures failures = new Producers.Failures();
        org.apache.kafka.clients.producer.Callback callback = (metadata, error) -> {
            failures.onCompletion(metadata, error);
            if (error == null) {
                acknowledged.incrementAndGet();
            }
        };
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // read_uncommitted: the submitted events are not transactional, and the relay must not wait on the
                // stopped manager's last transaction (the LSO) to read them
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
                ConsumerConfig.CLIENT_ID_CONFIG, "cube-bench-relay"),
                new StringDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                     ProducerConfig.ACKS_CONFIG, "all",
                     ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                     ProducerConfig.LINGER_MS_CONFIG, 5,
                     ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                     new StringSerializer(), new ByteArraySerializer())) {
            // Metadata of the new topics first, outside the timing (a first send would otherwise block on it).
            producer.partitionsFor(decisions);
            producer.partitionsFor(orders);
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.TASK_EVENTS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long t0 = System.nanoTime();
            long deadline = t0 + timeout.toNanos();
            // A decision record of the real size: a scheduled event encoded by Cube's codec.
            byte[] decision = dev.cube.events.wire.CloudEventCodec.encode(CubeEvent.of("/cube/manager", prefix + "0", Instant.now(),
                    new TaskEvent.Scheduled(prefix + "w00000", 1)));
            int cursor = 0;
            while (relayed < tasks) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the relay did not finish within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.key() != null && r.key().startsWith(prefix) && "dev.cube.task.submitted".equals(LogWatcher.type(r.value()))) {
                        producer.send(new ProducerRecord<>(decisions, r.key(), decision), callback);
                        producer.send(new ProducerRecord<>(orders, "w" + (cursor++ % 1000), r.value()), callback);
                        sends += 2;
                        relayed++;
                    }
                }
            }
            producer.flush();
            seconds = (System.nanoTime() - t0) / 1e9;
        }
        return new Relay(seconds, relayed / seconds, sends, acknowledged.get(), failures.count());
    }

    /**
     * Writes one record to every partition of freshly created {@code topics}, with a plain producer, until each is
     * acknowledged. Right after a topic is created, the broker may answer NOT_LEADER_OR_FOLLOWER for a moment; an
     * idempotent producer that meets that with batches in flight can lose its sequence and fail its sends with
     * OutOfOrderSequenceException until it times them out (what made earlier relay figures 120 s, the delivery
     * timeout, whatever their size). Warming up first keeps that out of the timing, and out of the relay's producer.
     */
    static void warmUp(String bootstrap, List<String> topics, Duration timeout) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.CLIENT_ID_CONFIG, "cube-bench-relay-warm-up"),
                new StringSerializer(), new ByteArraySerializer())) {
            List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> acks = new ArrayList<>();
            for (String topic : topics) {
                for (var partition : producer.partitionsFor(topic)) {
                    acks.add(producer.send(new ProducerRecord<>(topic, partition.partition(), "warm-up", new byte[0])));
                }
            }
            for (var ack : acks) {
                ack.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot write to the relay's topics", e);
        }
    }
}
