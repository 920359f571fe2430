package dev.cube.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cube workers} and {@code cube drain} against a canned HTTP server in this JVM. */
class WorkerCommandsTest {

    private static final String ONE_WORKER = """
            {"items":[{"id":"dev-worker","address":"host-1","status":"draining",
             "capacity":{"cpu":4,"memory":8192,"disk":10240},"allocated":{"cpu":1,"memory":128,"disk":0},
             "tasks":["t-1"],"stats":{"cpuUsage":0.25,"memoryUsed":2000,"diskUsed":5000,"loadAverage":0.5,"containers":1},
             "startedAt":"2026-01-01T00:00:00Z","lastSeen":"2026-01-01T00:00:01Z"}]}""";

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile int status;
    private volatile String contentType;
    private volatile String body;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        String sent = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + (sent.isEmpty() ? "" : " " + sent));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private void willAnswer(int status, String contentType, String body) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
    }

    private int cube(String... args) {
        CommandLine cli = Cube.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = args[0];
        all[1] = "--manager=http://127.0.0.1:" + server.getAddress().getPort();
        System.arraycopy(args, 1, all, 2, args.length - 1);
        return cli.execute(all);
    }

    @Test
    void workersShouldListWorkersAsATable() {
        willAnswer(200, "application/json", ONE_WORKER);

        int exit = cube("workers");

        assertThat(exit).isZero();
        assertThat(requests).containsExactly("GET /api/v1/workers");
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("ID").contains("STATUS", "CPU", "MEMORY MiB", "DISK GiB", "TASKS", "LAST SEEN");
        assertThat(lines.get(1)).startsWith("dev-worker").contains("draining", "1/4", "128/8192", "0/10", " 1 ");
    }

    @Test
    void nodeShouldBeTheBooksNameForWorkers() {
        willAnswer(200, "application/json", ONE_WORKER);

        assertThat(cube("node")).isZero();
        assertThat(out.toString()).contains("dev-worker");
    }

    @Test
    void workersShouldPrintEveryFieldAsJsonOnRequest() {
        willAnswer(200, "application/json", ONE_WORKER);

        int exit = cube("workers", "-o", "json");

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("\"id\" : \"dev-worker\"", "\"cpuUsage\" : 0.25", "\"containers\" : 1");
    }

    @Test
    void workersShouldRetryWhileTheManagerIsStarting() {
        willAnswer(503, "application/problem+json", "{\"title\":\"Service Unavailable\",\"status\":503}");

        int exit = cube("workers");

        assertThat(exit).isEqualTo(Cube.EXIT_FAILED);
        assertThat(requests).hasSizeGreaterThan(1).containsOnly("GET /api/v1/workers");
        assertThat(err.toString()).contains("Service Unavailable");
    }

    @Test
    void drainShouldPostAndSayTheWorkerIsDraining() {
        willAnswer(202, "application/json", "{\"id\":\"dev-worker\",\"status\":\"draining\"}");

        int exit = cube("drain", "dev-worker");

        assertThat(exit).isZero();
        assertThat(requests).containsExactly("POST /api/v1/workers/dev-worker/drain");
        assertThat(out.toString().strip()).isEqualTo("draining dev-worker");
    }

    @Test
    void drainUndoShouldPostUndrainAndSaySo() {
        willAnswer(202, "application/json", "{\"id\":\"dev-worker\",\"status\":\"ready\"}");

        int exit = cube("drain", "--undo", "dev-worker");

        assertThat(exit).isZero();
        assertThat(requests).containsExactly("POST /api/v1/workers/dev-worker/undrain");
        assertThat(out.toString().strip()).isEqualTo("undrained dev-worker");
    }

    @Test
    void drainShouldSayWhenThereIsNoSuchWorker() {
        willAnswer(404, "application/problem+json", "{\"title\":\"Not Found\",\"status\":404}");

        int exit = cube("drain", "w-9");

        assertThat(exit).isEqualTo(Cube.EXIT_FAILED);
        assertThat(requests).containsExactly("POST /api/v1/workers/w-9/drain");
        assertThat(err.toString().strip()).isEqualTo("cube: no worker w-9");
    }

    @Test
    void drainShouldEncodeTheWorkerIdInThePath() {
        willAnswer(202, "application/json", "");

        assertThat(cube("drain", "host 1/a")).isZero();
        assertThat(requests).containsExactly("POST /api/v1/workers/host%201%2Fa/drain");
    }

    @Test
    void drainShouldRequireAWorkerId() {
        willAnswer(202, "application/json", "");

        int exit = cube("drain");

        assertThat(exit).isEqualTo(2);
        assertThat(requests).isEmpty();
        assertThat(err.toString()).contains("Missing required parameter", "WORKER-ID");
    }

    @Test
    void workersShouldSayInOneLineWhenTheManagerCannotBeReached() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        CommandLine cli = Cube.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute("workers", "--manager", "http://127.0.0.1:" + closedPort);

        assertThat(exit).isEqualTo(Cube.EXIT_FAILED);
        assertThat(err.toString().lines()).containsExactly("cannot reach the Cube manager at http://127.0.0.1:" + closedPort
                + ": is it running? (start it with bin/cube dev)");
    }
}
