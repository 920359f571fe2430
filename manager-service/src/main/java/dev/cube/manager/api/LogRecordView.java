package dev.cube.manager.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.core.annotation.Nullable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** One record of a task on {@code cube.task-events}: where it is, the broker's time, and the CloudEvent (or why it is none). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "LogRecord")
public record LogRecordView(
        int partition,
        long offset,
        @Schema(description = "the broker's timestamp (event.time is the producer's claim)") Instant logTime,
        @Nullable @Schema(implementation = Object.class, type = "object",
                description = "the CloudEvent (structured JSON form), extension attributes at the top level") JsonNode event,
        @Nullable @Schema(description = "why the record is not a usable event, when it is not") String invalid) {

    /** A task's records in log order. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "LogRecordPage")
    public record Page(List<LogRecordView> items) {
    }
}
