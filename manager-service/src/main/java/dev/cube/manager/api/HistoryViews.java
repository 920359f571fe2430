package dev.cube.manager.api;

import dev.cube.events.wire.CloudEventCodec;
import dev.cube.manager.history.Outcome;
import dev.cube.manager.history.Step;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** The HTTP form of a task's history: one item per record of the log, with what the fold made of it. */
final class HistoryViews {

    private HistoryViews() {
    }

    static HistoryStepView step(Step step) {
        return new HistoryStepView(step.record().partition(), step.record().offset(), step.record().logTime(),
                step.event() == null ? null : CloudEventCodec.toJson(step.event()),
                step.outcome().label(),
                step.reason() != null && step.outcome() != Outcome.APPLIED ? step.reason() : null,
                step.state() == null ? null : TaskView.of(step.state()));
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
