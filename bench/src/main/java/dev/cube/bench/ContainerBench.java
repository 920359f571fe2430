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
                        + warmup + " warm-up rounds of each not counted; then " + options.burst() + " tasks at once, against as many raw "
                        + "create+start issued with the worker's parallelism");
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
                burst(options, result, http, base, client, run, submitted, times, watcher);
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

    /**
     * {@code options.burst()} tasks submitted at once (one virtual thread per POST) to the one worker: from just before
     * the first POST to the broker time of the last {@code running}. Baseline first, on the same engine: as many raw
     * create+start issued by as many threads as the worker runs engine calls at once ({@code cube.worker.parallelism}),
     * from the first create to the last start. The tasks run a long sleep (none ends before the last starts), then
     * are stopped with DELETE and awaited; the raw containers are force-removed. Nothing of it is timed but the two spans.
     */
    private static void burst(BenchOptions options, Result result, HttpClient http, URI base, DockerClient client, String run,
                              Set<String> submitted, Map<String, long[]> times, LogWatcher watcher) throws java.io.IOException {
        int n = options.burst();
        int parallelism = dev.cube.worker.WorkerSettings.DEFAULT_PARALLELISM;
        List<String> longSleep = List.of("sleep", "600");
        ObjectNode d = result.details;
        List<String> rawIds = java.util.Collections.synchronizedList(new ArrayList<>());
        long raw0 = System.nanoTime();
        try (java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallelism)) {
            List<java.util.concurrent.Future<?>> starts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = "cube-bench-raw-" + run + "-burst-" + i;
                starts.add(pool.submit(() -> {
                    String id = client.createContainerCmd(options.image()).withName(name).withCmd(longSleep)
                            .withLabels(Map.of(RAW_LABEL, "raw-" + run))
                            .withHostConfig(HostConfig.newHostConfig().withInit(true)).exec().getId();
                    rawIds.add(id);
                    client.startContainerCmd(id).exec();
                }));
            }
            awaitAll(starts, "a raw create+start of the burst");
        }
        double rawMs = (System.nanoTime() - raw0) / 1e6;
        for (String id : rawIds) {
            client.removeContainerCmd(id).withForce(true).exec();
        }

        List<String> tasks = java.util.Collections.synchronizedList(new ArrayList<>());
        long first = System.currentTimeMillis();
        try (java.util.concurrent.ExecutorService posts = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<String>> accepted = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String body = spec(options.image(), longSleep, 100_000 + i, 16); // 200 of them fit any worker's memory
                accepted.add(posts.submit(() -> {
                    HttpResponse<String> response = send(http, HttpRequest.newBuilder(base.resolve("/api/v1/tasks"))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
                    if (response.statusCode() != 202) {
                        throw new IllegalStateException("POST /api/v1/tasks answered " + response.statusCode() + ": " + response.body());
                    }
                    String task = Json.MAPPER.readTree(response.body()).get("id").asText();
                    tasks.add(task);
                    submitted.add(task);
                    return task;
                }));
            }
            awaitAll(accepted, "a POST of the burst");
        }
        long lastRunning = 0;
        for (String task : List.copyOf(tasks)) {
            lastRunning = Math.max(lastRunning, await(times, task, 2, options.timeout(), watcher)[2]);
        }
        double cubeMs = lastRunning - first;
        for (String task : List.copyOf(tasks)) {
            send(http, HttpRequest.newBuilder(base.resolve("/api/v1/tasks/" + task)).DELETE().build());
        }
        for (String task : List.copyOf(tasks)) {
            await(times, task, 3, options.timeout(), watcher);
        }
        d.put("burstTasks", n);
        d.put("burstParallelism", parallelism);
        d.put("burstLastRunningMs", Stats.round(cubeMs));
        d.put("burstRawMs", Stats.round(rawMs));
        result.row(n + " at once to one worker: last Running", "ms", cubeMs,
                n + " raw create+start, " + parallelism + " at a time", rawMs, "<= 1.2x (required), <= 1.05x (goal)");
    }

    private static void awaitAll(List<? extends java.util.concurrent.Future<?>> futures, String what) {
        try {
            for (java.util.concurrent.Future<?> future : futures) {
                future.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(what + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String spec(String image, List<String> command, int i) {
        return spec(image, command, i, 64);
    }

    private static String spec(String image, List<String> command, int i, int memoryMb) {
        ObjectNode spec = Json.MAPPER.createObjectNode();
        spec.put("name", "bench-" + i);
        spec.put("image", image);
        command.forEach(spec.putArray("command")::add);
        spec.put("memory", memoryMb);
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
