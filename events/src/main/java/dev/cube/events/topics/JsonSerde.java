package dev.cube.events.topics;

import dev.cube.events.wire.Json;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.IOException;
import java.util.function.UnaryOperator;

/** Plain JSON of Cube's records, for stores and the state topics. */
public final class JsonSerde<T> implements Serde<T> {

    private final Class<T> type;
    private final UnaryOperator<T> beforeWrite;

    public JsonSerde(Class<T> type) {
        this(type, UnaryOperator.identity());
    }

    /** A serde that writes {@code beforeWrite(value)}: what readers of a topic get may be less than what a store keeps. */
    public JsonSerde(Class<T> type, UnaryOperator<T> beforeWrite) {
        this.type = type;
        this.beforeWrite = beforeWrite;
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> {
            try {
                return value == null ? null : Json.MAPPER.writeValueAsBytes(beforeWrite.apply(value));
            } catch (IOException e) {
                throw new SerializationException("cannot write " + type.getSimpleName(), e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            try {
                return bytes == null ? null : Json.MAPPER.readValue(bytes, type);
            } catch (IOException e) {
                throw new SerializationException("cannot read " + type.getSimpleName(), e);
            }
        };
    }
}
