package dev.cube.worker.runtime;

import dev.cube.events.TaskEvent.PublishedPort;

import java.util.List;
import java.util.OptionalInt;

/**
 * A task container as the engine reports it.
 *
 * @param exitCode  the exit code once the container has exited, otherwise null
 * @param oomKilled whether the kernel killed it for exceeding its memory limit
 * @param ports     the ports the engine published for it, while it runs
 */
public record ContainerInfo(String id, String taskId, int attempt, ContainerStatus status, Integer exitCode,
                            boolean oomKilled, List<PublishedPort> ports) {

    public ContainerInfo {
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    /** The host port published for {@code containerPort}, if any. */
    public OptionalInt hostPort(int containerPort) {
        return ports.stream().filter(p -> p.containerPort() == containerPort)
                .mapToInt(PublishedPort::hostPort).findFirst();
    }
}
