package dev.cube.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One event of Cube's log: the CloudEvents 1.0 context attributes plus Cube's {@code schemaversion}
 * extension, around a typed {@link EventData}. The {@code type} attribute is derived from the data.
 *
 * @param id            unique per event; a second event with the same id is a duplicate
 * @param source        who produced it, e.g. {@code /cube/manager} or {@code /cube/worker/w1}
 * @param subject       the entity the event is about: the task id for task and assignment events,
 *                      the worker id for worker events
 * @param time          when the producer claims it happened
 * @param schemaVersion version of the data's schema, see {@link EventType#CURRENT_SCHEMA_VERSION}
 */
public record CubeEvent(String id, String source, String subject, Instant time, int schemaVersion, EventData data) {

    public CubeEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(data, "data");
    }

    public static CubeEvent of(String source, String subject, Instant time, EventData data) {
        return new CubeEvent(UUID.randomUUID().toString(), source, subject, time, EventType.CURRENT_SCHEMA_VERSION, data);
    }

    /** An event whose id is derived from what it reports, so that reporting the same fact twice is a harmless duplicate. */
    public static CubeEvent withDerivedId(String derivedId, String source, String subject, Instant time, EventData data) {
        return new CubeEvent(derivedId, source, subject, time, EventType.CURRENT_SCHEMA_VERSION, data);
    }

    public EventType type() {
        return EventType.of(data);
    }
}
