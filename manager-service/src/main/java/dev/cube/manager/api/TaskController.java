package dev.cube.manager.api;

import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.spec.TaskSpecValidator;
import dev.cube.events.spec.Violation;
import dev.cube.events.state.DesiredState;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStatus;
import dev.cube.events.wire.CloudEventCodec;
import dev.cube.events.wire.InvalidEventException;
import dev.cube.events.wire.TaskSpecCodec;
import dev.cube.manager.EventPublisher;
import dev.cube.manager.ManagerApplication;
import dev.cube.manager.cluster.LocalStores;
import dev.cube.manager.cluster.NotHeldHereException;
import dev.cube.manager.history.AsOfReads;
import dev.cube.manager.history.Step;
import dev.cube.manager.history.TaskHistory;
import dev.cube.manager.read.ProjectionUnavailableException;
import dev.cube.manager.read.TaskReads;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.annotation.PreDestroy;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The task API: writes append events to the log; reads come from the projection's store or the log
 * itself. Answers are typed ({@link TaskView}, {@link TaskPage}, ...): the OpenAPI document is generated
 * from them; refusals are {@link Problem}s.
 */
@Controller("/api/v1/tasks")
@Requires(property = ManagerApplication.ENABLED, value = "true")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "tasks")
@ApiResponse(responseCode = "401", description = "the API asks for a bearer token (cube.security.tokens is set) and the request has none, or one it does not know",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "403", description = "the token's role may not do this (viewer: reads; submitter: also submit and stop tasks; operator: everything)",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class TaskController {

    static final String SOURCE = "/cube/api";
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final EventPublisher publisher;
    private final TaskReads projection;
    private final TaskHistory history;
    private final AsOfReads asOfReads;
    private final Clock clock;

    public TaskController(EventPublisher publisher, TaskReads projection, LocalStores local, dev.cube.kafka.KafkaClientConfig kafka,
                          dev.cube.events.origin.OriginCheck origins, Clock clock) {
        this.publisher = publisher;
        this.projection = projection;
        this.history = new TaskHistory(kafka, origins);
        this.asOfReads = new AsOfReads(kafka, origins, projection, (partition, sink) -> {
            try {
                local.foldedOf(partition, sink);
                return true;
            } catch (NotHeldHereException e) {
                return false;
            }
        });
        this.clock = clock;
    }

    @PreDestroy
    void close() {
        asOfReads.close();
    }

    @Post
    @Consumes({MediaType.APPLICATION_JSON, MediaType.ALL})
    @Operation(operationId = "submitTask", summary = "Submit a task", description = "Appends dev.cube.task.submitted; the event is on the log when the answer is sent. Unknown fields are refused.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TaskSpecRequest.class)))
    @ApiResponse(responseCode = "202", description = "accepted: the task is Pending",
            headers = @Header(name = "Location", description = "/api/v1/tasks/{id}", schema = @Schema(type = "string")),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TaskAccepted.class)))
    @ApiResponse(responseCode = "400", description = "the spec is invalid; errors[].field names each offending field",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "the log did not acknowledge the event; retry after Retry-After",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public HttpResponse<TaskAccepted> submit(@Body byte[] body) {
        TaskSpec spec;
        try {
            spec = TaskSpecCodec.decode(body);
        } catch (InvalidEventException e) {
            throw ProblemException.invalid("Invalid task spec", List.of(new Violation(e.field() == null ? "body" : e.field(), e.reason())));
        }
        List<Violation> violations = TaskSpecValidator.validate(spec, "");
        if (!violations.isEmpty()) {
            throw ProblemException.invalid("Invalid task spec", violations);
        }
        String id = UUID.randomUUID().toString();
        publisher.append(CubeEvent.of(SOURCE, id, clock.instant(), new TaskEvent.Submitted(spec)));
        return HttpResponse.accepted(URI.create("/api/v1/tasks/" + id)).body(new TaskAccepted(id, TaskStatus.Pending));
    }

    @Get
    @Operation(operationId = "listTasks", summary = "List tasks",
            description = "In task-id order across every partition, whichever manager instance holds it, with how many match in all; "
                    + "with asOf, as they were at that instant, folded from the log.")
    @ApiResponse(responseCode = "200", description = "a page of tasks (partial only when asked for with partial=true)")
    @ApiResponse(responseCode = "400", description = "a query parameter is invalid (errors[].field names it)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "the store is starting, restoring or rebalancing, or no instance can answer for some "
            + "partition (and partial is not true); retry after Retry-After",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public TaskPage list(
            @Parameter(description = "only tasks in this observed state, in any letter case") @QueryValue @Nullable String state,
            @Parameter(description = "skip this many matching tasks", schema = @Schema(type = "integer", minimum = "0", defaultValue = "0"))
            @QueryValue @Nullable String offset,
            @Parameter(description = "at most this many tasks", schema = @Schema(type = "integer", minimum = "1", maximum = "" + MAX_LIMIT,
                    defaultValue = "" + DEFAULT_LIMIT)) @QueryValue @Nullable String limit,
            @Parameter(description = "an ISO-8601 instant: the tasks as they were then", schema = @Schema(type = "string", format = "date-time"))
            @QueryValue @Nullable String asOf,
            @Parameter(description = "true: when some partition has no instance that can answer, the tasks of the others, "
                    + "saying which partitions are missing, instead of a 503", schema = @Schema(type = "boolean", defaultValue = "false"))
            @QueryValue @Nullable String partial) {
        TaskStatus wanted = null;
        if (state != null && !state.isBlank()) {
            wanted = parseState(state);
            if (wanted == null) {
                throw ProblemException.invalidQuery("state", "must be one of " + List.of(TaskStatus.values()));
            }
        }
        Integer from = parseInt(offset == null ? "0" : offset, 0, Integer.MAX_VALUE);
        Integer size = parseInt(limit == null ? "" + DEFAULT_LIMIT : limit, 1, MAX_LIMIT);
        if (from == null) {
            throw ProblemException.invalidQuery("offset", "must be a whole number, 0 or more");
        }
        if (size == null) {
            throw ProblemException.invalidQuery("limit", "must be a whole number from 1 to " + MAX_LIMIT);
        }
        boolean partialOk = partial != null && partial.strip().equalsIgnoreCase("true");
        if (partial != null && !partialOk && !partial.isBlank() && !partial.strip().equalsIgnoreCase("false")) {
            throw ProblemException.invalidQuery("partial", "must be true or false");
        }
        if (asOf != null && !asOf.isBlank()) {
            return TaskPage.of(asOfReads.all(instant(asOf)).values().iterator(), wanted, from, size);
        }
        return TaskPage.of(projection.list(wanted, from, size, partialOk), from, size);
    }

    @Get("/{id}")
    @Operation(operationId = "getTask", summary = "Get a task", description = "From the projection's store; with asOf, as it was at that instant, folded from its partition of the log.")
    @ApiResponse(responseCode = "200", description = "the task")
    @ApiResponse(responseCode = "400", description = "asOf is not an ISO-8601 instant",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "no such task (or none yet at asOf)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "the store is starting, restoring or rebalancing; retry after Retry-After",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public TaskView get(@PathVariable String id,
                        @Parameter(description = "an ISO-8601 instant: the task as it was then", schema = @Schema(type = "string", format = "date-time"))
                        @QueryValue @Nullable String asOf) {
        if (asOf != null && !asOf.isBlank()) {
            Instant at = instant(asOf);
            TaskState then = asOfReads.task(id, at).orElse(null);
            if (then == null) {
                throw ProblemException.notFound("no task " + id + " as of " + at);
            }
            return TaskView.of(then);
        }
        return TaskView.of(projection.task(id).orElseThrow(() -> ProblemException.notFound("no task " + id)));
    }

    @Get("/{id}/events")
    @Operation(operationId = "getTaskEvents", summary = "A task's records on the log", description = "In log order, refused records included (see cube.dead-letters for why).")
    @ApiResponse(responseCode = "200", description = "the task's records")
    @ApiResponse(responseCode = "404", description = "no such task",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "the store is starting, restoring or rebalancing; retry after Retry-After",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public LogRecordView.Page events(@PathVariable String id) {
        long first = projection.firstOffset(id).orElseThrow(() -> ProblemException.notFound("no task " + id));
        List<LogRecordView> items = new ArrayList<>();
        for (Step step : history.of(id, first)) {
            items.add(new LogRecordView(step.record().partition(), step.record().offset(), step.record().logTime(),
                    step.event() == null ? null : CloudEventCodec.toJson(step.event()), step.event() == null ? step.reason() : null));
        }
        return new LogRecordView.Page(items);
    }

    @Get("/{id}/history")
    @Operation(operationId = "getTaskHistory", summary = "A task's history", description = "Each record of the task in log order, what folding it did, and the task's state right after.")
    @ApiResponse(responseCode = "200", description = "the task's history")
    @ApiResponse(responseCode = "404", description = "no such task",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "the store is starting, restoring or rebalancing; retry after Retry-After",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public HistoryStepView.Page history(@PathVariable String id) {
        long first = projection.firstOffset(id).orElseThrow(() -> ProblemException.notFound("no task " + id));
        List<HistoryStepView> items = new ArrayList<>();
        for (Step step : history.of(id, first)) {
            items.add(HistoryViews.step(step));
        }
        return new HistoryStepView.Page(items);
    }

    @Delete("/{id}")
    @Operation(operationId = "stopTask", summary = "Stop a task", description = "Appends dev.cube.task.stop-requested. A task not on a worker is Stopped at once; one on a worker once the worker has stopped and removed its container.")
    @ApiResponse(responseCode = "202", description = "accepted: the task's desired state is Stopped",
            headers = @Header(name = "Location", description = "/api/v1/tasks/{id}", schema = @Schema(type = "string")),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StopAccepted.class)))
    @ApiResponse(responseCode = "404", description = "no such task",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "the task is already Completed or Stopped",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "the store is not available or the log did not acknowledge; retry after Retry-After",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public HttpResponse<StopAccepted> stop(@PathVariable String id) {
        TaskState task = projection.task(id).orElseThrow(() -> ProblemException.notFound("no task " + id));
        if (task.state() == TaskStatus.Completed || task.state() == TaskStatus.Stopped) {
            throw ProblemException.conflict("task " + id + " is already " + task.state());
        }
        publisher.append(CubeEvent.of(SOURCE, id, clock.instant(), new TaskEvent.StopRequested("stop requested over HTTP")));
        return HttpResponse.accepted(URI.create("/api/v1/tasks/" + id)).body(new StopAccepted(id, DesiredState.Stopped));
    }

    @Error(exception = ProblemException.class, global = true)
    public HttpResponse<String> refused(ProblemException e) {
        return Problem.respond(e.problem());
    }

    @Error(exception = ProjectionUnavailableException.class, global = true)
    public HttpResponse<String> projectionUnavailable(ProjectionUnavailableException e) {
        return Problem.unavailable(e.getMessage() + "; retry shortly", 1);
    }

    @Error(exception = EventPublisher.LogUnavailableException.class, global = true)
    public HttpResponse<String> logUnavailable(EventPublisher.LogUnavailableException e) {
        return Problem.unavailable(e.getMessage(), 5);
    }

    private static Instant instant(String asOf) {
        Instant at = HistoryViews.parseInstant(asOf);
        if (at == null) {
            throw ProblemException.invalidQuery("asOf", "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
        return at;
    }

    private static TaskStatus parseState(String text) {
        for (TaskStatus status : TaskStatus.values()) {
            if (status.name().toLowerCase(Locale.ROOT).equals(text.toLowerCase(Locale.ROOT))) {
                return status;
            }
        }
        return null;
    }

    private static Integer parseInt(String text, int min, int max) {
        try {
            int value = Integer.parseInt(text.trim());
            return value < min || value > max ? null : value;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
