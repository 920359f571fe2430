package dev.cube.manager.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.wire.Json;
import dev.cube.manager.ManagerApplication;
import dev.cube.manager.scheduling.WorkerInfo;
import dev.cube.manager.scheduling.WorkerRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;

import java.time.Clock;
import java.time.Instant;

/** The workers the manager knows, from their heartbeats on {@code cube.workers}. */
@Controller("/api/v1/workers")
@Requires(property = ManagerApplication.ENABLED, value = "true")
public class WorkerController {

    private final WorkerRegistry registry;
    private final Clock clock;

    public WorkerController(WorkerRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    @Get
    public HttpResponse<String> list() throws JsonProcessingException {
        Instant now = clock.instant();
        ArrayNode items = Json.MAPPER.createArrayNode();
        registry.all().forEach(worker -> items.add(view(worker, now)));
        ObjectNode page = Json.MAPPER.createObjectNode();
        page.set("items", items);
        return TaskController.json(page);
    }

    @Get("/{id}")
    public HttpResponse<String> get(@PathVariable String id) throws JsonProcessingException {
        var worker = registry.get(id);
        if (worker.isEmpty()) {
            return Problem.notFound("no worker " + id);
        }
        return TaskController.json(view(worker.get(), clock.instant()));
    }

    private ObjectNode view(WorkerInfo worker, Instant now) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("id", worker.id());
        node.put("address", worker.address());
        node.set("capacity", Json.MAPPER.valueToTree(worker.capacity()));
        node.put("status", worker.status(now, registry.ttl()));
        node.put("startedAt", worker.startedAt() == null ? null : worker.startedAt().toString());
        node.put("lastSeen", worker.lastSeen().toString());
        return node;
    }
}
