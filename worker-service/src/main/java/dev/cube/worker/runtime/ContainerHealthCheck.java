package dev.cube.worker.runtime;

import dev.cube.events.spec.TaskSpec;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP health check of a task's container, resolved from its spec and kept in the container's
 * labels ({@link #PATH_LABEL}, {@link #PORT_LABEL}, {@link #INTERVAL_LABEL}) so that a worker that
 * restarts goes on checking without any state of its own.
 *
 * @param path          what to GET, starting with {@code /}
 * @param containerPort the container port to probe ({@code healthCheck.port}, else the task's first
 *                      port), or null when the task publishes none
 * @param interval      the time between two probes, and the grace before the first
 */
public record ContainerHealthCheck(String path, Integer containerPort, Duration interval) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    public static final String PATH_LABEL = "dev.cube.health-path";
    public static final String PORT_LABEL = "dev.cube.health-port";
    public static final String INTERVAL_LABEL = "dev.cube.health-interval";

    public ContainerHealthCheck {
        interval = interval == null || interval.isZero() || interval.isNegative() ? DEFAULT_INTERVAL : interval;
    }

    /** The health check {@code spec} asks for, if any. */
    public static Optional<ContainerHealthCheck> of(TaskSpec spec) {
        TaskSpec.HealthCheck check = spec.healthCheck();
        if (check == null || check.path() == null) {
            return Optional.empty();
        }
        Integer port = check.port() != null ? check.port()
                : spec.ports().stream().filter(p -> p != null && p.containerPort() != null)
                        .map(TaskSpec.PortMapping::containerPort).findFirst().orElse(null);
        Duration interval = check.intervalSeconds() == null ? null : Duration.ofSeconds(check.intervalSeconds());
        return Optional.of(new ContainerHealthCheck(check.path(), port, interval));
    }

    /** The health check written in a container's labels, if any. */
    public static Optional<ContainerHealthCheck> fromLabels(Map<String, String> labels) {
        String path = labels.get(PATH_LABEL);
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        Integer port = parse(labels.get(PORT_LABEL));
        Integer seconds = parse(labels.get(INTERVAL_LABEL));
        return Optional.of(new ContainerHealthCheck(path, port, seconds == null ? null : Duration.ofSeconds(seconds)));
    }

    /** The labels that carry this health check. */
    public Map<String, String> labels() {
        Map<String, String> labels = new HashMap<>();
        labels.put(PATH_LABEL, path);
        if (containerPort != null) {
            labels.put(PORT_LABEL, String.valueOf(containerPort));
        }
        labels.put(INTERVAL_LABEL, String.valueOf(Math.max(1, interval.toSeconds())));
        return labels;
    }

    private static Integer parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Integer.valueOf(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
