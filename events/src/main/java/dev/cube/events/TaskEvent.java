package dev.cube.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cube.events.spec.TaskSpec;

import java.util.List;

/** Everything that can happen to a task. Keyed by task id on {@code cube.task-events}. */
public sealed interface TaskEvent extends EventData {

    /** An event in which a worker (or the scheduler) reports on one attempt of the task. */
    sealed interface AttemptReport extends TaskEvent {
        int attempt();
    }

    /** A user asked for the task to run. */
    record Submitted(TaskSpec spec) implements TaskEvent {
    }

    /** The scheduler placed {@code attempt} on a worker. Attempt 1 is the first run; each restart adds one. */
    record Scheduled(String workerId, int attempt) implements TaskEvent {
    }

    /** The scheduler could not place the task yet; it stays Pending and says why. */
    record Unplaced(String reason) implements TaskEvent {
    }

    /** The worker started the task's container. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Running(String workerId, int attempt, String containerId, List<PublishedPort> ports) implements AttemptReport {
        public Running {
            ports = ports == null ? List.of() : List.copyOf(ports);
        }
    }

    /** The container exited with code 0. */
    record Completed(int attempt, int exitCode) implements AttemptReport {
    }

    /** The attempt failed: a non-zero exit, an OOM kill, an image that cannot be had, a failed health check. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Failed(int attempt, Integer exitCode, String reason, boolean oomKilled) implements AttemptReport {
    }

    /** A user asked for the task to stop. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StopRequested(String reason) implements TaskEvent {
    }

    /** The worker stopped and removed the attempt's container. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Stopped(int attempt, String reason) implements AttemptReport {
    }

    /** The worker running the attempt was declared lost. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Lost(String workerId, int attempt, String reason) implements AttemptReport {
    }

    /** A container port and the host port the engine published it on. */
    record PublishedPort(int containerPort, int hostPort, String hostIp) {
    }
}
