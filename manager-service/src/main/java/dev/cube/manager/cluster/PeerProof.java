package dev.cube.manager.cluster;

import dev.cube.events.origin.OriginProof;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Proofs that a read of another manager's stores ({@code /internal/v1}) comes from a manager of the same
 * cluster: with a cluster secret, the asking manager sends {@value #HEADER}: {@code <epoch seconds>.<HMAC>}
 * of the request (its path and its query, decoded and sorted) and that time, under a key derived from the
 * secret; the answering one takes it only within {@link #SKEW} of its own clock. Without a secret the
 * internal reads are open (keep the managers' port to the managers). Pure: the time is passed in.
 */
public final class PeerProof {

    public static final String HEADER = "Cube-Peer-Proof";
    /** How far the asking manager's clock may be from the answering one's. */
    public static final Duration SKEW = Duration.ofSeconds(60);
    private static final String TOPIC = "/internal/v1";

    private final byte[] key;

    private PeerProof(byte[] key) {
        this.key = key;
    }

    /** @param clusterSecret {@code cube.security.cluster-secret}; null or blank: internal reads are open */
    public static PeerProof of(String clusterSecret) {
        return new PeerProof(clusterSecret == null || clusterSecret.isBlank() ? null : OriginProof.peerKey(clusterSecret));
    }

    public boolean enabled() {
        return key != null;
    }

    /** The header's value for a GET of {@code path} with {@code query} at {@code now}; empty when internal reads are open. */
    public Optional<String> sign(String path, Map<String, String> query, Instant now) {
        if (key == null) {
            return Optional.empty();
        }
        long seconds = now.getEpochSecond();
        Map<String, List<String>> values = new TreeMap<>();
        query.forEach((name, value) -> values.put(name, List.of(value)));
        return Optional.of(seconds + "." + OriginProof.proof(key, TOPIC, canonical(path, values, seconds)));
    }

    /** Why a request with {@code header} for {@code path} and {@code query} at {@code now} is refused; empty: taken. */
    public Optional<String> refusal(String header, String path, Map<String, List<String>> query, Instant now) {
        if (key == null) {
            return Optional.empty();
        }
        if (header == null || header.isBlank()) {
            return Optional.of("reads between managers carry " + HEADER + " (the managers share cube.security.cluster-secret)");
        }
        int dot = header.indexOf('.');
        long seconds;
        try {
            seconds = Long.parseLong(header.substring(0, Math.max(dot, 0)));
        } catch (NumberFormatException e) {
            return Optional.of(HEADER + " is <epoch seconds>.<proof>");
        }
        if (Math.abs(now.getEpochSecond() - seconds) > SKEW.toSeconds()) {
            return Optional.of(HEADER + " was made at " + Instant.ofEpochSecond(seconds) + ", more than " + SKEW.toSeconds()
                    + " s from this manager's time " + now);
        }
        if (!OriginProof.matches(key, TOPIC, canonical(path, new TreeMap<>(query), seconds), header.substring(dot + 1))) {
            return Optional.of(HEADER + " does not prove this request under the cluster's secret");
        }
        return Optional.empty();
    }

    private static byte[] canonical(String path, Map<String, List<String>> sortedQuery, long seconds) {
        StringBuilder text = new StringBuilder("GET ").append(path).append('\n');
        sortedQuery.forEach((name, values) -> values.forEach(value -> text.append(name).append('=').append(value).append('\n')));
        return text.append(seconds).toString().getBytes(StandardCharsets.UTF_8);
    }
}
