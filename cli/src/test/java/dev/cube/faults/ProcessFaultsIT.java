package dev.cube.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.e2e.CubeProcess;
import dev.cube.e2e.Docker;
import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static dev.cube.faults.FaultSystem.GRACE;
import static dev.cube.faults.FaultSystem.TTL;
import static dev.cube.faults.FaultSystem.exiting;
import static dev.cube.faults.FaultSystem.pause;
import static dev.cube.faults.FaultSystem.sleeping;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults of Cube's processes and of the network between them: the broker restarted under load, the manager
 * killed in the middle of placements, a worker cut off from Kafka while it lives, a manager's state
 * directory lost. Each scenario is a row of docs/reliability.md and prints its line of figures.
 * {@code -Dfaults.soak=true} runs each longer (see docs/reliability.md).
 */
class ProcessFaultsIT {

    static final boolean SOAK = Boolean.getBoolean("faults.soak");
    FaultSystem cube;

    @AfterEach
    void stop() {
        if (cube != null) {
            cube.close();
        }
    }

    @Test
    void theBrokerRestartedTwiceTenSecondsApartUnderLoadLosesNoAcknowledgedSubmissionAndRunsEachOnce() throws Exception {
        cube = FaultSystem.start("broker restarted twice under load");
        cube.startManager("manager");
        cube.startWorker("w-" + cube.run, Map.of());
        // Tasks that run through both outages: each longer than TTL + grace, which must not count against anyone.
        Map<String, String> serving = new TreeMap<>();
        for (int i = 0; i < 3; i++) {
            String id = cube.submit(sleeping(600, ""));
            serving.put(id, cube.awaitState(id, "Running").get("containerId").asText());
        }
        Duration load = Duration.ofSeconds(SOAK ? 120 : 30);
        AtomicInteger attempted = new AtomicInteger();
        ScheduledExecutorService submissions = Executors.newScheduledThreadPool(2);
        // Three submissions a second, every other one over HTTP, the rest from a Kafka producer: both kinds of acknowledgement.
        submissions.scheduleAtFixedRate(() -> {
            if (attempted.incrementAndGet() % 2 == 0) {
                cube.trySubmit(exiting(0, ""));
            } else {
                cube.produceSubmission(exiting(0, ""));
            }
        }, 0, 333, TimeUnit.MILLISECONDS);
        Instant began = Instant.now();
        List<String> outages = new ArrayList<>();
        pause(load.dividedBy(6));
        Instant down = Instant.now();
        cube.kafka.kill();
        cube.kafka.start();
        outages.add("SIGKILL at " + Duration.between(began, down).toSeconds() + " s, back after " + Duration.between(down, Instant.now()).toMillis() + " ms");
        pause(Duration.ofSeconds(10));
        down = Instant.now();
        cube.kafka.stop();
        cube.kafka.start();
        outages.add("SIGTERM at " + Duration.between(began, down).toSeconds() + " s, back after " + Duration.between(down, Instant.now()).toMillis() + " ms");
        pause(Duration.between(Instant.now(), began.plus(load)));
        submissions.shutdown();
        assertThat(submissions.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        cube.producer().flush();

        List<String> ids = cube.ledger.taskIds().stream().filter(id -> !serving.containsKey(id)).toList();
        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(ids.stream().filter(id -> !"Completed".equals(cube.stateOf(id))).limit(5).toList()).as("acknowledged, not Completed yet").isEmpty());
        serving.forEach((id, container) -> {
            JsonNode task = cube.task(id);
            assertThat(task.get("state").asText()).as("%s after the outages", id).isEqualTo("Running");
            assertThat(task.get("containerId").asText()).isEqualTo(container);
        });
        assertThat(cube.taskEvents()).noneMatch(e -> e.data() instanceof TaskEvent.Lost);
        assertThat(cube.workersLog()).noneMatch(e -> e.data() instanceof WorkerEvent.Lost);
        cube.finish(attempted.get() + serving.size(), true, "broker " + String.join(", then ", outages) + "; " + (attempted.get() - ids.size())
                + " submissions refused while it was down (not acknowledged); " + serving.size() + " tasks running through both kept their "
                + "containers, no task or worker declared lost");
    }

    @Test
    void theManagerKilledTwiceInTheMiddleOfPlacementsLosesNoneRunsNoneTwiceAndNeverOvercommitsTheWorker() {
        cube = FaultSystem.start("manager SIGKILL twice mid-placement");
        cube.startManager("manager");
        String worker = "w-" + cube.run;
        cube.startWorker(worker, Map.of());
        int total = SOAK ? 200 : 40;
        List<String> kills = new ArrayList<>();
        // Each task holds half the worker's cores for a second: placement must wait for room, across the kills.
        String spec = "{\"image\":\"cube/busybox:local\",\"command\":[\"sh\",\"-c\",\"sleep 1\"],\"cpu\":1.0,\"memory\":64}";
        for (int i = 1; i <= total; i++) {
            if (i == total / 3 || i == total * 2 / 3) {
                Instant killed = Instant.now();
                cube.manager.kill();
                cube.manager.start();
                cube.awaitManager();
                kills.add("at submission " + i + " (answering again after " + Duration.between(killed, Instant.now()).toMillis() + " ms)");
            }
            cube.submit(spec);
        }
        List<String> ids = cube.ledger.taskIds();
        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(ids.stream().filter(id -> !"Completed".equals(cube.stateOf(id))).limit(5).toList()).as("not Completed yet").isEmpty());
        double peak = peakCpuFromTheLog(cube.taskLog(), worker, 1.0);
        assertThat(peak).as("the most cpu the log ever had placed on the worker at once (it has 2)").isLessThanOrEqualTo(2.0);
        cube.finish(total, true, "SIGKILL " + String.join(", ", kills) + "; peak placed on the worker " + peak + " of 2 cores");
    }

    @Test
    void aWorkerCutOffFromKafkaStopsItsContainersItsTasksRunElsewhereAndNothingRunsTwiceAtOnce() {
        int proxyPort = CubeProcess.freePort();
        cube = FaultSystem.startWithProxiedListener("worker cut off from Kafka", proxyPort);
        FaultProxy link = cube.closesWith(FaultProxy.tcp(proxyPort, cube.kafka.secondListenerPort()));
        cube.startManager("manager");
        String isolated = "cut-" + cube.run;
        Duration stopAfter = TTL;
        cube.startWorker(isolated, Map.of("cube.kafka.bootstrap", cube.kafka.secondBootstrapServers(),
                "cube.worker.stop-after-disconnect", stopAfter.toSeconds() + "s"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(cube.submit(sleeping(300, ",\"restartPolicy\":{\"mode\":\"on-failure\",\"maxRestarts\":3,\"backoffSeconds\":0}")));
        }
        Map<String, String> firstContainer = new TreeMap<>();
        ids.forEach(id -> firstContainer.put(id, cube.awaitState(id, "Running").get("containerId").asText()));
        String other = "other-" + cube.run;
        cube.startWorker(other, Map.of());

        Instant cut = Instant.now();
        link.cut();
        // When each first container stops running on the engine, watched as the user would (it is removed once the
        // worker has shipped its output, after Kafka answers again).
        Map<String, Instant> gone = new ConcurrentHashMap<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            firstContainer.forEach((id, container) -> {
                if (!gone.containsKey(id) && (!Docker.exists(container) || !Docker.status(container).equals("running"))) {
                    gone.put(id, Instant.now());
                }
            });
            return gone.size() == ids.size();
        });
        Map<String, JsonNode> moved = new TreeMap<>();
        for (String id : ids) {
            moved.put(id, await().atMost(Duration.ofSeconds(60)).until(() -> cube.task(id),
                    t -> t != null && t.get("state").asText().equals("Running") && t.get("attempt").asInt() == 2));
        }
        assertThat(moved.values()).allSatisfy(t -> assertThat(t.get("workerId").asText()).isEqualTo(other));
        List<CubeEvent> log = cube.taskEvents();
        // How long each task's old and new copies both ran: from the new attempt's running (its log time) to the old container's stop.
        long worstOverlapMs = 0;
        for (String id : ids) {
            Instant secondRunning = log.stream().filter(e -> e.subject().equals(id) && e.data() instanceof TaskEvent.Running r && r.attempt() == 2)
                    .map(CubeEvent::time).findFirst().orElseThrow();
            worstOverlapMs = Math.max(worstOverlapMs, Duration.between(secondRunning, gone.get(id)).toMillis());
        }
        assertThat(cube.workersLog()).anyMatch(e -> e.subject().equals(isolated) && e.data() instanceof WorkerEvent.Lost);
        long firstGoneMs = gone.values().stream().min(Comparator.naturalOrder()).map(t -> Duration.between(cut, t).toMillis()).orElseThrow();
        assertThat(worstOverlapMs).as("the longest both copies of a task ran (stop-after-disconnect %s < TTL + grace %s)", stopAfter, TTL.plus(GRACE))
                .isLessThanOrEqualTo(0);

        Instant healed = Instant.now();
        link.heal();
        cube.awaitWorker(isolated, "ready");
        long backMs = Duration.between(healed, Instant.now()).toMillis();
        // Back, it runs none of its old attempts again (the log moved them) and removes their stopped containers: one copy each.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                ids.forEach(id -> assertThat(Docker.containersOfTask(id)).as("containers of %s", id).hasSize(1)));
        cube.finish(ids.size(), true, "cut at 0 s: its containers stopped from " + firstGoneMs + " ms (stop-after-disconnect "
                + stopAfter.toSeconds() + " s + stop grace 2 s), declared lost, tasks running elsewhere, overlap "
                + Math.max(0, worstOverlapMs) + " ms; healed: ready again after " + backMs + " ms, ran none of its old attempts");
    }

    @Test
    void aManagerWhoseStateDirectoryWasDeletedWhileItWasStoppedRestoresItFromTheChangelogs() throws IOException {
        cube = FaultSystem.start("manager state directory deleted");
        CubeProcess manager = cube.startManager("manager");
        cube.startWorker("w-" + cube.run, Map.of());
        List<String> finished = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            finished.add(cube.submit(exiting(i % 3 == 0 ? 3 : 0, "")));
        }
        List<String> serving = List.of(cube.submit(sleeping(300, "")), cube.submit(sleeping(300, "")));
        finished.forEach(id -> await().atMost(Duration.ofSeconds(60)).until(() -> FaultSystem.TERMINAL.contains(String.valueOf(cube.stateOf(id)))));
        serving.forEach(id -> cube.awaitState(id, "Running"));
        Map<String, JsonNode> before = cube.allTasks();
        long runningBefore = cube.taskEvents().stream().filter(e -> e.data() instanceof TaskEvent.Running).count();

        manager.stop();
        Path state = cube.dir.resolve("manager-state");
        assertThat(state).isDirectory();
        deleteTree(state);
        Instant restarted = Instant.now();
        manager.start();
        cube.awaitManager();
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> assertThat(cube.allTasks()).isEqualTo(before));
        long restoredMs = Duration.between(restarted, Instant.now()).toMillis();
        assertThat(state).isDirectory();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(cube.taskEvents().stream().filter(e -> e.data() instanceof TaskEvent.Running).count()).as("running events").isEqualTo(runningBefore));
        cube.finish(before.size(), true, "state directory deleted while stopped; every task answered as before "
                + restoredMs + " ms after the restart; no attempt ran again");
    }

    /** The most cpu placed on {@code worker} at once, by the log: each attempt holds {@code cpu} from its {@code scheduled} to its end. */
    static double peakCpuFromTheLog(List<Ledger.Logged> log, String worker, double cpu) {
        record Step(Instant time, int order, double delta) {
        }
        List<Step> steps = new ArrayList<>();
        Map<String, String> placedOn = new HashMap<>();
        for (Ledger.Logged record : log) {
            CubeEvent event = record.event();
            String attempt = event.subject();
            if (event.data() instanceof TaskEvent.Scheduled scheduled) {
                placedOn.put(attempt, scheduled.workerId());
                if (scheduled.workerId().equals(worker)) {
                    steps.add(new Step(event.time(), 1, cpu));
                }
            } else if ((event.data() instanceof TaskEvent.Completed || event.data() instanceof TaskEvent.Failed
                    || event.data() instanceof TaskEvent.Stopped || event.data() instanceof TaskEvent.Lost) && worker.equals(placedOn.remove(attempt))) {
                steps.add(new Step(event.time(), 0, -cpu));
            }
        }
        steps.sort(Comparator.comparing(Step::time).thenComparingInt(Step::order));
        double held = 0;
        double peak = 0;
        for (Step step : steps) {
            held += step.delta();
            peak = Math.max(peak, held);
        }
        return peak;
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
