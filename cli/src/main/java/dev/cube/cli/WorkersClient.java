package dev.cube.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.wire.Json;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The manager's worker API ({@code /api/v1/workers}) over HTTP, with the same conventions as
 * {@link ManagerClient}: error answers become {@link ProblemException}, a manager that cannot be
 * connected to becomes {@link ManagerUnreachableException}, and a read answered 503 is retried
 * briefly. Thread-safe.
 */
public final class WorkersClient {

    static final String WORKERS = "/api/v1/workers";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final int UNAVAILABLE_ATTEMPTS = 5;

    private final URI base;
    private final HttpClient http;

    public WorkersClient(URI base) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    /** Every worker the manager knows, as it answers them ({@code items} of {@code GET /api/v1/workers}). */
    public List<JsonNode> workers() {
        HttpResponse<String> response = send(request(WORKERS).GET().build());
        for (int attempt = 1; attempt < UNAVAILABLE_ATTEMPTS && response.statusCode() == 503; attempt++) {
            ManagerClient.sleep(Duration.ofSeconds(1));
            response = send(request(WORKERS).GET().build());
        }
        if (response.statusCode() >= 300) {
            throw new ProblemException(Problem.parse(response.statusCode(), response.body()));
        }
        List<JsonNode> workers = new ArrayList<>();
        readJson(response.body()).path("items").forEach(workers::add);
        return workers;
    }

    /** Asks the manager to drain a worker: true if accepted, false if the manager knows no such worker. */
    public boolean drain(String id) {
        HttpResponse<String> response = send(request(WORKERS + "/" + encode(id) + "/drain")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        if (response.statusCode() == 404) {
            return false;
        }
        if (response.statusCode() >= 300) {
            throw new ProblemException(Problem.parse(response.statusCode(), response.body()));
        }
        return true;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json, application/problem+json");
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            if (isConnectFailure(e)) {
                throw new ManagerUnreachableException(base, e);
            }
            throw new CubeCliException("request to the manager failed: " + request.method() + " " + request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CubeCliException("interrupted", e);
        }
    }

    private static boolean isConnectFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException
                    || t instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode readJson(String body) {
        try {
            JsonNode node = Json.MAPPER.readTree(body == null ? "" : body);
            if (node == null || node.isMissingNode()) {
                throw new CubeCliException("the manager answered an empty body where JSON was expected");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new CubeCliException("the manager answered something that is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
