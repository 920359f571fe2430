package dev.cube.manager.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.wire.Json;
import org.apache.kafka.streams.state.HostInfo;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Asks another manager instance for what one of its store partitions holds, over the internal API
 * ({@link PeerController}). Any answer but a 200 (the peer cannot be reached, does not hold the partition
 * now, or failed) is a {@link NotHeldHereException} that says which peer and why, so that the caller can
 * try another copy. Thread-safe.
 */
final class PeerClient {

    private final HttpClient http;
    private final Duration requestTimeout;

    private final PeerProof proof;
    private final java.time.Clock clock;

    PeerClient(Duration connectTimeout, Duration requestTimeout, PeerProof proof, java.time.Clock clock) {
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1).build();
        this.requestTimeout = requestTimeout;
        this.proof = proof;
        this.clock = clock;
    }

    /** GETs {@code path} ({@code /internal/v1/...}) of {@code peer} with {@code query}, and reads its JSON answer as {@code type}. */
    <T> T get(HostInfo peer, String path, Map<String, String> query, Class<T> type) {
        URI uri = URI.create("http://" + peer.host() + ":" + peer.port() + path + encode(query));
        HttpResponse<byte[]> response;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(requestTimeout).header("Accept", "application/json").GET();
            proof.sign(path, query, clock.instant()).ifPresent(signed -> request.header(PeerProof.HEADER, signed));
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new NotHeldHereException(peer.host() + ":" + peer.port() + " cannot be reached (" + e + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotHeldHereException("interrupted while asking " + peer.host() + ":" + peer.port(), e);
        }
        if (response.statusCode() != 200) {
            throw new NotHeldHereException(peer.host() + ":" + peer.port() + " answered " + response.statusCode() + detail(response.body()));
        }
        try {
            return Json.MAPPER.readValue(response.body(), type);
        } catch (IOException e) {
            throw new NotHeldHereException(peer.host() + ":" + peer.port() + " sent an answer that cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private static String detail(byte[] body) {
        try {
            JsonNode problem = Json.MAPPER.readTree(body);
            return problem != null && problem.hasNonNull("detail") ? ": " + problem.get("detail").asText() : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String encode(Map<String, String> query) {
        if (query.isEmpty()) {
            return "";
        }
        return new LinkedHashMap<>(query).entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&", "?", ""));
    }
}
