package dev.cube.worker.runtime;

import dev.cube.events.spec.TaskSpec;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where a worker runs task containers. Each container is labelled with the task id, the attempt,
 * the id of the worker that owns it and its health check ({@link ContainerHealthCheck}), so the
 * runtime itself is the worker's memory: a worker that restarts finds its containers here.
 *
 * <p>Implementations are safe for use by several threads. Every method may throw
 * {@link EngineUnavailableException} when the engine does not answer, and
 * {@link ContainerRuntimeException} when it refuses a request. {@link #close()} releases the
 * connection to the engine; containers keep running.
 */
public interface ContainerRuntime extends AutoCloseable {

    /** The label holding the task id. */
    String TASK_ID_LABEL = "dev.cube.task-id";
    /** The label holding the attempt number. */
    String ATTEMPT_LABEL = "dev.cube.attempt";
    /** The label holding the id of the worker that created the container. */
    String WORKER_ID_LABEL = "dev.cube.worker-id";

    /** The container of {@code attempt} of {@code taskId}, in whatever state, if there is one. */
    Optional<ContainerInfo> find(String taskId, int attempt);

    /** Every container, running or not, that worker {@code workerId} created and has not removed. */
    List<ContainerInfo> listOwnedBy(String workerId);

    /**
     * Makes sure the container of {@code attempt} of {@code taskId} runs: creates and starts it,
     * starts it if it exists but was only created, or leaves it alone if it runs or has exited.
     * Calling this twice for the same attempt gives one container. The image is pulled only when
     * the engine does not have it.
     *
     * @return the container as it is after the call, with its published ports
     * @throws ImageUnavailableException when the image is absent and cannot be pulled
     */
    ContainerInfo start(String workerId, String taskId, int attempt, TaskSpec spec);

    /** The container with this id, or empty if there is none. */
    Optional<ContainerInfo> inspect(String containerId);

    /**
     * Stops the container (SIGTERM, then SIGKILL after {@code grace}) without removing it.
     *
     * @return the container as it is after the stop, with its exit code; empty if there is none
     */
    Optional<ContainerInfo> stop(String containerId, Duration grace);

    /**
     * Stops the container (SIGTERM, then SIGKILL after {@code grace}) and removes it. Does nothing
     * for a container that does not exist.
     */
    void stopAndRemove(String containerId, Duration grace);

    /**
     * Follows what the container writes on stdout and stderr, in the engine's order: the lines it kept
     * from {@code since} on (every line when null; the engine may start up to a second earlier) and then
     * each new line, until the container has stopped. Returns at once; {@code listener} is called from
     * elsewhere (see {@link OutputListener}). Closing the returned handle stops following; the listener
     * may then hear nothing more, not even {@link OutputListener#ended}.
     */
    AutoCloseable followOutput(String containerId, Instant since, OutputListener listener);

    @Override
    void close();
}
