package dev.cube.events.topics;

import org.apache.kafka.common.serialization.Serde;

import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A topic of Cube's contract: its name, how it is laid out, and the serdes of its keys and values. */
public record Topic<K, V>(String name, int partitions, Map<String, String> config, Serde<K> keySerde, Serde<V> valueSerde) {

    /**
     * The partition a string key belongs on: murmur2 of its UTF-8 bytes, as Kafka's Java producer
     * places it. Cube folds a task's events on this partition only; clients in other languages
     * should use the same partitioner (librdkafka: {@code partitioner=murmur2_random}).
     */
    public int partitionOf(String key) {
        return partitionOf(key, partitions);
    }

    /** The same, for a topic that was created with {@code partitionCount} partitions. */
    public static int partitionOf(String key, int partitionCount) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitionCount;
    }
}
