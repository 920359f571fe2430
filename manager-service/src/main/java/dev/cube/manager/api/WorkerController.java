package dev.cube.manager.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.core.placement.Allocation;
import dev.cube.core.worker.WorkerState;
import dev.cube.events.CubeEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.wire.Json;
import dev.cube.manager.EventPublisher;
import dev.cube.manager.ManagerApplication;
import dev.cube.manager.read.WorkerReads;
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
import java.util.Comparator;
import java.util.Optional;

/** The workers, as the placement stage folded them from {@code cube.workers} and {@code cube.worker-admin}, and what it placed on them. */
@Controller("/api/v1/workers")
@Requires(property = ManagerApplication.ENABLED, value = "true")
@ExecuteOn(TaskExecutors.BLOCKING)
public class WorkerController {

    private final WorkerReads workers;
    private final EventPublisher publisher;
    private final Clock clock;

    public WorkerController(WorkerReads workers, EventPublisher publisher, Clock clock) {
        this.workers = workers;
        this.publisher = publisher;
        this.clock = clock;
    }

    @Get
    public HttpResponse<String> list() throws JsonProcessingException {
        ArrayNode items = Json.MAPPER.createArrayNode();
        workers.workers().stream()
                .filter(worker -> worker.state().liveness() != WorkerState.Liveness.UNSEEN)
                .sorted(Comparator.comparing(worker -> worker.state().id()))
                .forEach(worker -> items.add(view(worker)));
        ObjectNode page = Json.MAPPER.createObjectNode();
        page.set("items", items);
        return TaskController.json(page);
    }

    @Get("/{id}")
    public HttpResponse<String> get(@PathVariable String id) throws JsonProcessingException {
        Optional<WorkerReads.WorkerView> worker = known(id);
        return worker.isEmpty() ? Problem.notFound("no worker " + id) : TaskController.json(view(worker.get()));
    }

    /** Takes no new work to the worker and moves what runs there to other workers, until undrained. */
    @Post("/{id}/drain")
    public HttpResponse<String> drain(@PathVariable String id) throws JsonProcessingException {
        return admin(id, new WorkerEvent.Draining(id, "drain requested over HTTP"), "draining");
    }

    /** Lets a draining worker take work again. */
    @Post("/{id}/undrain")
    public HttpResponse<String> undrain(@PathVariable String id) throws JsonProcessingException {
        return admin(id, new WorkerEvent.Undrained(id, "undrain requested over HTTP"), "ready");
    }

    private HttpResponse<String> admin(String id, WorkerEvent request, String status) throws JsonProcessingException {
        if (known(id).isEmpty()) {
            return Problem.notFound("no worker " + id);
        }
        publisher.appendAdminEvent(CubeEvent.of(TaskController.SOURCE, id, clock.instant(), request));
        ObjectNode accepted = Json.MAPPER.createObjectNode().put("id", id).put("status", status);
        return HttpResponse.accepted(URI.create("/api/v1/workers/" + id))
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(Json.MAPPER.writeValueAsString(accepted));
    }

    private Optional<WorkerReads.WorkerView> known(String id) {
        return workers.worker(id).filter(worker -> worker.state().liveness() != WorkerState.Liveness.UNSEEN);
    }

    private static ObjectNode view(WorkerReads.WorkerView view) {
        WorkerState worker = view.state();
        Allocation held = view.allocation();
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("id", worker.id());
        node.put("address", worker.address());
        node.put("status", worker.status());
        node.put("draining", worker.draining());
        node.set("capacity", Json.MAPPER.valueToTree(worker.capacity()));
        node.set("allocated", Json.MAPPER.valueToTree(held.total()));
        ArrayNode tasks = node.putArray("tasks");
        held.taskIds().forEach(tasks::add);
        if (worker.stats() != null) {
            node.set("stats", Json.MAPPER.valueToTree(worker.stats()));
        }
        node.put("startedAt", worker.startedAt() == null ? null : worker.startedAt().toString());
        node.put("lastSeen", worker.lastSeen() == null ? null : worker.lastSeen().toString());
        if (worker.reason() != null) {
            node.put("reason", worker.reason());
        }
        return node;
    }
}
