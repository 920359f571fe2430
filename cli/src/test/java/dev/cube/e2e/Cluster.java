package dev.cube.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.cli.DevCluster;
import dev.cube.events.wire.Json;
import dev.cube.worker.WorkerApplication;
import io.micronaut.context.ApplicationContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A whole Cube (real broker, manager, worker on the real engine) for one test class, and what tests do with it. */
final class Cluster implements AutoCloseable {

    static final Set<String> SETTLED = Set.of("Running", "Completed", "Failed", "Stopped", "Lost");

    final DevCluster cube;
    final String workerId;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, ApplicationContext> extraWorkers = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Set<String> workerIds = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Cluster(DevCluster cube, String workerId) {
        this.cube = cube;
        this.workerId = workerId;
        this.workerIds.add(workerId);
    }

    static Cluster start() {
        return start("e2e-" + UUID.randomUUID().toString().substring(0, 8), Map.of());
    }

    /** A cluster whose first worker is {@code workerId}; {@code extra} settings go to the manager and that worker. */
    static Cluster start(String workerId, Map<String, Object> extra) {
        try {
            Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "cube-e2e-");
            Map<String, Object> settings = new java.util.HashMap<>(Map.of(
                    "cube.manager.application-id", "cube-e2e-" + UUID.randomUUID(),
                    "cube.worker.stop-grace", "2s",
                    "cube.worker.management-port", -1));
            settings.putAll(extra);
            DevCluster cube = DevCluster.start(dir, 0, -1, workerId, settings);
            Cluster cluster = new Cluster(cube, workerId);
            await().atMost(Duration.ofSeconds(60)).until(() -> cluster.get("/api/v1/workers/" + workerId).statusCode() == 200);
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts another worker in this JVM with the given id and declared capacity. */
    void addWorker(String id, double cpu, long memoryMb) {
        workerIds.add(id);
        extraWorkers.put(id, WorkerApplication.start(workerSettings(id, cpu, memoryMb)));
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/api/v1/workers/" + id).statusCode() == 200);
    }

    void stopWorker(String id) {
        ApplicationContext worker = extraWorkers.remove(id);
        if (worker != null) {
            worker.close();
        }
    }

    Map<String, Object> workerSettings(String id, double cpu, long memoryMb) {
        return Map.of("cube.kafka.bootstrap", cube.bootstrapServers(), "cube.worker.id", id, "cube.worker.address", "127.0.0.1",
                "cube.worker.cpu", cpu, "cube.worker.memory", memoryMb, "cube.worker.stop-grace", "2s",
                "cube.worker.heartbeat-interval", "1s", "cube.worker.management-port", CubeProcess.freePort());
    }

    /** Remembers a worker started elsewhere (another process), so that its containers are checked at the end. */
    void track(String id) {
        workerIds.add(id);
    }

    JsonNode worker(String id) {
        return json(get("/api/v1/workers/" + id).body());
    }

    String submit(String spec) {
        HttpResponse<String> response = post("/api/v1/tasks", spec);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return json(response.body()).get("id").asText();
    }

    JsonNode task(String id) {
        HttpResponse<String> response = get("/api/v1/tasks/" + id);
        return response.statusCode() == 200 ? json(response.body()) : null;
    }

    JsonNode awaitState(String id, String state) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> task(id),
                task -> task != null && state.equals(task.get("state").asText()));
    }

    List<JsonNode> events(String id) {
        JsonNode items = json(get("/api/v1/tasks/" + id + "/events").body()).get("items");
        return java.util.stream.StreamSupport.stream(items.spliterator(), false).map(item -> item.get("event")).toList();
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    HttpResponse<String> post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE().build());
    }

    URI uri(String path) {
        return cube.managerUri().resolve(path);
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

    /** Stops the cluster, then checks that the worker left none of its containers behind (and removes any it did). */
    @Override
    public void close() {
        extraWorkers.values().forEach(ApplicationContext::close);
        cube.close();
        List<String> left = workerIds.stream().flatMap(id -> Docker.containersOfWorker(id).stream()).toList();
        Docker.forceRemove(left);
        assertThat(left).as("containers left on the engine by workers " + workerIds).isEmpty();
    }
}
