package dev.cube.events.origin;

import dev.cube.events.wire.CloudEventCodec;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

/**
 * Reads the origin a record proves ({@link OriginProof}): the manager's side, holding the cluster
 * secret. Without a secret every record is {@link Origin.Unchecked}. Thread-safe.
 */
public final class OriginCheck {

    /** Checks nothing: Cube as it runs without a cluster secret. */
    public static final OriginCheck OFF = new OriginCheck(null);

    private final String secret;
    private final byte[] managerKey;
    private final Map<String, byte[]> workerKeys = new ConcurrentHashMap<>();

    private OriginCheck(String secret) {
        this.secret = secret;
        this.managerKey = secret == null ? null : OriginProof.managerKey(secret);
    }

    /** Checks the proofs of records against {@code clusterSecret}; {@code null} or blank: {@link #OFF}. */
    public static OriginCheck withSecret(String clusterSecret) {
        return clusterSecret == null || clusterSecret.isBlank() ? OFF : new OriginCheck(clusterSecret);
    }

    public boolean enabled() {
        return secret != null;
    }

    /** The manager's key (to sign with), when a secret is configured. */
    public byte[] managerKey() {
        if (managerKey == null) {
            throw new IllegalStateException("no cluster secret is configured");
        }
        return managerKey.clone();
    }

    /** Who wrote {@code value} on {@code topic}, by its headers. */
    public Origin origin(String topic, Headers headers, byte[] value) {
        if (secret == null) {
            return Origin.UNCHECKED;
        }
        String claimed = text(headers, OriginProof.ORIGIN_HEADER);
        String proof = text(headers, OriginProof.PROOF_HEADER);
        if (claimed == null || proof == null) {
            return new Origin.Unproven("it carries no origin proof (headers " + OriginProof.ORIGIN_HEADER + " and " + OriginProof.PROOF_HEADER + ")");
        }
        if (value == null) {
            return new Origin.Unproven("a record without a value proves nothing");
        }
        if (binaryMode(headers)) {
            return new Origin.Unproven("an origin proof covers structured-mode records only");
        }
        byte[] key;
        Origin origin;
        if (claimed.equals(OriginProof.MANAGER)) {
            key = managerKey;
            origin = Origin.MANAGER;
        } else if (claimed.startsWith(OriginProof.WORKER_PREFIX) && claimed.length() > OriginProof.WORKER_PREFIX.length()) {
            String id = claimed.substring(OriginProof.WORKER_PREFIX.length());
            key = workerKeys.computeIfAbsent(id, w -> OriginProof.workerKey(secret, w));
            origin = new Origin.Worker(id);
        } else {
            return new Origin.Unproven("the origin '" + shorten(claimed) + "' is neither 'manager' nor 'worker/<id>'");
        }
        return OriginProof.matches(key, topic, value, proof) ? origin
                : new Origin.Unproven("its origin proof does not match '" + shorten(claimed) + "'");
    }

    private static boolean binaryMode(Headers headers) {
        if (headers.lastHeader("ce_specversion") == null) {
            return false;
        }
        String contentType = text(headers, CloudEventCodec.CONTENT_TYPE_HEADER);
        return contentType == null || !contentType.startsWith("application/cloudevents");
    }

    private static String text(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String shorten(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
