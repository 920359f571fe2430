package dev.cube.events;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One event of Cube's log: the CloudEvents 1.0 context attributes plus Cube's {@code schemaversion}
 * extension, around a typed {@link EventData}, and the other extension attributes the producer set.
 * The {@code type} attribute is derived from the data.
 *
 * @param id            unique per event; a second event with the same id is a duplicate
 * @param source        who produced it, e.g. {@code /cube/manager} or {@code /cube/worker/w1}
 * @param subject       the entity the event is about: the task id for task and assignment events,
 *                      the worker id for worker events
 * @param time          when the producer claims it happened
 * @param schemaVersion version of the data's schema, see {@link EventType#CURRENT_SCHEMA_VERSION}
 * @param extensions    the producer's extension attributes other than {@code schemaversion} (such as
 *                      {@code partitionkey} or {@code traceparent}), by name, in the order they came;
 *                      each value a {@link String}, {@link Boolean} or {@link Integer}, as
 *                      {@link ExtensionAttributes} allows. Cube's own events have none. Never null.
 * @throws IllegalArgumentException when an extension's name or value is not one CloudEvents allows
 */
public record CubeEvent(String id, String source, String subject, Instant time, int schemaVersion, EventData data,
                        Map<String, Object> extensions) {

    public CubeEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(data, "data");
        if (extensions == null || extensions.isEmpty()) {
            extensions = Map.of();
        } else {
            extensions.forEach((name, value) -> {
                String violation = ExtensionAttributes.violation(name, value);
                if (violation != null) {
                    throw new IllegalArgumentException("extension " + name + ": " + violation);
                }
            });
            extensions = Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
        }
    }

    /** An event without extension attributes. */
    public CubeEvent(String id, String source, String subject, Instant time, int schemaVersion, EventData data) {
        this(id, source, subject, time, schemaVersion, data, Map.of());
    }

    public static CubeEvent of(String source, String subject, Instant time, EventData data) {
        return new CubeEvent(UUID.randomUUID().toString(), source, subject, time, EventType.CURRENT_SCHEMA_VERSION, data);
    }

    /** An event whose id is derived from what it reports, so that reporting the same fact twice is a harmless duplicate. */
    public static CubeEvent withDerivedId(String derivedId, String source, String subject, Instant time, EventData data) {
        return new CubeEvent(derivedId, source, subject, time, EventType.CURRENT_SCHEMA_VERSION, data);
    }

    /** The same event with these extension attributes instead of its own. */
    public CubeEvent withExtensions(Map<String, Object> extensions) {
        return new CubeEvent(id, source, subject, time, schemaVersion, data, extensions);
    }

    public EventType type() {
        return EventType.of(data);
    }
}
