package dev.cube.worker.supervisor;

import dev.cube.worker.runtime.ContainerHealthCheck;
import dev.cube.worker.runtime.ContainerInfo;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The HTTP health checks of a worker's running containers. The worker's loop calls
 * {@link #probeDue} with the containers it just listed; each container with a health check is
 * probed one interval after it was first seen, then once every interval, with a GET on
 * {@code http://<probe host>:<host port><path>} that must answer 200 within the timeout. The probe
 * host is {@code 127.0.0.1} for a worker on the engine's host ({@code cube.worker.probe-host}; a
 * worker in a container needs the host's address, e.g. {@code host.docker.internal}). Probes run
 * in the background, never more than one per container at a time; {@link #failures()} hands the
 * failed ones back to the loop, which decides what to do with them.
 *
 * <p>{@link #probeDue} and {@link #failures()} are called by one thread (the worker's loop), {@link #forget}
 * by any; the probes complete on the HTTP client's threads.
 */
final class HealthProbes implements AutoCloseable {

    /** A probe that failed: the container's id, task and attempt, and why. */
    record Failure(String containerId, String taskId, int attempt, String reason) {
    }

    private final Duration timeout;
    /** As it goes in a URL (an IPv6 address in brackets). */
    private final String host;
    private volatile HttpClient http;
    /** Container id → when its next probe is due (System.nanoTime()). */
    private final Map<String, Long> due = new ConcurrentHashMap<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Queue<Failure> failures = new ConcurrentLinkedQueue<>();

    /** Probes on 127.0.0.1. */
    HealthProbes(Duration timeout) {
        this(timeout, "127.0.0.1");
    }

    /** Probes on {@code host}: a host name, an IPv4 address, or an IPv6 address with or without brackets. */
    HealthProbes(Duration timeout, String host) {
        this.timeout = timeout;
        this.host = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** The HTTP client, made on the first probe: a worker without health checks needs none (and its threads). */
    private HttpClient http() {
        HttpClient client = http;
        if (client == null) {
            synchronized (this) {
                client = http;
                if (client == null) {
                    client = HttpClient.newBuilder()
                            .connectTimeout(timeout)
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .version(HttpClient.Version.HTTP_1_1)
                            .build();
                    http = client;
                }
            }
        }
        return client;
    }

    /**
     * Starts the probes that are due among {@code running} (the worker's running containers),
     * and forgets the containers that are no longer among them.
     */
    void probeDue(List<ContainerInfo> running, long nowNanos) {
        Set<String> seen = new HashSet<>();
        for (ContainerInfo container : running) {
            ContainerHealthCheck check = container.healthCheck();
            if (check == null || container.taskId() == null) {
                continue;
            }
            seen.add(container.id());
            Long next = due.get(container.id());
            if (next == null) {
                due.put(container.id(), nowNanos + check.interval().toNanos());
                continue;
            }
            if (nowNanos - next < 0 || inFlight.contains(container.id())) {
                continue;
            }
            due.put(container.id(), nowNanos + check.interval().toNanos());
            probe(container, check);
        }
        due.keySet().retainAll(seen);
    }

    /** The failures found since the last call, oldest first. */
    List<Failure> failures() {
        List<Failure> out = new ArrayList<>();
        for (Failure f = failures.poll(); f != null; f = failures.poll()) {
            out.add(f);
        }
        return out;
    }

    /** Forgets {@code containerId}: a probe in flight for it may still report. */
    void forget(String containerId) {
        due.remove(containerId);
    }

    private void probe(ContainerInfo container, ContainerHealthCheck check) {
        if (check.containerPort() == null) {
            fail(container, "health check failed: the task publishes no port to GET " + check.path() + " on");
            return;
        }
        OptionalInt hostPort = container.hostPort(check.containerPort());
        if (hostPort.isEmpty()) {
            fail(container, "health check failed: no host port is published for container port " + check.containerPort());
            return;
        }
        URI url;
        try {
            url = URI.create("http://" + host + ":" + hostPort.getAsInt() + check.path());
        } catch (IllegalArgumentException e) {
            fail(container, "health check failed: " + check.path() + " is not a valid path");
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
        inFlight.add(container.id());
        http().sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            try {
                if (error != null) {
                    fail(container, "health check failed: GET " + url + ": " + describe(error));
                } else if (response.statusCode() != 200) {
                    fail(container, "health check failed: GET " + url + " answered " + response.statusCode());
                }
            } finally {
                inFlight.remove(container.id());
            }
        });
    }

    private void fail(ContainerInfo container, String reason) {
        failures.add(new Failure(container.id(), container.taskId(), container.attempt(), reason));
    }

    /** Why a probe got no answer: {@code connection refused}, {@code no answer within 2 s}, or the client's message. */
    String describe(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpTimeoutException) {
                return "no answer within " + seconds(timeout);
            }
            if (t instanceof ConnectException) {
                return "connection refused";
            }
        }
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    @Override
    public void close() {
        HttpClient client = http;
        if (client != null) {
            client.shutdownNow();
        }
    }
}
