package dev.cube.manager.api;

import dev.cube.core.worker.WorkerState;
import dev.cube.events.CubeEvent;
import dev.cube.events.WorkerEvent;
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
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.net.URI;
import java.time.Clock;
import java.util.Comparator;

/** The workers, as the placement stage folded them from {@code cube.workers} and {@code cube.worker-admin}, and what it placed on them. */
@Controller("/api/v1/workers")
@Requires(property = ManagerApplication.ENABLED, value = "true")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "workers")
@ApiResponse(responseCode = "401", description = "the API asks for a bearer token (cube.security.tokens is set) and the request has none, or one it does not know",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "403", description = "the token's role may not do this (viewer: reads; submitter: also submit and stop tasks; operator: everything)",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
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
    @Operation(operationId = "listWorkers", summary = "List workers", description = "In id order, as the placement stage folded them, in log time.")
    @ApiResponse(responseCode = "200", description = "the workers")
    @ApiResponse(responseCode = "503", description = "the store is starting, restoring or rebalancing; retry after Retry-After",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public WorkerView.Page list() {
        return new WorkerView.Page(workers.workers().stream()
                .filter(worker -> worker.state().liveness() != WorkerState.Liveness.UNSEEN)
                .sorted(Comparator.comparing(worker -> worker.state().id()))
                .map(WorkerView::of)
                .toList());
    }

    @Get("/{id}")
    @Operation(operationId = "getWorker", summary = "Get a worker")
    @ApiResponse(responseCode = "200", description = "the worker")
    @ApiResponse(responseCode = "404", description = "no such worker",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "the store is starting, restoring or rebalancing; retry after Retry-After",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public WorkerView get(@PathVariable String id) {
        return WorkerView.of(known(id));
    }

    /** Takes no new work to the worker and moves what runs there to other workers, until undrained. */
    @Post("/{id}/drain")
    @Operation(operationId = "drainWorker", summary = "Drain a worker", description = "Appends dev.cube.worker.draining to cube.worker-admin: the worker takes no new placements and each attempt it holds moves to another worker. It stands across the worker's restarts, until undrained.")
    @ApiResponse(responseCode = "202", description = "accepted: the worker is draining",
            headers = @Header(name = "Location", description = "/api/v1/workers/{id}", schema = @Schema(type = "string")),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WorkerView.Accepted.class)))
    @ApiResponse(responseCode = "404", description = "no such worker",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "the store is not available or the log did not acknowledge; retry after Retry-After",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public HttpResponse<WorkerView.Accepted> drain(@PathVariable String id) {
        return admin(id, new WorkerEvent.Draining(id, "drain requested over HTTP"), "draining");
    }

    /** Lets a draining worker take work again. */
    @Post("/{id}/undrain")
    @Operation(operationId = "undrainWorker", summary = "Undrain a worker", description = "Appends dev.cube.worker.undrained: a draining worker takes work again.")
    @ApiResponse(responseCode = "202", description = "accepted: the worker is ready",
            headers = @Header(name = "Location", description = "/api/v1/workers/{id}", schema = @Schema(type = "string")),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WorkerView.Accepted.class)))
    @ApiResponse(responseCode = "404", description = "no such worker",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "the store is not available or the log did not acknowledge; retry after Retry-After",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public HttpResponse<WorkerView.Accepted> undrain(@PathVariable String id) {
        return admin(id, new WorkerEvent.Undrained(id, "undrain requested over HTTP"), "ready");
    }

    private HttpResponse<WorkerView.Accepted> admin(String id, WorkerEvent request, String status) {
        known(id);
        publisher.appendAdminEvent(CubeEvent.of(TaskController.SOURCE, id, clock.instant(), request));
        return HttpResponse.accepted(URI.create("/api/v1/workers/" + id)).body(new WorkerView.Accepted(id, status));
    }

    private WorkerReads.WorkerView known(String id) {
        return workers.worker(id).filter(worker -> worker.state().liveness() != WorkerState.Liveness.UNSEEN)
                .orElseThrow(() -> ProblemException.notFound("no worker " + id));
    }
}
