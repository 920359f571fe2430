package dev.cube.events.topics;

import org.apache.kafka.common.serialization.Serde;

import java.util.Map;

/** A topic of Cube's contract: its name, how it is laid out, and the serdes of its keys and values. */
public record Topic<K, V>(String name, int partitions, Map<String, String> config, Serde<K> keySerde, Serde<V> valueSerde) {
}
