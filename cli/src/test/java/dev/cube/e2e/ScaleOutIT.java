package dev.cube.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.topics.Topics;
import dev.cube.events.wire.CloudEventCodec;
import dev.cube.infra.KafkaCluster;
import dev.cube.infra.TopicContents;
import dev.cube.kafka.TopicSetup;
import dev.cube.manager.history.EventLogReader;
import dev.cube.manager.history.ProjectionCheck;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cube scaled out, end to end, every component a process of its own: a three-broker KRaft cluster
 * (replication 3, min.insync.replicas 2), two managers of one application id, three workers that are
 * Cube's own worker over an in-memory engine ({@link InMemoryWorker}) and one real worker on the Docker
 * engine, the only one with room for some of the tasks, which run as real containers. Under a steady stream of submissions, spread
 * over both managers as a load balancer would, the manager that holds the placement stage is killed
 * (SIGKILL), then one broker of three. What must hold: every acknowledged submission is on the log and
 * runs once; reads of the dead manager's tasks answer again on the other (from its standby copy), never a
 * 404 for a task it had shown, and never a list presented as whole that lacks one; the survivor takes over
 * the dead one's partitions and the placement stage and places the rest; {@code cube replay --verify}
 * finds the projection equal to the log.
 *
 * <p>In CI it runs 40 s of submissions at 20/s (~2 min in all). A longer soak:
 * {@code -Dcube.test.scale.duration=PT2M} (and {@code -Dcube.test.scale.rate=20}).
 */
class ScaleOutIT {

    static final int RATE = Integer.getInteger("cube.test.scale.rate", 20);
    static final Duration DURATION = Duration.parse(System.getProperty("cube.test.scale.duration", "PT40S"));
    static final String SPEC = "{\"image\":\"cube/busybox:local\",\"command\":[\"true\"],\"cpu\":0.01,\"memory\":8}";
    /** More memory than an in-memory worker has (1024 MB): only the worker on the Docker engine can run it. */
    static final String DOCKER_SPEC = "{\"image\":\"cube/busybox:local\",\"command\":[\"true\"],\"cpu\":0.01,\"memory\":2000}";
    static final List<String> PARTS = List.of("task-0", "task-1", "task-2", "task-3", "placement");
    /** A task shown this long ago has been committed and copied to the standby: a 404 for it would be wrong. */
    static final Duration SETTLED = Duration.ofSeconds(2);

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    final List<CubeProcess> processes = new CopyOnWriteArrayList<>();
    final List<CubeProcess> live = new CopyOnWriteArrayList<>();
    final Map<String, Instant> accepted = new ConcurrentHashMap<>();
    /** When each accepted task was first shown by a manager. */
    final Map<String, Instant> shown = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    final Map<Integer, AtomicInteger> readStatuses = new ConcurrentHashMap<>();
    final AtomicInteger attempted = new AtomicInteger();
    KafkaCluster kafka;
    ScheduledExecutorService load;
    String dockerWorker;

    @AfterEach
    void stop() {
        if (load != null) {
            load.shutdownNow();
        }
        processes.forEach(CubeProcess::stop);
        if (dockerWorker != null) {
            Docker.forceRemove(Docker.containersOfWorker(dockerWorker));
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void twoManagersOnThreeBrokersLoseNothingAndRunNothingTwiceWhenAManagerThenABrokerIsKilledUnderSteadySubmissions() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "scale-out-");
        String run = UUID.randomUUID().toString().substring(0, 6);
        kafka = KafkaCluster.start(dir.resolve("kafka"), 3, 3, 2, "256m");
        TopicSetup.ensureTopics(kafka.bootstrapServers());

        CubeProcess first = manager(dir, "m1-" + run, "cube-scale-" + run);
        CubeProcess second = manager(dir, "m2-" + run, "cube-scale-" + run);
        // The workers start with the managers. Three are Cube's worker over the in-memory engine; one is the
        // real worker on the Docker engine, the only one with room for DOCKER_SPEC's memory. Its cpu (three
        // tasks at once) keeps its share of the steady load small, on a machine of two cores.
        dockerWorker = "d1-" + run;
        processes.add(CubeProcess.worker(dockerWorker, dir, Map.of("cube.kafka.bootstrap", kafka.bootstrapServers(),
                "cube.worker.id", dockerWorker, "cube.worker.address", "127.0.0.1", "cube.worker.cpu", 0.03, "cube.worker.memory", 8192,
                "cube.worker.heartbeat-interval", "1s", "cube.worker.stop-grace", "2s")).start());
        List<String> workers = List.of("w1-" + run, "w2-" + run, "w3-" + run);
        for (String id : workers) {
            processes.add(CubeProcess.of(id, InMemoryWorker.class, dir, Map.of("cube.kafka.bootstrap", kafka.bootstrapServers(),
                    "cube.worker.id", id, "cube.worker.cpu", 4, "cube.worker.memory", 1024), "160m").start());
        }
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() ->
                !holds(first).isEmpty() && !holds(second).isEmpty() && union(holds(first), holds(second)).containsAll(PARTS));
        awaitReady(first, dockerWorker);
        for (String id : workers) {
            awaitReady(second, id);
        }

        // Tasks only the real worker can run, accepted with the rest and checked with them.
        List<String> onDocker = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            CubeProcess to = i % 2 == 0 ? first : second;
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(to.uri().resolve("/api/v1/tasks"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(DOCKER_SPEC)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            String id = Cluster.json(response.body()).get("id").asText();
            accepted.put(id, Instant.now());
            onDocker.add(id);
        }

        Instant began = Instant.now();
        load = Executors.newScheduledThreadPool(2);
        // Each submission on a thread of its own: a slow answer does not hold the next one back.
        ExecutorService posts = Executors.newVirtualThreadPerTaskExecutor();
        load.scheduleAtFixedRate(() -> posts.execute(this::submitOne), 0, 1_000_000 / RATE, TimeUnit.MICROSECONDS);
        load.scheduleWithFixedDelay(this::readSome, 500, 250, TimeUnit.MILLISECONDS);

        // ---- a manager killed: the one that holds the placement stage ----
        pause(DURATION.dividedBy(4));
        CubeProcess victim = holds(first).contains("placement") ? first : second;
        CubeProcess survivor = victim == first ? second : first;
        Set<String> victimHeld = holds(victim);
        // Tasks of its partitions that it shows (it folded them), a while before it dies: they must stay readable.
        List<String> orphans = new ArrayList<>();
        Map<String, String> notShown = new ConcurrentHashMap<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .conditionEvaluationListener(condition -> {
                    if (condition.getRemainingTimeInMS() <= 0) {
                        System.out.println("ScaleOutIT: tasks of " + victimHeld + " the victim did not show: " + notShown);
                    }
                }).until(() -> {
            Instant old = Instant.now().minus(SETTLED);
            List<String> candidates = new ArrayList<>(accepted.entrySet().stream().filter(e -> e.getValue().isBefore(old) && !orphans.contains(e.getKey()))
                    .map(Map.Entry::getKey).filter(id -> victimHeld.contains("task-" + Topics.TASK_EVENTS.partitionOf(id))).toList());
            java.util.Collections.shuffle(candidates);
            for (String id : candidates.subList(0, Math.min(5, candidates.size()))) {
                HttpResponse<String> answer = get(victim, "/api/v1/tasks/" + id);
                if (answer.statusCode() == 200) {
                    orphans.add(id);
                    shown.putIfAbsent(id, Instant.now());
                } else {
                    notShown.put(id, answer.statusCode() + " " + answer.body());
                }
            }
            return orphans.size() >= 5;
        });
        pause(SETTLED);
        live.remove(victim);
        Instant killed = Instant.now();
        victim.kill();
        // Each of its tasks read on the survivor at once, until it answers: when does each answer again?
        Map<Integer, Integer> orphanStatuses = new ConcurrentHashMap<>();
        List<Duration> answeredAfter = new CopyOnWriteArrayList<>();
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String id : orphans) {
                readers.execute(() -> await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
                    int status = get(survivor, "/api/v1/tasks/" + id).statusCode();
                    orphanStatuses.merge(status, 1, Integer::sum);
                    if (status == 200) {
                        answeredAfter.add(Duration.between(killed, Instant.now()));
                    }
                    return status == 200;
                }));
            }
        }
        assertThat(answeredAfter).as("every read of the dead one's tasks answered again").hasSize(orphans.size());
        Duration readsAgain = answeredAfter.stream().max(Duration::compareTo).orElseThrow();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> holds(survivor).containsAll(PARTS));
        Duration movedIn = Duration.between(killed, Instant.now());
        assertThat(orphanStatuses.keySet()).as("what the survivor answered for the dead one's tasks until it had them all").isSubsetOf(200, 503);

        // ---- a broker killed ----
        pause(Duration.between(Instant.now(), began.plus(DURATION.dividedBy(2))));
        Instant brokerKilled = Instant.now();
        kafka.broker(2).kill();

        pause(Duration.between(Instant.now(), began.plus(DURATION)));
        load.shutdown();
        assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        posts.shutdown();
        assertThat(posts.awaitTermination(60, TimeUnit.SECONDS)).as("the last submissions answered").isTrue();
        Instant ended = Instant.now();

        // ---- every accepted task runs, once ----
        List<String> ids = List.copyOf(accepted.keySet());
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            List<String> notDone = ids.stream().filter(id -> !"Completed".equals(state(survivor, id))).limit(5).toList();
            assertThat(notDone).as("accepted tasks not Completed yet (a few of them)").isEmpty();
        });
        List<ConsumerRecord<String, byte[]>> records = TopicContents.read(kafka.bootstrapServers(), Topics.TASK_EVENTS.name());
        List<CubeEvent> log = records.stream().filter(r -> r.value() != null).map(r -> CloudEventCodec.decode(r.headers(), r.value())).toList();
        Set<String> submitted = log.stream().filter(e -> e.data() instanceof TaskEvent.Submitted).map(CubeEvent::subject).collect(Collectors.toSet());
        assertThat(ids).as("acknowledged submissions on the log").allMatch(submitted::contains);
        Map<String, Long> runningPerAttempt = log.stream().filter(e -> e.data() instanceof TaskEvent.Running)
                .collect(Collectors.groupingBy(e -> e.subject() + "/" + ((TaskEvent.Running) e.data()).attempt(), Collectors.counting()));
        assertThat(runningPerAttempt).as("running events per attempt").allSatisfy((attempt, count) -> assertThat(count).as(attempt).isEqualTo(1));
        Set<String> attemptsOfAccepted = runningPerAttempt.keySet().stream().filter(a -> accepted.containsKey(a.substring(0, a.lastIndexOf('/'))))
                .collect(Collectors.toSet());
        assertThat(attemptsOfAccepted).as("one attempt per accepted task, and it ran").hasSize(ids.size())
                .allMatch(a -> a.endsWith("/1"));
        long ranOnDocker = log.stream().filter(e -> e.data() instanceof TaskEvent.Running running && running.workerId().equals(dockerWorker)).count();
        Set<String> dockerOnly = Set.copyOf(onDocker);
        assertThat(log.stream().filter(e -> dockerOnly.contains(e.subject()) && e.data() instanceof TaskEvent.Running).map(e -> ((TaskEvent.Running) e.data()).workerId()))
                .as("where the tasks only the Docker engine's worker can run ran").hasSize(onDocker.size()).containsOnly(dockerWorker);
        long placedAfterTheKill = records.stream().filter(r -> r.value() != null && r.timestamp() > killed.toEpochMilli())
                .filter(r -> CloudEventCodec.decode(r.headers(), r.value()).data() instanceof TaskEvent.Scheduled).count();
        assertThat(placedAfterTheKill).as("placements by the survivor's stage").isPositive();

        // ---- reads never said a shown task was gone, nor passed a partial list off as whole ----
        assertThat(wrong).as("wrong answers while managers and a broker died").isEmpty();
        ProjectionCheck.Report check = ProjectionCheck.run(kafka.bootstrapServers(), Duration.ofSeconds(30), EventLogReader.Progress.NONE);
        assertThat(check.differences()).as("cube replay --verify").isEmpty();

        System.out.println("ScaleOutIT: task events per 10 s of log time, from the first: " + timeline(records));
        System.out.printf("scale out: %d s at %d/s on 3 brokers, 2 managers, 3 workers: attempted %d, acknowledged %d, lost 0, ran twice 0; "
                        + "manager SIGKILL at %d s: reads of %d of its tasks all answered again within %d ms (%s), its %s moved in %.1f s, %d placements after; "
                        + "broker SIGKILL at %d s; all completed %.1f s after the end; %d attempts ran on the Docker engine; reads %s; replay --verify equal (%d tasks)%n",
                DURATION.toSeconds(), RATE, attempted.get(), ids.size(), Duration.between(began, killed).toSeconds(), orphans.size(), readsAgain.toMillis(),
                orphanStatuses, victimHeld, movedIn.toMillis() / 1000.0, placedAfterTheKill, Duration.between(began, brokerKilled).toSeconds(),
                Duration.between(ended, Instant.now()).toMillis() / 1000.0, ranOnDocker, new TreeMap<>(readStatuses), check.liveTasks());
    }

    void awaitReady(CubeProcess manager, String workerId) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> Cluster.json(get(manager, "/api/v1/workers/" + workerId).body()).get("status").asText().equals("ready"));
    }

    /** How many events of each type the log holds per 10 s of its time, from its first record: where the time went. */
    static String timeline(List<ConsumerRecord<String, byte[]>> records) {
        long first = records.stream().mapToLong(ConsumerRecord::timestamp).min().orElse(0);
        Map<Long, Map<String, Long>> buckets = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.value() != null) {
                String type = CloudEventCodec.decode(record.headers(), record.value()).data().getClass().getSimpleName();
                buckets.computeIfAbsent((record.timestamp() - first) / 10_000 * 10, b -> new TreeMap<>()).merge(type, 1L, Long::sum);
            }
        }
        return buckets.toString();
    }

    // ---- the load ----

    /** One submission, to the next live manager; one that cannot be reached hands it to the other, as a load balancer would. */
    void submitOne() {
        int n = attempted.incrementAndGet();
        List<CubeProcess> managers = List.copyOf(live);
        for (int i = 0; i < managers.size(); i++) {
            CubeProcess manager = managers.get((n + i) % managers.size());
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(manager.uri().resolve("/api/v1/tasks"))
                        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(SPEC)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 202) {
                    accepted.put(Cluster.json(response.body()).get("id").asText(), Instant.now());
                    return;
                }
            } catch (IOException e) {
                // the next one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Reads a few tasks from a live manager and the first page of the list: a task shown once before
     * {@link #SETTLED} must not be answered 404, and a list that says it is whole must count every such task.
     */
    void readSome() {
        List<CubeProcess> managers = List.copyOf(live);
        if (managers.isEmpty()) {
            return;
        }
        CubeProcess manager = managers.get(ThreadLocalRandom.current().nextInt(managers.size()));
        Instant now = Instant.now();
        Set<String> settled = shown.entrySet().stream().filter(e -> e.getValue().isBefore(now.minus(SETTLED))).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        // Six tasks shown before (a 404 for them would be wrong), four not shown yet (to see them appear).
        List<String> sample = new ArrayList<>();
        List<String> settledList = List.copyOf(settled);
        for (int i = 0; i < 6 && !settledList.isEmpty(); i++) {
            sample.add(settledList.get(ThreadLocalRandom.current().nextInt(settledList.size())));
        }
        accepted.entrySet().stream().filter(e -> !shown.containsKey(e.getKey()) && e.getValue().isBefore(now.minusMillis(500)))
                .map(Map.Entry::getKey).limit(4).forEach(sample::add);
        for (String id : sample) {
            HttpResponse<String> response = tryGet(manager, "/api/v1/tasks/" + id);
            if (response == null) {
                continue;
            }
            readStatuses.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
            if (response.statusCode() == 200) {
                shown.putIfAbsent(id, Instant.now());
            } else if (response.statusCode() == 404 && settled.contains(id)) {
                wrong.add(manager.name() + " answered 404 for " + id + ", shown at " + shown.get(id) + ", at " + now);
            }
        }
        HttpResponse<String> list = tryGet(manager, "/api/v1/tasks?limit=1");
        if (list != null && list.statusCode() == 200) {
            JsonNode page = Cluster.json(list.body());
            if (!page.get("partial").asBoolean() && page.get("total").asLong() < settled.size()) {
                wrong.add(manager.name() + " listed " + page.get("total") + " tasks as whole, " + settled.size() + " had been shown, at " + now);
            }
        }
    }

    // ---- the system ----

    CubeProcess manager(Path dir, String name, String applicationId) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("cube.kafka.bootstrap", kafka.bootstrapServers());
        settings.put("cube.manager.application-id", applicationId);
        settings.put("cube.manager.instance-id", name);
        settings.put("cube.manager.advertised-host", "127.0.0.1");
        settings.put("micronaut.server.host", "127.0.0.1");
        // Fewer, larger transactions, as on a cluster (docs/operations.md, "Transactions on a cluster"): every
        // commit is a transaction on three brokers, and each hop waits for the one before to be committed.
        settings.put("cube.manager.prompt-commit", System.getProperty("cube.test.scale.prompt-commit", "0ms"));
        settings.put("cube.manager.commit-interval", System.getProperty("cube.test.scale.commit-interval", "500ms"));
        CubeProcess process = CubeProcess.manager(name, dir, settings, "320m").start();
        processes.add(process);
        live.add(process);
        return process;
    }

    /** The parts (task partitions, the placement stage) whose active copy the manager holds now, as its internal API says. */
    Set<String> holds(CubeProcess manager) {
        Set<String> held = new TreeSet<>();
        for (int p = 0; p < 4; p++) {
            HttpResponse<String> response = tryGet(manager, "/internal/v1/task-partitions/" + p + "/task?id=probe&copy=active");
            if (response != null && response.statusCode() == 200) {
                held.add("task-" + p);
            }
        }
        HttpResponse<String> stage = tryGet(manager, "/internal/v1/workers?copy=active");
        if (stage != null && stage.statusCode() == 200) {
            held.add("placement");
        }
        return held;
    }

    static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    String state(CubeProcess manager, String id) {
        HttpResponse<String> response = tryGet(manager, "/api/v1/tasks/" + id);
        return response != null && response.statusCode() == 200 ? Cluster.json(response.body()).get("state").asText() : null;
    }

    HttpResponse<String> get(CubeProcess manager, String path) {
        HttpResponse<String> response = tryGet(manager, path);
        if (response == null) {
            throw new IllegalStateException(manager.name() + " cannot be reached");
        }
        return response;
    }

    HttpResponse<String> tryGet(CubeProcess manager, String path) {
        try {
            return http.send(HttpRequest.newBuilder(manager.uri().resolve(path)).timeout(Duration.ofSeconds(15)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static void pause(Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            return;
        }
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
