package dev.cube.events.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import java.util.Map;

/**
 * What a user asks Cube to run. Units: {@code cpu} in cores, {@code memory} and {@code disk} in
 * megabytes (MB = 1024 * 1024 bytes). Absent collections are read as empty.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskSpec(
        String name,
        String image,
        List<String> command,
        Map<String, String> env,
        Double cpu,
        Long memory,
        Long disk,
        List<PortMapping> ports,
        RestartPolicy restartPolicy,
        HealthCheck healthCheck,
        Map<String, String> labels) {

    public TaskSpec {
        // Copies keep null elements so that the validator can name them instead of failing here.
        command = command == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(command));
        env = env == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(env));
        ports = ports == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(ports));
        labels = labels == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(labels));
        restartPolicy = restartPolicy == null ? RestartPolicy.NEVER : restartPolicy;
    }

    public static TaskSpec of(String name, String image, List<String> command) {
        return new TaskSpec(name, image, command, null, null, null, null, null, null, null, null);
    }

    public double cpuOrZero() {
        return cpu == null ? 0 : cpu;
    }

    public long memoryOrZero() {
        return memory == null ? 0 : memory;
    }

    public long diskOrZero() {
        return disk == null ? 0 : disk;
    }

    /** What the task needs of a worker (absent amounts are zero). */
    public Resources resources() {
        return new Resources(cpuOrZero(), memoryOrZero(), diskOrZero());
    }

    /** A container port, published on {@code hostPort} or, when that is absent, on a port the engine picks. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PortMapping(Integer containerPort, Integer hostPort, String protocol) {
        public PortMapping {
            protocol = protocol == null ? "tcp" : protocol;
        }
    }

    /** What to do when a task's container exits or fails its health check. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RestartPolicy(Mode mode, Integer maxRestarts, Integer backoffSeconds) {
        public static final int DEFAULT_MAX_RESTARTS = 3;
        public static final RestartPolicy NEVER = new RestartPolicy(Mode.NEVER, 0, null);

        public RestartPolicy {
            mode = mode == null ? Mode.NEVER : mode;
            maxRestarts = maxRestarts == null ? (mode == Mode.NEVER ? 0 : DEFAULT_MAX_RESTARTS) : maxRestarts;
        }

        public enum Mode {
            @JsonProperty("never") NEVER,
            @JsonProperty("on-failure") ON_FAILURE,
            @JsonProperty("always") ALWAYS
        }
    }

    /** An HTTP GET on {@code path} at container port {@code port}: anything but 200 is unhealthy. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HealthCheck(String path, Integer port, Integer intervalSeconds) {
    }
}
