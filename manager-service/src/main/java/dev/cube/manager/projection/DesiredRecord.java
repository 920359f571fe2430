package dev.cube.manager.projection;

import dev.cube.events.desired.DesiredAttempt;
import dev.cube.events.desired.Revision;
import dev.cube.events.topics.Topic;
import dev.cube.events.topics.Topics;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.StreamPartitioner;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * A record for {@code cube.desired-attempts} as the fold forwards it: the key, the worker whose
 * partition it goes to, and the value (null for a tombstone); or a watermark ({@link Revision#watermarkKey}).
 */
record DesiredRecord(String key, String workerId, DesiredAttempt value, Revision watermark) {

    static DesiredRecord of(String key, String workerId, DesiredAttempt value) {
        return new DesiredRecord(key, workerId, value, null);
    }

    static DesiredRecord watermark(String workerId, Revision revision) {
        return new DesiredRecord(Revision.watermarkKey(revision.partition()), workerId, null, revision);
    }

    /** Writes the value as JSON, nothing for a tombstone, the revision's text for a watermark. */
    static final Serializer<Object> SERIALIZER = (topic, value) -> {
        DesiredRecord record = (DesiredRecord) value;
        if (record.watermark() != null) {
            return record.watermark().bytes();
        }
        return record.value() == null ? null : Topics.DESIRED_ATTEMPTS.valueSerde().serializer().serialize(topic, record.value());
    };

    /** Puts each record on the partition of its worker id, as {@link Topic#partitionOf} computes it. */
    static final StreamPartitioner<String, Object> PARTITIONER = new StreamPartitioner<>() {
        @Override
        public Optional<Set<Integer>> partitions(String topic, String key, Object value, int numPartitions) {
            return Optional.of(Set.of(Topic.partitionOf(((DesiredRecord) value).workerId(), numPartitions)));
        }
    };

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
