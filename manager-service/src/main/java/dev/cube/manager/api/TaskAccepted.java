package dev.cube.manager.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cube.events.state.TaskStatus;
import io.swagger.v3.oas.annotations.media.Schema;

/** The answer to a submission: the new task's id; its event is on the log. */
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "TaskAccepted")
public record TaskAccepted(@Schema(description = "the new task's id") String id, @Schema(description = "always Pending") TaskStatus state) {
}
