package dev.cube.manager.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cube.events.spec.Violation;
import dev.cube.events.state.TaskStatus;
import dev.cube.events.wire.Json;
import dev.cube.manager.ManagerApplication;
import dev.cube.manager.api.Problem;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;

import java.util.List;

/**
 * The internal API between manager instances of one application id: what this instance's copies of the
 * store partitions hold, never forwarded further. {@code copy=active} (the default) answers from the
 * active copy only; {@code copy=any} also from a standby within {@code cube.manager.max-standby-lag}.
 * When this instance holds no such copy now, 503 with {@code Retry-After} (a problem, like the public
 * API's): the caller tries another copy. See docs/api.md, "Between managers". Not part of the public API,
 * so not in its OpenAPI document ({@link Hidden}): its shape follows Cube's version.
 */
@Hidden
@Controller(PeerController.BASE)
@Requires(property = ManagerApplication.ENABLED, value = "true")
@ExecuteOn(TaskExecutors.BLOCKING)
public class PeerController {

    static final String BASE = "/internal/v1";
    static final String TASK = "/task-partitions/{partition}/task";
    static final String TASKS = "/task-partitions/{partition}/tasks";
    static final String WORKERS = "/workers";
    static final String WORKER = "/worker";

    private final LocalStores stores;

    public PeerController(LocalStores stores) {
        this.stores = stores;
    }

    static String taskPath(int partition) {
        return BASE + TASK.replace("{partition}", String.valueOf(partition));
    }

    static String tasksPath(int partition) {
        return BASE + TASKS.replace("{partition}", String.valueOf(partition));
    }

    @Get(TASK)
    public HttpResponse<String> task(@PathVariable int partition, @QueryValue String id, @QueryValue(defaultValue = "active") String copy)
            throws JsonProcessingException {
        return json(stores.task(partition, id, Copy.parse(copy)));
    }

    @Get(TASKS)
    public HttpResponse<String> tasks(@PathVariable int partition, @QueryValue(defaultValue = "") String state,
                                      @QueryValue int wanted, @QueryValue(defaultValue = "active") String copy) throws JsonProcessingException {
        TaskStatus status = null;
        if (!state.isBlank()) {
            try {
                status = TaskStatus.valueOf(state);
            } catch (IllegalArgumentException e) {
                return invalid("state", "must be one of " + List.of(TaskStatus.values()));
            }
        }
        if (wanted < 0) {
            return invalid("wanted", "must be 0 or more");
        }
        return json(stores.slice(partition, status, wanted, Copy.parse(copy)));
    }

    @Get(WORKERS)
    public HttpResponse<String> workers(@QueryValue(defaultValue = "active") String copy) throws JsonProcessingException {
        return json(new PeerAnswers.WorkersAnswer(stores.workers(Copy.parse(copy))));
    }

    @Get(WORKER)
    public HttpResponse<String> worker(@QueryValue String id, @QueryValue(defaultValue = "active") String copy) throws JsonProcessingException {
        return json(new PeerAnswers.WorkerAnswer(stores.worker(id, Copy.parse(copy)).orElse(null)));
    }

    @Error(exception = NotHeldHereException.class)
    public HttpResponse<String> notHeld(NotHeldHereException e) {
        return Problem.unavailable(e.getMessage(), 1);
    }

    @Error(exception = IllegalArgumentException.class)
    public HttpResponse<String> invalid(IllegalArgumentException e) {
        return invalid("copy", "must be 'active' or 'any'");
    }

    private static HttpResponse<String> invalid(String field, String message) {
        Problem problem = Problem.of(HttpStatus.BAD_REQUEST, field + ": " + message, List.of(new Violation(field, message)));
        return HttpResponse.<String>status(HttpStatus.BAD_REQUEST).contentType(Problem.MEDIA_TYPE).body(problem.toJson());
    }

    private static HttpResponse<String> json(Object answer) throws JsonProcessingException {
        return HttpResponse.ok(Json.MAPPER.writeValueAsString(answer)).contentType(MediaType.APPLICATION_JSON_TYPE);
    }
}
