package dev.cube.manager.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.core.annotation.Nullable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** One record of a task's history: what folding it did, and the task's state right after. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "HistoryStep")
public record HistoryStepView(
        int partition,
        long offset,
        Instant logTime,
        @Nullable @Schema(implementation = Object.class, type = "object", description = "the CloudEvent, when the record is one") JsonNode event,
        @Schema(allowableValues = {"applied", "duplicate", "ignored", "rejected", "invalid", "misplaced", "unknown-start"}) String outcome,
        @Nullable @Schema(description = "why it was not applied") String reason,
        @Nullable TaskView state) {

    /** A task's history in log order. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "HistoryPage")
    public record Page(List<HistoryStepView> items) {
    }
}
