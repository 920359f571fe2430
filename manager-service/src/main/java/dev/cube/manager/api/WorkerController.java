package dev.cube.manager.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.CubeEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.wire.Json;
import dev.cube.manager.EventPublisher;
import dev.cube.manager.ManagerApplication;
import dev.cube.manager.projection.ProjectionRunner;
import dev.cube.manager.scheduling.Allocation;
import dev.cube.manager.scheduling.WorkerInfo;
import dev.cube.manager.scheduling.WorkerRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;

/** The workers: what their heartbeats on {@code cube.workers} say, and what the scheduler placed on them. */
@Controller("/api/v1/workers")
@Requires(property = ManagerApplication.ENABLED, value = "true")
@ExecuteOn(TaskExecutors.BLOCKING)
public class WorkerController {

    private final WorkerRegistry registry;
    private final ProjectionRunner projection;
    private final EventPublisher publisher;
    private final Clock clock;

    public WorkerController(WorkerRegistry registry, ProjectionRunner projection, EventPublisher publisher, Clock clock) {
        this.registry = registry;
        this.projection = projection;
        this.publisher = publisher;
        this.clock = clock;
    }

    @Get
    public HttpResponse<String> list() throws JsonProcessingException {
        Instant now = clock.instant();
        ArrayNode items = Json.MAPPER.createArrayNode();
        var allocations = projection.allocations();
        registry.all().forEach(worker -> items.add(view(worker, allocations.get(worker.id()), now)));
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
        return TaskController.json(view(worker.get(), projection.allocations().get(id), clock.instant()));
    }

    /** Takes no new work on the worker and moves what runs there to other workers. */
    @Post("/{id}/drain")
    public HttpResponse<String> drain(@PathVariable String id) throws JsonProcessingException {
        if (registry.get(id).isEmpty()) {
            return Problem.notFound("no worker " + id);
        }
        publisher.appendWorkerEvent(CubeEvent.of(TaskController.SOURCE, id, clock.instant(), new WorkerEvent.Draining(id, "drain requested over HTTP")));
        ObjectNode accepted = Json.MAPPER.createObjectNode().put("id", id).put("status", "draining");
        return HttpResponse.accepted(URI.create("/api/v1/workers/" + id))
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(Json.MAPPER.writeValueAsString(accepted));
    }

    private ObjectNode view(WorkerInfo worker, Allocation allocation, Instant now) {
        Allocation held = allocation == null ? Allocation.EMPTY : allocation;
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("id", worker.id());
        node.put("address", worker.address());
        node.put("status", worker.status(now, registry.ttl()));
        node.set("capacity", Json.MAPPER.valueToTree(worker.capacity()));
        node.set("allocated", Json.MAPPER.valueToTree(held.total()));
        ArrayNode tasks = node.putArray("tasks");
        held.attempts().keySet().forEach(tasks::add);
        if (worker.stats() != null) {
            node.set("stats", Json.MAPPER.valueToTree(worker.stats()));
        }
        node.put("startedAt", worker.startedAt() == null ? null : worker.startedAt().toString());
        node.put("lastSeen", worker.lastSeen().toString());
        return node;
    }
}
