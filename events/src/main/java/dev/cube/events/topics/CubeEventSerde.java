package dev.cube.events.topics;

import dev.cube.events.CubeEvent;
import dev.cube.events.wire.CloudEventCodec;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.charset.StandardCharsets;

/**
 * Cube events as messages of the CloudEvents Kafka protocol binding. The serializer writes
 * structured mode: the event as JSON in the value and, whenever the producer passes the record's
 * headers (the Kafka producer and Kafka Streams always do), the header
 * {@code content-type: application/cloudevents+json; charset=UTF-8} in place of any other
 * {@code content-type}. The deserializer reads both modes when it is given the headers, structured
 * mode otherwise, and throws {@link dev.cube.events.wire.InvalidEventException} for invalid
 * records. Stateless and thread-safe.
 */
public final class CubeEventSerde implements Serde<CubeEvent> {

    private static final byte[] CONTENT_TYPE = CloudEventCodec.STRUCTURED_MODE_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8);

    @Override
    public Serializer<CubeEvent> serializer() {
        return new Serializer<>() {
            @Override
            public byte[] serialize(String topic, CubeEvent event) {
                return event == null ? null : CloudEventCodec.encode(event);
            }

            @Override
            public byte[] serialize(String topic, Headers headers, CubeEvent event) {
                if (event != null && headers != null) {
                    headers.remove(CloudEventCodec.CONTENT_TYPE_HEADER);
                    headers.add(CloudEventCodec.CONTENT_TYPE_HEADER, CONTENT_TYPE.clone());
                }
                return serialize(topic, event);
            }
        };
    }

    @Override
    public Deserializer<CubeEvent> deserializer() {
        return new Deserializer<>() {
            @Override
            public CubeEvent deserialize(String topic, byte[] bytes) {
                return bytes == null ? null : CloudEventCodec.decode(bytes);
            }

            @Override
            public CubeEvent deserialize(String topic, Headers headers, byte[] bytes) {
                return bytes == null ? null : CloudEventCodec.decode(headers, bytes);
            }
        };
    }
}
