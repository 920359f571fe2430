package dev.cube.manager.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cube.events.spec.TaskSpec;
import io.micronaut.core.annotation.Nullable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/tasks} as the API documents it: the fields of {@link TaskSpec}, with
 * their rules. The controller reads the body with the contract's own strict codec ({@code TaskSpecCodec}),
 * which refuses unknown fields and names each offending one; the nested records are also how a task's
 * spec fields are answered ({@link TaskView}).
 */
@Schema(name = "TaskSpec", description = "What to run. Unknown fields are refused.", additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
public record TaskSpecRequest(
        @Nullable @Schema(description = "letters, digits, _ . -; at most 128") String name,
        @Schema(description = "a Docker image reference (cube/busybox:local, registry:5000/team/app:1.2, app@sha256:...)") String image,
        @Nullable @Schema(description = "at most 256 arguments; absent: the image's") List<String> command,
        @Nullable Map<String, String> env,
        @Nullable @Schema(description = "cores, 0 to 1024; the container's NanoCPUs") Double cpu,
        @Nullable @Schema(description = "MB: 0 (no limit) or at least 6") Long memory,
        @Nullable @Schema(description = "MB, at least 0; used for placement") Long disk,
        @Nullable @Schema(description = "container ports to publish") List<Port> ports,
        @Nullable RestartPolicy restartPolicy,
        @Nullable HealthCheck healthCheck,
        @Nullable @Schema(description = "keys starting with dev.cube. are reserved") Map<String, String> labels) {

    /** A container port, published on {@code hostPort} or, without one, on a port the engine picks. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "PortMapping", additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
    public record Port(
            @Schema(description = "1-65535") int containerPort,
            @Nullable @Schema(description = "1-65535; absent: the engine picks one") Integer hostPort,
            @Nullable @Schema(allowableValues = {"tcp", "udp"}, defaultValue = "tcp") String protocol) {

        static Port of(TaskSpec.PortMapping port) {
            return new Port(port.containerPort() == null ? 0 : port.containerPort(), port.hostPort(), port.protocol());
        }
    }

    /** What to do when an attempt ends or fails its health check. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "RestartPolicy", additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
    public record RestartPolicy(
            @Schema(allowableValues = {"never", "on-failure", "always"}, defaultValue = "never") String mode,
            @Nullable @Schema(description = "0-100; default 3 unless never") Integer maxRestarts,
            @Nullable @Schema(description = "the first backoff; each restart doubles it, capped at 5 min") Integer backoffSeconds) {

        static RestartPolicy of(TaskSpec.RestartPolicy policy) {
            String mode = switch (policy.mode()) {
                case NEVER -> "never";
                case ON_FAILURE -> "on-failure";
                case ALWAYS -> "always";
            };
            return new RestartPolicy(mode, policy.maxRestarts(), policy.backoffSeconds());
        }
    }

    /** An HTTP GET on {@code path} at container port {@code port}: anything but 200 is unhealthy. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "HealthCheck", additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
    public record HealthCheck(
            @Schema(description = "starts with /") String path,
            @Nullable Integer port,
            @Nullable Integer intervalSeconds) {

        static HealthCheck of(TaskSpec.HealthCheck check) {
            return check == null ? null : new HealthCheck(check.path(), check.port(), check.intervalSeconds());
        }
    }
}
