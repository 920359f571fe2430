package dev.cube.events.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.EventType;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The chain of {@link Upcaster}s that brings the {@code data} of any supported schema version,
 * 1 to {@link #targetVersion()}, to the shape of {@link #targetVersion()}. For each step
 * {@code v -> v+1} the upcaster registered for (type, v) is applied, or nothing when that type did
 * not change in that step. Immutable and thread-safe.
 *
 * <p>{@link #CUBE} is the chain Cube reads with. The rule for changing a schema (see
 * {@code docs/events.md}): a compatible change (a new optional field) keeps the version; any other
 * change raises {@link EventType#CURRENT_SCHEMA_VERSION} and adds here, for every type it touches,
 * the upcaster from the previous version, so that the whole log keeps folding.
 */
public final class Upcasters {

    /**
     * The chain of this Cube. Version 1 is the first and the current version: no step yet. The
     * fixture log of version 1 ({@code events/src/test/resources/fixtures}) must keep folding to the
     * same states whatever is added here.
     */
    public static final Upcasters CUBE = new Upcasters(EventType.CURRENT_SCHEMA_VERSION, List.of());

    private final int targetVersion;
    private final Map<Key, Upcaster> steps = new HashMap<>();

    /**
     * @throws IllegalArgumentException when two upcasters claim the same step, or a step does not
     *                                  lie between version 1 and {@code targetVersion}
     */
    public Upcasters(int targetVersion, List<Upcaster> upcasters) {
        if (targetVersion < 1) {
            throw new IllegalArgumentException("the target version must be at least 1");
        }
        this.targetVersion = targetVersion;
        for (Upcaster upcaster : upcasters) {
            if (upcaster.fromVersion() < 1 || upcaster.fromVersion() >= targetVersion) {
                throw new IllegalArgumentException(upcaster + " does not lead towards version " + targetVersion);
            }
            if (steps.putIfAbsent(new Key(upcaster.type(), upcaster.fromVersion()), upcaster) != null) {
                throw new IllegalArgumentException("two upcasters for " + upcaster.type().typeName() + " v" + upcaster.fromVersion());
            }
        }
    }

    /** The newest version this chain reads, and the one every event comes out in. */
    public int targetVersion() {
        return targetVersion;
    }

    /** Whether events written in {@code version} can be read. */
    public boolean supports(int version) {
        return version >= 1 && version <= targetVersion;
    }

    /**
     * The {@code data} of an event of {@code type} written in {@code version}, brought to
     * {@link #targetVersion()}. {@code data} may be changed in place.
     */
    public ObjectNode upcast(EventType type, int version, ObjectNode data) {
        if (!supports(version)) {
            throw new IllegalArgumentException("unsupported schema version " + version);
        }
        ObjectNode current = data;
        for (int v = version; v < targetVersion; v++) {
            Upcaster step = steps.get(new Key(type, v));
            if (step != null) {
                current = step.upcast(current);
            }
        }
        return current;
    }

    private record Key(EventType type, int fromVersion) {
    }
}
