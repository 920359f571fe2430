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
import java.util.Optional;

/**
 * The manager's task API ({@code /api/v1/tasks}) over HTTP. Error answers become
 * {@link ProblemException}; a manager that cannot be connected to becomes
 * {@link ManagerUnreachableException}. A 503 (the manager is rebalancing) is retried briefly.
 * Thread-safe, like the {@link HttpClient} it wraps.
 */
public final class ManagerClient {

    static final String WORKERS = "/api/v1/workers";

    static final String TASKS = "/api/v1/tasks";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final int UNAVAILABLE_ATTEMPTS = 5;

    private final URI base;
    private final HttpClient http;
    private final String token;

    public ManagerClient(URI base) {
        this(base, null);
    }

    /** A client that sends {@code token} (when not null or blank) as its bearer token. */
    public ManagerClient(URI base, String token) {
        this.token = token == null || token.isBlank() ? null : token.strip();
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    public URI base() {
        return base;
    }

    /** Submits a task spec (a JSON object) and answers the new task's id. */
    public String submit(String specJson) {
        HttpRequest request = request(TASKS)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(specJson, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response = send(request);
        if (response.statusCode() >= 300) {
            throw new ProblemException(Problem.parse(response.statusCode(), response.body()));
        }
        JsonNode body = readJson(response.body());
        String id = body.path("id").asText(null);
        if (id == null) {
            id = response.headers().firstValue("Location")
                    .map(location -> location.substring(location.lastIndexOf('/') + 1))
                    .orElseThrow(() -> new CubeCliException("the manager accepted the task but answered no id"));
        }
        return id;
    }

    /** The task with this id, or empty if the manager does not know it (yet). */
    public Optional<JsonNode> task(String id) {
        HttpResponse<String> response = sendRetryingUnavailable(request(TASKS + "/" + encode(id)).GET().build());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() >= 300) {
            throw new ProblemException(Problem.parse(response.statusCode(), response.body()));
        }
        return Optional.of(readJson(response.body()));
    }

    /** The task's history ({@code items} of {@code GET /api/v1/tasks/{id}/history}), or empty if the manager does not know it. */
    public Optional<List<JsonNode>> history(String id) {
        HttpResponse<String> response = sendRetryingUnavailable(request(TASKS + "/" + encode(id) + "/history").GET().build());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() >= 300) {
            throw new ProblemException(Problem.parse(response.statusCode(), response.body()));
        }
        List<JsonNode> items = new ArrayList<>();
        readJson(response.body()).path("items").forEach(items::add);
        return Optional.of(items);
    }

    /** One page of tasks: {@code {"items": [...], "nextOffset": n|null}}. {@code state} may be null. */
    public JsonNode tasks(String state, int limit, long offset) {
        StringBuilder path = new StringBuilder(TASKS).append("?limit=").append(limit);
        if (offset > 0) {
            path.append("&offset=").append(offset);
        }
        if (state != null && !state.isBlank()) {
            path.append("&state=").append(encode(state));
        }
        HttpResponse<String> response = sendRetryingUnavailable(request(path.toString()).GET().build());
        if (response.statusCode() >= 300) {
            throw new ProblemException(Problem.parse(response.statusCode(), response.body()));
        }
        return readJson(response.body());
    }

    /** Asks the manager to stop a task: true if accepted, false if no such task. */
    public boolean stop(String id) {
        HttpResponse<String> response = send(request(TASKS + "/" + encode(id)).DELETE().build());
        if (response.statusCode() == 404) {
            return false;
        }
        if (response.statusCode() >= 300) {
            throw new ProblemException(Problem.parse(response.statusCode(), response.body()));
        }
        return true;
    }

    /** Every worker the manager knows, as it answers them ({@code items} of {@code GET /api/v1/workers}). */
    public List<JsonNode> workers() {
        HttpResponse<String> response = sendRetryingUnavailable(request(WORKERS).GET().build());
        if (response.statusCode() >= 300) {
            throw new ProblemException(Problem.parse(response.statusCode(), response.body()));
        }
        List<JsonNode> workers = new ArrayList<>();
        readJson(response.body()).path("items").forEach(workers::add);
        return workers;
    }

    /** Asks the manager to drain a worker: true if accepted, false if the manager knows no such worker. */
    public boolean drain(String id) {
        return admin(id, "drain");
    }

    /** Asks the manager to let a draining worker take work again: true if accepted, false if it knows no such worker. */
    public boolean undrain(String id) {
        return admin(id, "undrain");
    }

    private boolean admin(String id, String request) {
        HttpResponse<String> response = send(request(WORKERS + "/" + encode(id) + "/" + request)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        if (response.statusCode() == 404) {
            return false;
        }
        if (response.statusCode() >= 300) {
            throw new ProblemException(Problem.parse(response.statusCode(), response.body()));
        }
        return true;
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json, application/problem+json");
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    private HttpResponse<String> sendRetryingUnavailable(HttpRequest request) {
        HttpResponse<String> response = send(request);
        for (int attempt = 1; attempt < UNAVAILABLE_ATTEMPTS && response.statusCode() == 503; attempt++) {
            sleep(retryAfter(response));
            response = send(request);
        }
        return response;
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

    private static Duration retryAfter(HttpResponse<?> response) {
        long seconds = response.headers().firstValue("Retry-After").map(value -> {
            try {
                return Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                return 1L;
            }
        }).orElse(1L);
        return Duration.ofSeconds(Math.clamp(seconds, 1, 3));
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CubeCliException("interrupted", e);
        }
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
