package dev.cube.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the manager's HTTP API on a loopback port, for the command tests. Each
 * {@code METHOD path?query} answers the responses given for it in order, the last one again and
 * again; anything else answers a 404 problem. Every request is recorded.
 */
final class CannedManager implements AutoCloseable {

    record Answer(int status, String body) {
    }

    private final HttpServer server;
    private final Map<String, List<Answer>> answers = new ConcurrentHashMap<>();
    private final Map<String, Integer> served = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    private CannedManager(HttpServer server) {
        this.server = server;
    }

    static CannedManager start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            CannedManager manager = new CannedManager(server);
            server.createContext("/", manager::answer);
            server.start();
            return manager;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds an answer to {@code request} ({@code "GET /api/v1/tasks/t-1"}); several calls answer in turn. */
    CannedManager on(String request, int status, String body) {
        answers.computeIfAbsent(request, key -> new CopyOnWriteArrayList<>()).add(new Answer(status, body));
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The requests received, as {@code METHOD path?query} followed by the body when there is one. */
    List<String> requests() {
        return new ArrayList<>(requests);
    }

    /** Runs {@code cube <command> --manager=<this> <rest...>}. */
    CubeRun cube(String command, String... rest) {
        List<String> args = new ArrayList<>(List.of(command, "--manager=" + url()));
        args.addAll(List.of(rest));
        return CubeRun.of(args.toArray(String[]::new));
    }

    private void answer(HttpExchange exchange) throws IOException {
        String sent = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String request = exchange.getRequestMethod() + " " + exchange.getRequestURI();
        requests.add(request + (sent.isEmpty() ? "" : " " + sent));
        List<Answer> canned = answers.get(request);
        Answer answer;
        if (canned == null) {
            answer = new Answer(404, "{\"type\":\"https://cube.dev/problems/not-found\",\"title\":\"Not found\",\"status\":404}");
        } else {
            int turn = served.merge(request, 1, Integer::sum) - 1;
            answer = canned.get(Math.min(turn, canned.size() - 1));
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", answer.status() >= 400 ? "application/problem+json" : "application/json");
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
