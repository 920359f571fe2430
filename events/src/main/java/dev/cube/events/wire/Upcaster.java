package dev.cube.events.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.EventType;

/**
 * Rewrites the {@code data} of one event type from one schema version to the next, so that events
 * written by an older producer are read as the current records. Upcasters work on JSON, before the
 * data is bound to a record: the record classes only ever know the current shape.
 *
 * <p>An upcaster must be pure (no clock, no I/O) and total on every {@code data} that was valid in
 * {@link #fromVersion()}; it may change {@code data} in place and return it, or return a new node.
 * A type whose shape did not change between two versions needs no upcaster for that step.
 */
public interface Upcaster {

    EventType type();

    /** The version this upcaster reads; it produces {@code fromVersion() + 1}. */
    int fromVersion();

    ObjectNode upcast(ObjectNode data);

    /** An upcaster from a lambda. */
    static Upcaster of(EventType type, int fromVersion, java.util.function.UnaryOperator<ObjectNode> step) {
        return new Upcaster() {
            @Override
            public EventType type() {
                return type;
            }

            @Override
            public int fromVersion() {
                return fromVersion;
            }

            @Override
            public ObjectNode upcast(ObjectNode data) {
                return step.apply(data);
            }

            @Override
            public String toString() {
                return "Upcaster[" + type.typeName() + " v" + fromVersion + " -> v" + (fromVersion + 1) + "]";
            }
        };
    }
}
