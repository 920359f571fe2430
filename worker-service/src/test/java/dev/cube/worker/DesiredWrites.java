package dev.cube.worker;

import dev.cube.events.desired.DesiredAttempt;
import dev.cube.events.desired.Revision;
import dev.cube.events.topics.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How the tests of this module play the fold: they write desired attempts to a worker's partition of
 * {@code cube.desired-attempts}, at revisions "as if every event came from task-events partition 0", of
 * one counter for every test class. A worker takes no record below the highest revision it read on its
 * partition, whoever the record was for (the contract: one fold writes a partition in revision order),
 * and the test classes share one broker: two counters would let one class's workers drop the other's records.
 */
final class DesiredWrites {

    private static final AtomicLong NEXT = new AtomicLong(1_000_000);

    private DesiredWrites() {
    }

    static long nextRevision() {
        return NEXT.incrementAndGet();
    }

    /** Writes {@code value} (null: a tombstone) under {@code key} on {@code worker}'s partition at {@code revision}; answers the revision. */
    static long write(KafkaProducer<String, byte[]> producer, String worker, String key, DesiredAttempt value, long revision) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Revision.HEADER, new Revision(0, revision).bytes());
        int partition = Worker.desiredPartition(worker, Topics.DESIRED_ATTEMPTS.partitions());
        byte[] bytes = value == null ? null : Topics.DESIRED_ATTEMPTS.valueSerde().serializer().serialize(Topics.DESIRED_ATTEMPTS.name(), value);
        try {
            producer.send(new ProducerRecord<>(Topics.DESIRED_ATTEMPTS.name(), partition, key, bytes, headers)).get();
        } catch (Exception e) {
            throw new AssertionError("could not write a desired attempt", e);
        }
        return revision;
    }
}
