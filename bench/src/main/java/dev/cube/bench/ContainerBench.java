package dev.cube.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import dev.cube.events.wire.Json;
import dev.cube.worker.WorkerApplication;
import dev.cube.worker.runtime.DockerContainerRuntime;
import io.micronaut.context.ApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scenario 3: orchestration overhead with real containers. Tasks of a local image are submitted
 * over HTTP to a manager with one real worker on the local Docker engine, one at a time; each is
 * measured from just before the POST to its {@code dev.cube.task.running} event's broker time
 * (LogAppendTime, same machine clock), then stopped with DELETE and awaited as Stopped before
 * the next. Baseline, interleaved in the same run on the same engine: docker-java create + start
 * of the same image and command (with an init, as Cube runs them), then a forced removal.
 */
final class ContainerBench {

    static final String RAW_LABEL = "dev.cube.bench";

    private ContainerBench() {
    }

    static Result run(BenchOptions options) {
        int n = options.containers();
        int warmup = n >= 20 ? 3 : 0;
        String image = options.image();
        List<String> command = options.command();
        Result result = new Result("containers",
                n + " tasks of " + image + " " + command + " submitted over HTTP, one at a time, to a manager with one real worker; "
                        + "submit->Running = from before the POST to the worker's dev.cube.task.running event (broker time); "
                        + "baseline: docker-java create+start of the same image and command on the same engine, interleaved; "
                        + warmup + " warm-up rounds of each not counted");
        ObjectNode d = result.details;
        String run = Long.toString(System.nanoTime(), 36);
        String workerId = "bench-worker-" + run;
        Map<String, long[]> times = new ConcurrentHashMap<>(); // task id -> [submitted, scheduled, running, stopped] broker ms
        Set<String> submitted = new LinkedHashSet<>();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        DockerContainerRuntime docker = DockerContainerRuntime.connect(null, Duration.ofMinutes(1));
        DockerClient client = docker.client();
        try (Stack stack = Stack.start(options.workDir(), "containers", options.managerOverrides())) {
            ApplicationContext manager = stack.startManager(Map.of());
            Stack.awaitRunning(manager, 120_000);
            URI base = Stack.uri(manager);
            ApplicationContext worker = WorkerApplication.start(Map.of(
                    "cube.kafka.bootstrap", stack.bootstrap(),
                    "cube.worker.id", workerId,
                    "cube.worker.address", "127.0.0.1",
                    "cube.worker.stop-grace", "2s"));
            try (LogWatcher watcher = LogWatcher.taskEvents(stack.bootstrap(), (key, type, time, value) -> {
                int slot = switch (type) {
                    case "dev.cube.task.submitted" -> 0;
                    case "dev.cube.task.scheduled" -> 1;
                    case "dev.cube.task.running" -> 2;
                    case "dev.cube.task.stopped", "dev.cube.task.completed", "dev.cube.task.failed" -> 3;
                    default -> -1;
                };
                if (slot >= 0 && key != null) {
                    long[] t = times.computeIfAbsent(key, k -> new long[4]);
                    if (t[slot] == 0) {
                        t[slot] = time;
                    }
                }
            })) {
                PlacementBench.awaitLiveWorkers(base, 1, options.timeout());
                List<Double> cube = new ArrayList<>();
                List<Double> raw = new ArrayList<>();
                List<Double> post = new ArrayList<>();
                List<Double> toScheduled = new ArrayList<>();
                List<Double> scheduledToRunning = new ArrayList<>();
                List<Double> stop = new ArrayList<>();
                List<Double> rawRemove = new ArrayList<>();
                for (int i = 0; i < warmup + n; i++) {
                    boolean counted = i >= warmup;
                    // Raw docker-java: create + start, then remove (not timed in the baseline).
                    String name = "cube-bench-raw-" + run + "-" + i;
                    long r0 = System.nanoTime();
                    String id = client.createContainerCmd(image).withName(name).withCmd(command)
                            .withLabels(Map.of(RAW_LABEL, "raw-" + run))
                            .withHostConfig(HostConfig.newHostConfig().withInit(true)).exec().getId();
                    client.startContainerCmd(id).exec();
                    double rawMs = (System.nanoTime() - r0) / 1e6;
                    long rm0 = System.nanoTime();
                    client.removeContainerCmd(id).withForce(true).exec();
                    double rmMs = (System.nanoTime() - rm0) / 1e6;

                    // Cube: POST, then wait for the worker's running event on the log.
                    long submitMs = System.currentTimeMillis();
                    long p0 = System.nanoTime();
                    HttpResponse<String> response = send(http, HttpRequest.newBuilder(base.resolve("/api/v1/tasks"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(spec(image, command, i))).build());
                    double postMs = (System.nanoTime() - p0) / 1e6;
                    if (response.statusCode() != 202) {
                        throw new IllegalStateException("POST /api/v1/tasks answered " + response.statusCode() + ": " + response.body());
                    }
                    String task = Json.MAPPER.readTree(response.body()).get("id").asText();
                    submitted.add(task);
                    long[] t = await(times, task, 2, options.timeout(), watcher);
                    long stop0 = System.nanoTime();
                    HttpResponse<String> deleted = send(http, HttpRequest.newBuilder(base.resolve("/api/v1/tasks/" + task)).DELETE().build());
                    if (deleted.statusCode() == 202) {
                        await(times, task, 3, options.timeout(), watcher);
                    }
                    double stopMs = (System.nanoTime() - stop0) / 1e6;
                    if (counted) {
                        raw.add(rawMs);
                        rawRemove.add(rmMs);
                        cube.add((double) (t[2] - submitMs));
                        post.add(postMs);
                        toScheduled.add((double) (t[1] - t[0]));
                        scheduledToRunning.add((double) (t[2] - t[1]));
                        stop.add(stopMs);
                    }
                }
                Stats c = Stats.of(cube);
                Stats r = Stats.of(raw);
                d.set("submitToRunningMs", c.json());
                d.set("rawCreateStartMs", r.json());
                d.set("postAcceptedMs", Stats.of(post).json());
                d.set("submittedToScheduledMs", Stats.of(toScheduled).json());
                d.set("scheduledToRunningMs", Stats.of(scheduledToRunning).json());
                d.set("deleteToStoppedMs", Stats.of(stop).json());
                d.set("rawRemoveMs", Stats.of(rawRemove).json());
                d.put("overheadP50Ms", Stats.round(c.p50() - r.p50()));
                d.put("overheadP95Ms", Stats.round(c.p95() - r.p95()));
                d.put("overheadP99Ms", Stats.round(c.p99() - r.p99()));
                d.put("workerId", workerId);
                d.put("run", run);
                result.row("submit->Running p50", "ms", c.p50(), "docker create+start p50", r.p50(), "overhead <= 50 ms");
                result.row("submit->Running p95", "ms", c.p95(), "docker create+start p95", r.p95(), null);
                result.row("submit->Running p99", "ms", c.p99(), "docker create+start p99", r.p99(), "overhead <= 200 ms");
            } finally {
                cleanup(http, base, submitted, times, worker, client, workerId, run);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            try {
                client.close();
            } catch (java.io.IOException e) {
                // ignore
            }
        }
        return result;
    }

    private static String spec(String image, List<String> command, int i) {
        ObjectNode spec = Json.MAPPER.createObjectNode();
        spec.put("name", "bench-" + i);
        spec.put("image", image);
        command.forEach(spec.putArray("command")::add);
        spec.put("memory", 64);
        return spec.toString();
    }

    private static long[] await(Map<String, long[]> times, String task, int slot, Duration timeout, LogWatcher watcher) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long[] t = times.get(task);
            if (t != null && t[slot] != 0 && (slot != 2 || t[1] != 0)) {
                return t;
            }
            watcher.check();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("task " + task + " did not reach step " + slot + " within " + timeout);
            }
            Sleep.ms(2);
        }
    }

    static HttpResponse<String> send(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops every task still on the worker, closes the worker, then removes whatever container of this run is left. */
    private static void cleanup(HttpClient http, URI base, Set<String> submitted, Map<String, long[]> times,
                                ApplicationContext worker, DockerClient client, String workerId, String run) {
        try {
            for (String task : submitted) {
                long[] t = times.get(task);
                if (t == null || t[3] == 0) {
                    send(http, HttpRequest.newBuilder(base.resolve("/api/v1/tasks/" + task)).DELETE().build());
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && submitted.stream().anyMatch(task -> {
                long[] t = times.get(task);
                return t == null || t[3] == 0;
            })) {
                Sleep.ms(50);
            }
        } catch (RuntimeException e) {
            System.err.println("bench: stopping tasks over HTTP failed: " + e);
        } finally {
            try {
                worker.close();
            } catch (RuntimeException e) {
                System.err.println("bench: closing the worker failed: " + e);
            }
            removeLeftovers(client, workerId, run);
        }
    }

    static void removeLeftovers(DockerClient client, String workerId, String run) {
        List<Container> left = new ArrayList<>();
        left.addAll(client.listContainersCmd().withShowAll(true).withLabelFilter(Map.of("dev.cube.worker-id", workerId)).exec());
        left.addAll(client.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(RAW_LABEL, "raw-" + run)).exec());
        for (Container c : left) {
            try {
                client.removeContainerCmd(c.getId()).withForce(true).exec();
            } catch (RuntimeException e) {
                System.err.println("bench: cannot remove container " + c.getId() + ": " + e);
            }
        }
    }

    /** Containers of a past bench run still on the engine (for the smoke test's check). */
    static int leftovers(DockerClient client, String workerId) {
        return client.listContainersCmd().withShowAll(true).withLabelFilter(Map.of("dev.cube.worker-id", workerId)).exec().size();
    }
}
