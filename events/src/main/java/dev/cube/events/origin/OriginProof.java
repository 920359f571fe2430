package dev.cube.events.origin;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;

/**
 * Origin proofs: how a record of Cube's manager or of one worker shows that it was written by them,
 * on topics that other principals may write too ({@code cube.task-events}).
 *
 * <p>A record carries two headers: {@value #ORIGIN_HEADER}, {@code manager} or {@code worker/<id>}, and
 * {@value #PROOF_HEADER}, the unpadded base64url HMAC-SHA256, under the origin's key, of the topic name,
 * a zero byte and the record's value (a structured-mode CloudEvent, whose subject must equal the key).
 * The keys derive from one cluster secret that only the manager holds: the manager's key is
 * HMAC-SHA256(secret, {@code "cube/manager"}), worker {@code id}'s is HMAC-SHA256(secret,
 * {@code "cube/worker/" + id}). A worker is given its own key only ({@code cube worker-key <id>}), so it
 * can prove nothing but its own records; the manager, holding the secret, checks everyone's.
 *
 * <p>Stateless and thread-safe.
 */
public final class OriginProof {

    public static final String ORIGIN_HEADER = "cube.origin";
    public static final String PROOF_HEADER = "cube.proof";
    public static final String MANAGER = "manager";
    public static final String WORKER_PREFIX = "worker/";
    /** The shortest cluster secret Cube takes, in bytes of UTF-8. */
    public static final int MIN_SECRET_LENGTH = 16;

    private OriginProof() {
    }

    /** The manager's key, from the cluster secret. */
    public static byte[] managerKey(String clusterSecret) {
        return hmac(secretBytes(clusterSecret), "cube/" + MANAGER);
    }

    /** The key the managers of a cluster sign their reads of each other's stores with ({@code /internal/v1}), from the cluster secret. */
    public static byte[] peerKey(String clusterSecret) {
        return hmac(secretBytes(clusterSecret), "cube/peer-reads");
    }

    /** Worker {@code workerId}'s key, from the cluster secret. */
    public static byte[] workerKey(String clusterSecret, String workerId) {
        return hmac(secretBytes(clusterSecret), "cube/" + WORKER_PREFIX + Objects.requireNonNull(workerId, "workerId"));
    }

    /** A key as operators pass it around: unpadded base64url. */
    public static String encodeKey(byte[] key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }

    /** @throws IllegalArgumentException when {@code text} is not base64 (either alphabet) of at least 16 bytes */
    public static byte[] decodeKey(String text) {
        byte[] key;
        try {
            String t = text.strip();
            key = t.contains("+") || t.contains("/") ? Base64.getDecoder().decode(t) : Base64.getUrlDecoder().decode(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("an origin key is base64, as cube worker-key prints it");
        }
        if (key.length < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException("an origin key has at least " + MIN_SECRET_LENGTH + " bytes");
        }
        return key;
    }

    /** The {@value #PROOF_HEADER} of {@code value} on {@code topic} under {@code key}. */
    public static String proof(byte[] key, String topic, byte[] value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(topic.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(value);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Whether {@code proof} is the proof of {@code value} on {@code topic} under {@code key} (in constant time). */
    public static boolean matches(byte[] key, String topic, byte[] value, String proof) {
        if (proof == null) {
            return false;
        }
        return MessageDigest.isEqual(proof(key, topic, value).getBytes(StandardCharsets.US_ASCII), proof.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] secretBytes(String clusterSecret) {
        byte[] bytes = Objects.requireNonNull(clusterSecret, "clusterSecret").getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException("the cluster secret must have at least " + MIN_SECRET_LENGTH + " bytes");
        }
        return bytes;
    }

    private static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
