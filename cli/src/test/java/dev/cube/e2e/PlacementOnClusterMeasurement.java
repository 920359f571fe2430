package dev.cube.e2e;

import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.topics.Topics;
import dev.cube.events.wire.CloudEventCodec;
import dev.cube.infra.KafkaCluster;
import dev.cube.infra.TopicContents;
import dev.cube.kafka.TopicSetup;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.*;
import java.util.concurrent.*;

/**
 * A measurement, not a test (CI does not run it): how long submitted tasks wait to be placed, with one or two
 * managers on one or three brokers, every component a process of its own, three in-memory workers. Run:
 * {@code mvn -o -B -pl cli -am package failsafe:integration-test@default -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=PlacementOnClusterMeasurement -Dprobe.brokers=3 -Dprobe.managers=2}
 * (also {@code -Dprobe.rate}, {@code -Dprobe.seconds}, {@code -Dprobe.commit-interval}, {@code -Dprobe.prompt-commit},
 * {@code -Dprobe.set.<manager setting>=<value>}); {@code -Dprobe.txn=true} measures bare transactions instead. It
 * prints one line starting {@code PROBE} to target/failsafe-reports/dev.cube.e2e.PlacementOnClusterMeasurement-output.txt.
 * docs/operations.md ("Transactions on a cluster") has what it measured.
 */
class PlacementOnClusterMeasurement {
    static final int BROKERS = Integer.getInteger("probe.brokers", 3);
    static final int MANAGERS = Integer.getInteger("probe.managers", 2);
    static final int RATE = Integer.getInteger("probe.rate", 20);
    static final int SECONDS = Integer.getInteger("probe.seconds", 30);
    static final String SPEC = "{\"image\":\"cube/busybox:local\",\"command\":[\"true\"],\"cpu\":0.01,\"memory\":8}";
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    final List<CubeProcess> processes = new CopyOnWriteArrayList<>();
    final Set<String> accepted = ConcurrentHashMap.newKeySet();
    KafkaCluster kafka;

    @AfterEach
    void stop() {
        processes.forEach(CubeProcess::stop);
        if (kafka != null) kafka.close();
    }

    @Test
    void transactions() throws Exception {
        if (!Boolean.getBoolean("probe.txn")) return;
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "probe-txn-");
        kafka = KafkaCluster.start(dir.resolve("kafka"), BROKERS, BROKERS, Math.min(2, BROKERS), "256m");
        int parts = Integer.getInteger("probe.partitions", 30);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("probe", parts, (short) BROKERS))).all().get();
        }
        Map<String, Object> c = new HashMap<>();
        c.put("bootstrap.servers", kafka.bootstrapServers());
        c.put("transactional.id", "probe-txn");
        c.put("acks", "all");
        c.put("linger.ms", 5);
        c.put("retry.backoff.ms", Long.getLong("probe.backoff", 10L));
        try (org.apache.kafka.clients.producer.KafkaProducer<String, String> producer = new org.apache.kafka.clients.producer.KafkaProducer<>(c,
                new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.StringSerializer())) {
            producer.initTransactions();
            List<Long> commits = new ArrayList<>();
            List<Long> cycles = new ArrayList<>();
            long pause = Long.getLong("probe.pause", 0L);
            for (int i = 0; i < 100; i++) {
                long t0 = System.nanoTime();
                producer.beginTransaction();
                for (int p = 0; p < parts; p++) producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("probe", p, "k", "v" + i));
                producer.flush();
                long t1 = System.nanoTime();
                producer.commitTransaction();
                long t2 = System.nanoTime();
                commits.add((t2 - t1) / 1_000_000);
                cycles.add((t2 - t0) / 1_000_000);
                if (pause > 0) Thread.sleep(pause);
            }
            Collections.sort(commits); Collections.sort(cycles);
            System.out.printf("PROBE-TXN brokers=%d partitions=%d pause=%d ms: send+flush+commit p50 %d ms p90 %d ms max %d; commit alone p50 %d ms p90 %d%n",
                    BROKERS, parts, pause, cycles.get(50), cycles.get(90), cycles.get(99), commits.get(50), commits.get(90));
        }
    }

    @Test
    void probe() throws Exception {
        if (Boolean.getBoolean("probe.txn")) return;
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "probe-");
        String run = UUID.randomUUID().toString().substring(0, 6);
        kafka = KafkaCluster.start(dir.resolve("kafka"), BROKERS, BROKERS, Math.min(2, BROKERS), "256m");
        TopicSetup.ensureTopics(kafka.bootstrapServers());
        List<CubeProcess> managers = new ArrayList<>();
        for (int i = 1; i <= MANAGERS; i++) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("cube.kafka.bootstrap", kafka.bootstrapServers());
            s.put("cube.manager.application-id", "probe-" + run);
            s.put("cube.manager.instance-id", "m" + i + "-" + run);
            s.put("cube.manager.advertised-host", "127.0.0.1");
            s.put("micronaut.server.host", "127.0.0.1");
            s.put("cube.manager.prompt-commit", System.getProperty("probe.prompt-commit", "0ms"));
            s.put("cube.manager.commit-interval", System.getProperty("probe.commit-interval", "500ms"));
            for (String p : System.getProperties().stringPropertyNames()) {
                if (p.startsWith("probe.set.")) s.put(p.substring("probe.set.".length()), System.getProperty(p));
            }
            CubeProcess m = CubeProcess.manager("m" + i + "-" + run, dir, s, "320m").start();
            processes.add(m);
            managers.add(m);
        }
        for (int i = 1; i <= 3; i++) {
            String id = "w" + i + "-" + run;
            processes.add(CubeProcess.of(id, InMemoryWorker.class, dir, Map.of("cube.kafka.bootstrap", kafka.bootstrapServers(),
                    "cube.worker.id", id, "cube.worker.cpu", 40, "cube.worker.memory", 10240), "160m").start());
        }
        Instant t0 = Instant.now();
        for (CubeProcess m : managers) {
            for (int i = 1; i <= 3; i++) {
                String id = "w" + i + "-" + run;
                while (true) {
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(m.uri().resolve("/api/v1/workers/" + id)).build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200 && Cluster.json(r.body()).get("status").asText().equals("ready")) break;
                    } catch (Exception e) { }
                    Thread.sleep(250);
                    if (Duration.between(t0, Instant.now()).toSeconds() > 240) throw new AssertionError("not ready");
                }
            }
        }
        // both managers hold something
        Thread.sleep(5000);
        System.out.println("PROBE ready after " + Duration.between(t0, Instant.now()).toSeconds() + " s");
        ScheduledExecutorService load = Executors.newScheduledThreadPool(2);
        ExecutorService posts = Executors.newVirtualThreadPerTaskExecutor();
        int[] n = {0};
        Instant began = Instant.now();
        load.scheduleAtFixedRate(() -> posts.execute(() -> {
            CubeProcess m = managers.get(ThreadLocalRandom.current().nextInt(managers.size()));
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(m.uri().resolve("/api/v1/tasks")).header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(SPEC)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 202) accepted.add(Cluster.json(r.body()).get("id").asText());
            } catch (Exception e) { }
        }), 0, 1_000_000 / RATE, TimeUnit.MICROSECONDS);
        Thread.sleep(SECONDS * 1000L);
        load.shutdown();
        load.awaitTermination(10, TimeUnit.SECONDS);
        posts.shutdown();
        posts.awaitTermination(60, TimeUnit.SECONDS);
        Instant ended = Instant.now();
        // wait for completion (bounded)
        Map<String, Instant> submittedAt = new HashMap<>(), scheduledAt = new HashMap<>(), completedAt = new HashMap<>();
        List<ConsumerRecord<String, byte[]>> records = List.of();
        while (Duration.between(ended, Instant.now()).toSeconds() < 120) {
            records = TopicContents.read(kafka.bootstrapServers(), Topics.TASK_EVENTS.name());
            completedAt.clear();
            for (ConsumerRecord<String, byte[]> r : records) {
                if (r.value() == null) continue;
                CubeEvent e = CloudEventCodec.decode(r.headers(), r.value());
                Instant at = Instant.ofEpochMilli(r.timestamp());
                if (e.data() instanceof TaskEvent.Submitted) submittedAt.putIfAbsent(e.subject(), at);
                if (e.data() instanceof TaskEvent.Scheduled) scheduledAt.putIfAbsent(e.subject(), at);
                if (e.data() instanceof TaskEvent.Completed) completedAt.putIfAbsent(e.subject(), at);
            }
            if (completedAt.keySet().containsAll(accepted)) break;
            Thread.sleep(2000);
        }
        Instant done = Instant.now();
        TreeMap<Long, int[]> buckets = new TreeMap<>();
        for (String id : submittedAt.keySet()) {
            buckets.computeIfAbsent((submittedAt.get(id).toEpochMilli() - began.toEpochMilli()) / 5000 * 5, k -> new int[3])[0]++;
            if (scheduledAt.containsKey(id)) buckets.computeIfAbsent((scheduledAt.get(id).toEpochMilli() - began.toEpochMilli()) / 5000 * 5, k -> new int[3])[1]++;
            if (completedAt.containsKey(id)) buckets.computeIfAbsent((completedAt.get(id).toEpochMilli() - began.toEpochMilli()) / 5000 * 5, k -> new int[3])[2]++;
        }
        StringBuilder sb = new StringBuilder();
        buckets.forEach((k, v) -> sb.append(k).append("s:").append(v[0]).append("/").append(v[1]).append("/").append(v[2]).append(" "));
        List<Long> lat = new ArrayList<>();
        for (String id : scheduledAt.keySet()) if (submittedAt.containsKey(id)) lat.add(Duration.between(submittedAt.get(id), scheduledAt.get(id)).toMillis());
        Collections.sort(lat);
        System.out.printf("PROBE brokers=%d managers=%d rate=%d for %d s: accepted %d, scheduled %d, completed %d; drain %d s after the end; "
                        + "submitted->scheduled p50 %d ms p90 %d ms max %d ms; per 5 s submitted/scheduled/completed: %s%n",
                BROKERS, MANAGERS, RATE, SECONDS, accepted.size(), scheduledAt.size(), completedAt.size(), Duration.between(ended, done).toSeconds(),
                lat.isEmpty() ? -1 : lat.get(lat.size() / 2), lat.isEmpty() ? -1 : lat.get(lat.size() * 9 / 10), lat.isEmpty() ? -1 : lat.getLast(), sb);
    }
}
