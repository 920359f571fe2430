package dev.cube.events.topics;

import dev.cube.events.CubeEvent;
import dev.cube.events.wire.CloudEventCodec;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Structured-mode CloudEvents; deserializing throws {@link dev.cube.events.wire.InvalidEventException} for invalid records. */
public final class CubeEventSerde implements Serde<CubeEvent> {

    @Override
    public Serializer<CubeEvent> serializer() {
        return (topic, event) -> event == null ? null : CloudEventCodec.encode(event);
    }

    @Override
    public Deserializer<CubeEvent> deserializer() {
        return (topic, bytes) -> bytes == null ? null : CloudEventCodec.decode(bytes);
    }
}
