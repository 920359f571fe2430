package dev.cube.manager.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cube.events.state.DesiredState;
import io.swagger.v3.oas.annotations.media.Schema;

/** The answer to a stop request: its event is on the log. */
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "StopAccepted")
public record StopAccepted(String id, @Schema(description = "always Stopped") DesiredState desiredState) {
}
