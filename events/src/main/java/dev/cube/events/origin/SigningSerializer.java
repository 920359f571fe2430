package dev.cube.events.origin;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.charset.StandardCharsets;

/**
 * A serializer that adds the origin proof ({@link OriginProof}) of what {@code inner} wrote to the
 * record's headers. The Kafka producer and Kafka Streams pass the headers, so every record they write
 * through it is proven; without headers nothing is added. Thread-safe when {@code inner} is.
 */
public final class SigningSerializer<T> implements Serializer<T> {

    private final Serializer<T> inner;
    private final byte[] origin;
    private final byte[] key;

    /** @param origin {@code manager} or {@code worker/<id>}; @param key that origin's key */
    public SigningSerializer(Serializer<T> inner, String origin, byte[] key) {
        this.inner = inner;
        this.origin = origin.getBytes(StandardCharsets.UTF_8);
        this.key = key.clone();
    }

    /** {@code inner} signed as the manager, or {@code inner} itself when {@code check} has no secret. */
    public static <T> Serializer<T> asManager(Serializer<T> inner, OriginCheck check) {
        return check.enabled() ? new SigningSerializer<>(inner, OriginProof.MANAGER, check.managerKey()) : inner;
    }

    /** {@code inner} signed as worker {@code workerId} with its key (base64), or {@code inner} itself when there is no key. */
    public static <T> Serializer<T> asWorker(Serializer<T> inner, String workerId, String workerKey) {
        return workerKey == null ? inner : new SigningSerializer<>(inner, OriginProof.WORKER_PREFIX + workerId, OriginProof.decodeKey(workerKey));
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return inner.serialize(topic, data);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, T data) {
        byte[] value = inner.serialize(topic, headers, data);
        if (headers != null && value != null) {
            headers.remove(OriginProof.ORIGIN_HEADER);
            headers.remove(OriginProof.PROOF_HEADER);
            headers.add(OriginProof.ORIGIN_HEADER, origin.clone());
            headers.add(OriginProof.PROOF_HEADER, OriginProof.proof(key, topic, value).getBytes(StandardCharsets.US_ASCII));
        }
        return value;
    }
}
