package dev.cube.manager.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cube.core.placement.Allocation;
import dev.cube.core.worker.WorkerState;
import dev.cube.events.WorkerEvent;
import dev.cube.events.spec.Resources;
import dev.cube.manager.read.WorkerReads;
import io.micronaut.core.annotation.Nullable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** A worker as the placement stage folded it from {@code cube.workers} and {@code cube.worker-admin}, and what it placed there. */
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "Worker")
public record WorkerView(
        String id,
        @Schema(description = "where its published ports are reachable", nullable = true) String address,
        @Schema(description = "ready, or draining (an operator's drain stands), or engine-unreachable (live, not draining, but its last heartbeat"
                + " said its container engine does not answer: it takes no new work, its tasks stay), left or lost",
                allowableValues = {"ready", "draining", "engine-unreachable", "left", "lost"}) String status,
        @Schema(description = "whether an operator's drain stands") boolean draining,
        @Nullable WorkerEvent.Capacity capacity,
        Resources allocated,
        @Schema(description = "the tasks with an attempt that holds resources there") List<String> tasks,
        @Nullable @JsonInclude(JsonInclude.Include.NON_NULL) WorkerEvent.Stats stats,
        @Schema(description = "when the worker process started", nullable = true) Instant startedAt,
        @Schema(description = "the log time (the broker's) of its last heartbeat", nullable = true) Instant lastSeen,
        @Nullable @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "why it left or was lost") String reason,
        @Schema(description = "what its last heartbeat said of its container engine") Engine engine) {

    private static final Engine ANSWERS = new Engine(true, null, null);

    static WorkerView of(WorkerReads.WorkerView view) {
        WorkerState worker = view.state();
        Allocation held = view.allocation();
        return new WorkerView(worker.id(), worker.address(), worker.status(), worker.draining(), worker.capacity(), held.total(),
                List.copyOf(held.taskIds()), worker.stats(), worker.startedAt(), worker.lastSeen(), worker.reason(),
                worker.engineAnswers() ? ANSWERS : new Engine(false, worker.engine().since(), worker.engine().reason()));
    }

    /** Whether the worker's container engine answers, as its last heartbeat said; since when and why not, when it does not. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(requiredProperties = {"answers"})
    public record Engine(
            @Schema(description = "false: the worker takes no new work until a heartbeat says it answers; what it runs stays") boolean answers,
            @Nullable @Schema(description = "when the worker first found it not answering (the worker's clock)", nullable = true) Instant since,
            @Nullable @Schema(description = "what the worker saw", nullable = true) String reason) {
    }

    /** The workers in id order. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "WorkerPage")
    public record Page(List<WorkerView> items) {
    }

    /** The answer to a drain or undrain: its event is on {@code cube.worker-admin}. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "WorkerAccepted")
    public record Accepted(String id, @Schema(allowableValues = {"draining", "ready"}) String status) {
    }
}
