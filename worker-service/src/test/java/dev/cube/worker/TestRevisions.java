package dev.cube.worker;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The revisions the tests of this module write desired attempts at, "as if every event came from
 * task-events partition 0": one counter for every test class. A worker takes no record below the highest
 * revision it read on its partition, whoever the record was for (that is the contract: one fold writes a
 * partition in revision order), and the test classes share one broker: two counters would let one class's
 * workers drop the other's records.
 */
final class TestRevisions {

    private static final AtomicLong NEXT = new AtomicLong(1_000_000);

    private TestRevisions() {
    }

    static long next() {
        return NEXT.incrementAndGet();
    }
}
