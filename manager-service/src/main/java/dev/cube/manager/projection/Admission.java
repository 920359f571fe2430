package dev.cube.manager.projection;

import dev.cube.events.CubeEvent;
import dev.cube.events.ExtensionAttributes;
import dev.cube.events.topics.Topic;
import dev.cube.events.wire.InvalidEventException;

import java.util.function.Supplier;

/**
 * Which records of {@code cube.task-events} the fold takes: the one rule the live projection and
 * every replay of the log share. A record needs a key; it counts only on the partition its key
 * hashes to (elsewhere the manager copies it there); it must decode; its key must be its subject,
 * and its {@code partitionkey} extension, when it has one, too.
 */
public sealed interface Admission {

    /** The record is an event the fold takes. */
    record Admitted(CubeEvent event) implements Admission {
    }

    /** The record sits on another partition than its key's: it counts where the manager copies it. */
    record Misplaced(int keyPartition) implements Admission {
    }

    /** The record is not a usable event; {@code field} is null when the whole record is at fault. */
    record Refused(String field, String reason) implements Admission {
    }

    /**
     * @param partition  where the record was read, or -1 when unknown
     * @param partitions how many partitions {@code cube.task-events} has
     * @param decode     decodes the record (either CloudEvents mode), throwing {@link InvalidEventException}
     */
    static Admission of(String key, int partition, int partitions, Supplier<CubeEvent> decode) {
        if (key == null) {
            return new Refused("key", "the record key is required: it must be the task id (the event's subject)");
        }
        int keyPartition = Topic.partitionOf(key, partitions);
        if (partition >= 0 && partition != keyPartition) {
            return new Misplaced(keyPartition);
        }
        CubeEvent event;
        try {
            event = decode.get();
        } catch (InvalidEventException e) {
            return new Refused(e.field(), e.reason());
        }
        if (!key.equals(event.subject())) {
            return new Refused("subject", "the record key '" + key + "' must equal the event subject '" + event.subject() + "' (the task id)");
        }
        Object partitionKey = event.extensions().get(ExtensionAttributes.PARTITION_KEY);
        if (partitionKey != null && !key.equals(partitionKey)) {
            return new Refused(ExtensionAttributes.PARTITION_KEY, "the partitionkey '" + partitionKey + "' must equal the record key '" + key + "' (the task id)");
        }
        return new Admitted(event);
    }
}
