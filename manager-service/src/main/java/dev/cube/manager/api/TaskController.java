package dev.cube.manager.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.spec.TaskSpecValidator;
import dev.cube.events.spec.Violation;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStatus;
import dev.cube.events.wire.CloudEventCodec;
import dev.cube.events.wire.InvalidEventException;
import dev.cube.events.wire.Json;
import dev.cube.events.wire.TaskSpecCodec;
import dev.cube.manager.EventPublisher;
import dev.cube.manager.ManagerApplication;
import dev.cube.manager.ManagerSettings;
import dev.cube.manager.history.Step;
import dev.cube.manager.history.TaskHistory;
import dev.cube.manager.read.ProjectionUnavailableException;
import dev.cube.manager.read.TaskPage;
import dev.cube.manager.read.TaskReads;
import io.micronaut.context.annotation.Requires;
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

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** The task API: writes append events to the log; reads come from the projection's store or the log itself. */
@Controller("/api/v1/tasks")
@Requires(property = ManagerApplication.ENABLED, value = "true")
@ExecuteOn(TaskExecutors.BLOCKING)
public class TaskController {

    static final String SOURCE = "/cube/api";
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final EventPublisher publisher;
    private final TaskReads projection;
    private final TaskHistory history;
    private final Clock clock;

    public TaskController(EventPublisher publisher, TaskReads projection, ManagerSettings settings, Clock clock) {
        this.publisher = publisher;
        this.projection = projection;
        this.history = new TaskHistory(settings.bootstrapServers());
        this.clock = clock;
    }

    @Post
    @Consumes({MediaType.APPLICATION_JSON, MediaType.ALL})
    public HttpResponse<String> submit(@Body byte[] body) throws JsonProcessingException {
        TaskSpec spec;
        try {
            spec = TaskSpecCodec.decode(body);
        } catch (InvalidEventException e) {
            return Problem.invalid("Invalid task spec", List.of(new Violation(e.field() == null ? "body" : e.field(), e.reason())));
        }
        List<Violation> violations = TaskSpecValidator.validate(spec, "");
        if (!violations.isEmpty()) {
            return Problem.invalid("Invalid task spec", violations);
        }
        String id = UUID.randomUUID().toString();
        publisher.append(CubeEvent.of(SOURCE, id, clock.instant(), new TaskEvent.Submitted(spec)));
        ObjectNode accepted = Json.MAPPER.createObjectNode().put("id", id).put("state", TaskStatus.Pending.name());
        return HttpResponse.accepted(URI.create("/api/v1/tasks/" + id))
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(Json.MAPPER.writeValueAsString(accepted));
    }

    @Get
    public HttpResponse<String> list(@QueryValue(defaultValue = "") String state,
                                     @QueryValue(defaultValue = "0") String offset,
                                     @QueryValue(defaultValue = "" + DEFAULT_LIMIT) String limit,
                                     @QueryValue(defaultValue = "") String asOf,
                                     @QueryValue(defaultValue = "false") String partial) throws JsonProcessingException {
        TaskStatus wanted = null;
        if (!state.isBlank()) {
            wanted = parseState(state);
            if (wanted == null) {
                return Problem.invalid("Invalid query", List.of(new Violation("state", "must be one of " + List.of(TaskStatus.values()))));
            }
        }
        Integer from = parseInt(offset, 0, Integer.MAX_VALUE);
        Integer size = parseInt(limit, 1, MAX_LIMIT);
        if (from == null) {
            return Problem.invalid("Invalid query", List.of(new Violation("offset", "must be a whole number, 0 or more")));
        }
        if (size == null) {
            return Problem.invalid("Invalid query", List.of(new Violation("limit", "must be a whole number from 1 to " + MAX_LIMIT)));
        }
        if (!partial.equals("true") && !partial.equals("false")) {
            return Problem.invalid("Invalid query", List.of(new Violation("partial", "must be true or false")));
        }
        if (!asOf.isBlank()) {
            Instant at = HistoryViews.parseInstant(asOf);
            if (at == null) {
                return invalidAsOf();
            }
            return json(page(TaskPage.of(history.allAsOf(at).values().iterator(), wanted, from, size), from, size));
        }
        return json(page(projection.list(wanted, from, size, partial.equals("true")), from, size));
    }

    private static ObjectNode page(TaskPage tasks, int from, int size) {
        ArrayNode items = Json.MAPPER.createArrayNode();
        tasks.items().forEach(task -> items.add(TaskViews.view(task)));
        ObjectNode page = Json.MAPPER.createObjectNode();
        page.set("items", items);
        if (tasks.more()) {
            page.put("nextOffset", from + size);
        } else {
            page.putNull("nextOffset");
        }
        page.put("total", tasks.total());
        page.put("partial", tasks.partial());
        if (tasks.partial()) {
            ArrayNode missing = page.putArray("unavailablePartitions");
            tasks.unavailablePartitions().forEach(missing::add);
        }
        return page;
    }

    @Get("/{id}")
    public HttpResponse<String> get(@PathVariable String id, @QueryValue(defaultValue = "") String asOf) throws JsonProcessingException {
        if (!asOf.isBlank()) {
            Instant at = HistoryViews.parseInstant(asOf);
            if (at == null) {
                return invalidAsOf();
            }
            Long first = projection.firstOffset(id).orElse(null);
            TaskState then = first == null ? null : history.asOf(id, first, at).map(TaskState::forReaders).orElse(null);
            return then == null ? Problem.notFound("no task " + id + " as of " + at) : json(TaskViews.view(then));
        }
        TaskState task = projection.task(id).orElse(null);
        return task == null ? Problem.notFound("no task " + id) : json(TaskViews.view(task));
    }

    @Get("/{id}/events")
    public HttpResponse<String> events(@PathVariable String id) throws JsonProcessingException {
        Long first = projection.firstOffset(id).orElse(null);
        if (first == null) {
            return Problem.notFound("no task " + id);
        }
        ArrayNode items = Json.MAPPER.createArrayNode();
        for (var step : history.of(id, first)) {
            ObjectNode item = Json.MAPPER.createObjectNode();
            item.put("partition", step.record().partition());
            item.put("offset", step.record().offset());
            item.put("logTime", step.record().logTime().toString());
            if (step.event() != null) {
                item.set("event", CloudEventCodec.toJson(step.event()));
            } else {
                item.put("invalid", step.reason());
            }
            items.add(item);
        }
        ObjectNode page = Json.MAPPER.createObjectNode();
        page.set("items", items);
        return json(page);
    }

    @Get("/{id}/history")
    public HttpResponse<String> history(@PathVariable String id) throws JsonProcessingException {
        Long first = projection.firstOffset(id).orElse(null);
        if (first == null) {
            return Problem.notFound("no task " + id);
        }
        ArrayNode items = Json.MAPPER.createArrayNode();
        for (Step step : history.of(id, first)) {
            items.add(HistoryViews.step(step));
        }
        ObjectNode page = Json.MAPPER.createObjectNode();
        page.set("items", items);
        return json(page);
    }

    private static HttpResponse<String> invalidAsOf() {
        return Problem.invalid("Invalid query", List.of(new Violation("asOf", "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z")));
    }

    @Delete("/{id}")
    public HttpResponse<String> stop(@PathVariable String id) throws JsonProcessingException {
        TaskState task = projection.task(id).orElse(null);
        if (task == null) {
            return Problem.notFound("no task " + id);
        }
        if (task.state() == TaskStatus.Completed || task.state() == TaskStatus.Stopped) {
            return Problem.conflict("task " + id + " is already " + task.state());
        }
        publisher.append(CubeEvent.of(SOURCE, id, clock.instant(), new TaskEvent.StopRequested("stop requested over HTTP")));
        ObjectNode accepted = Json.MAPPER.createObjectNode().put("id", id).put("desiredState", "Stopped");
        return HttpResponse.accepted(URI.create("/api/v1/tasks/" + id))
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(Json.MAPPER.writeValueAsString(accepted));
    }

    @Error(exception = ProjectionUnavailableException.class, global = true)
    public HttpResponse<String> projectionUnavailable(ProjectionUnavailableException e) {
        return Problem.unavailable(e.getMessage() + "; retry shortly", 1);
    }

    @Error(exception = EventPublisher.LogUnavailableException.class, global = true)
    public HttpResponse<String> logUnavailable(EventPublisher.LogUnavailableException e) {
        return Problem.unavailable(e.getMessage(), 5);
    }

    static HttpResponse<String> json(JsonNode node) throws JsonProcessingException {
        return HttpResponse.ok(Json.MAPPER.writeValueAsString(node)).contentType(MediaType.APPLICATION_JSON_TYPE);
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
