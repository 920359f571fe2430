package dev.cube.manager.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.wire.CloudEventCodec;
import dev.cube.events.wire.Json;
import dev.cube.manager.history.Outcome;
import dev.cube.manager.history.Step;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** The HTTP form of a task's history: one item per record of the log, with what the fold made of it. */
final class HistoryViews {

    private HistoryViews() {
    }

    static ObjectNode step(Step step) {
        ObjectNode item = Json.MAPPER.createObjectNode();
        item.put("partition", step.record().partition());
        item.put("offset", step.record().offset());
        item.put("logTime", step.record().logTime().toString());
        if (step.event() != null) {
            item.set("event", CloudEventCodec.toJson(step.event()));
        }
        item.put("outcome", step.outcome().label());
        if (step.reason() != null && step.outcome() != Outcome.APPLIED) {
            item.put("reason", step.reason());
        }
        if (step.state() != null) {
            item.set("state", TaskViews.view(step.state()));
        }
        return item;
    }

    /** An ISO-8601 instant ({@code 2026-01-31T12:00:00Z}, or with an offset); null when it is not one. */
    static Instant parseInstant(String text) {
        try {
            return OffsetDateTime.parse(text.trim()).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text.trim());
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }
}
