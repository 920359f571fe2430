package dev.cube.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The manager's streamed answers ({@code GET /api/v1/tasks/{id}/logs}, {@code GET /api/v1/events}), read
 * line by line as they arrive. An error answer becomes {@link ProblemException}; a manager that cannot be
 * connected to, {@link ManagerUnreachableException}; an answer broken off before its end,
 * {@link BrokenOffException}, so that a follower can go on from where it was.
 */
final class ManagerStreams {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration HEAD_TIMEOUT = Duration.ofSeconds(30);

    /** The answer stopped before its end: the connection was lost. */
    static final class BrokenOffException extends RuntimeException {
        BrokenOffException(Throwable cause) {
            super("the manager's answer broke off: " + cause.getMessage(), cause);
        }
    }

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

    ManagerStreams(URI base) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    }

    URI base() {
        return base;
    }

    /** Sends {@code GET pathAndQuery} and hands each line of the answer to {@code line} as it comes; returns at the answer's end. */
    void lines(String pathAndQuery, String accept, Map<String, String> headers, Consumer<String> line) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(HEAD_TIMEOUT)
                .header("Accept", accept + ", application/problem+json").GET();
        headers.forEach(request::header);
        HttpResponse<Stream<String>> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            if (isConnectFailure(e)) {
                throw new ManagerUnreachableException(base, e);
            }
            throw new BrokenOffException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CubeCliException("interrupted", e);
        }
        try (Stream<String> body = response.body()) {
            if (response.statusCode() >= 300) {
                throw new ProblemException(Problem.parse(response.statusCode(), body.collect(Collectors.joining("\n"))));
            }
            for (Iterator<String> lines = body.iterator(); lines.hasNext(); ) {
                line.accept(lines.next());
            }
        } catch (UncheckedIOException e) {
            throw new BrokenOffException(e.getCause());
        }
    }

    static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static boolean isConnectFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException || t instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }
}
