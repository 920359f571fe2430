package dev.cube.manager.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/** A page of tasks in id order; {@code nextOffset} is the {@code offset} of the next page, null on the last one. */
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "TaskPage")
public record TaskPage(
        List<TaskView> items,
        @Nullable @Schema(description = "pass it as offset for the next page; null on the last page") Integer nextOffset) {
}
