package dev.cube.manager.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cube.events.TaskEvent;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.state.DesiredState;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStatus;
import io.micronaut.core.annotation.Nullable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The HTTP form of a task: its spec's fields plus what the log says of it. The spec's {@code ports}
 * stay what was requested; the ports the current attempt's container was published on are
 * {@code publishedPorts}, so that neither hides the other. Absent values are left out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Task", description = "A task: its spec's fields (ports as requested) plus what the log says of it")
public record TaskView(
        String id,
        @Nullable String name,
        String image,
        @Schema(description = "the command and its arguments; empty: the image's") List<String> command,
        Map<String, String> env,
        @Nullable @Schema(description = "cores") Double cpu,
        @Nullable @Schema(description = "MB; 0 is no limit") Long memory,
        @Nullable @Schema(description = "MB, used for placement") Long disk,
        @Schema(description = "the container ports as requested") List<TaskSpecRequest.Port> ports,
        TaskSpecRequest.RestartPolicy restartPolicy,
        @Nullable TaskSpecRequest.HealthCheck healthCheck,
        Map<String, String> labels,
        TaskStatus state,
        DesiredState desiredState,
        @Schema(description = "0 before the first placement, then one per placement") int attempt,
        @Nullable @Schema(description = "where the current attempt runs") String workerId,
        @Nullable String containerId,
        @Nullable @Schema(description = "the container's exit code, once it ended") Integer exitCode,
        @Nullable @Schema(description = "why the task is where it is (waiting for a worker, failure, stop)") String reason,
        @Nullable Instant submittedAt,
        @Nullable Instant scheduledAt,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt,
        @Nullable Instant updatedAt,
        @Schema(description = "how many events were folded") int eventCount,
        @Schema(description = "where the engine published the current attempt's container ports; empty until it runs")
        List<TaskEvent.PublishedPort> publishedPorts) {

    static TaskView of(TaskState task) {
        TaskSpec spec = task.spec();
        return new TaskView(task.id(), spec.name(), spec.image(), spec.command(), spec.env(), spec.cpu(), spec.memory(), spec.disk(),
                spec.ports().stream().map(TaskSpecRequest.Port::of).toList(), TaskSpecRequest.RestartPolicy.of(spec.restartPolicy()),
                TaskSpecRequest.HealthCheck.of(spec.healthCheck()), spec.labels(), task.state(), task.desiredState(), task.attempt(),
                task.workerId(), task.containerId(), task.exitCode(), task.reason(), task.submittedAt(), task.scheduledAt(),
                task.startedAt(), task.finishedAt(), task.updatedAt(), task.eventCount(), task.ports());
    }
}
