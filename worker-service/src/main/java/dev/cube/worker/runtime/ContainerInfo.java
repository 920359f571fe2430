package dev.cube.worker.runtime;

import dev.cube.events.TaskEvent.PublishedPort;

import java.util.List;
import java.util.OptionalInt;

/**
 * A task container as the engine reports it.
 *
 * @param exitCode    the exit code once the container has exited, otherwise null
 * @param oomKilled   whether the kernel killed it for exceeding its memory limit
 * @param ports       the ports the engine published for it, while it runs
 * @param healthCheck the HTTP health check its labels carry, or null
 * @param unhealthy   whether the engine's own health check (the image's {@code HEALTHCHECK})
 *                    reports it unhealthy
 */
public record ContainerInfo(String id, String taskId, int attempt, ContainerStatus status, Integer exitCode,
                            boolean oomKilled, List<PublishedPort> ports, ContainerHealthCheck healthCheck,
                            boolean unhealthy) {

    public ContainerInfo {
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    /** A container without health checks. */
    public ContainerInfo(String id, String taskId, int attempt, ContainerStatus status, Integer exitCode,
                         boolean oomKilled, List<PublishedPort> ports) {
        this(id, taskId, attempt, status, exitCode, oomKilled, ports, null, false);
    }

    /** The host port published for {@code containerPort}, if any. */
    public OptionalInt hostPort(int containerPort) {
        return ports.stream().filter(p -> p.containerPort() == containerPort)
                .mapToInt(PublishedPort::hostPort).findFirst();
    }
}
