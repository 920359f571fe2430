package dev.cube.manager.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/**
 * A page of {@code GET /api/v1/events}: the events in log order and the cursor to go on from. The
 * controller writes this shape from what the feed reads; the record is its schema in the OpenAPI document.
 */
@Schema(name = "EventPage", requiredProperties = {"items", "next"})
public record EventPage(
        List<Item> items,
        @Schema(description = "the cursor to pass as from= for the next page (partition:offset of each partition read)") String next) {

    /** One event and where it is on the log. */
    @Schema(name = "EventPageItem", requiredProperties = {"cursor", "topic", "partition", "offset", "logTime", "event"})
    public record Item(
            @Schema(description = "the position after this event: from= (or Last-Event-ID) resumes after it") String cursor,
            String topic,
            int partition,
            long offset,
            @Schema(description = "the broker's timestamp") Instant logTime,
            @Schema(implementation = Object.class, type = "object", description = "the CloudEvent (structured JSON form)") JsonNode event) {
    }
}
