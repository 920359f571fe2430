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

/** The commands against a canned HTTP server in this JVM: what they send, print and exit with. */
class CubeCommandsTest {

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
        exchange.getResponseHeaders().add("Location", "/api/v1/tasks/t-1");
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
    void runShouldPostTheSpecAndPrintTheId() {
        willAnswer(202, "application/json", "{\"id\":\"t-1\"}");

        int exit = cube("run", "--image", "cube/busybox:local", "--", "echo", "hi");

        assertThat(exit).isZero();
        assertThat(out.toString().strip()).isEqualTo("t-1");
        assertThat(requests).singleElement().asString()
                .startsWith("POST /api/v1/tasks {")
                .contains("\"image\":\"cube/busybox:local\"", "\"command\":[\"echo\",\"hi\"]");
    }

    @Test
    void runShouldPrintTheProblemAndExit1WhenTheSpecIsRefused() {
        willAnswer(400, "application/problem+json",
                "{\"title\":\"Invalid task spec\",\"status\":400,\"errors\":[{\"field\":\"image\",\"message\":\"is not a valid image reference\"}]}");

        int exit = cube("run", "--image", "Not An Image");

        assertThat(exit).isEqualTo(Cube.EXIT_FAILED);
        assertThat(err.toString()).contains("error: Invalid task spec (400)", "  - image: is not a valid image reference");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void runShouldWaitUntilTheTaskSettles() {
        willAnswer(202, "application/json", "{\"id\":\"t-1\",\"state\":\"Running\"}");

        int exit = cube("run", "--wait", "--image", "cube/busybox:local");

        assertThat(exit).isZero();
        assertThat(out.toString().strip()).isEqualTo("t-1 Running");
        assertThat(requests.get(1)).isEqualTo("GET /api/v1/tasks/t-1");
    }

    @Test
    void psShouldListTasksAsATable() {
        willAnswer(200, "application/json", """
                {"items":[{"id":"t-1","name":"web","image":"cube/busybox:local","state":"Running",
                 "workerId":"dev-worker","containerId":"0123456789abcdef","submittedAt":"2026-01-01T00:00:00Z"}],
                 "nextOffset":null}""");

        int exit = cube("status", "--state", "Running");

        assertThat(exit).isZero();
        assertThat(requests).containsExactly("GET /api/v1/tasks?limit=100&state=Running");
        assertThat(out.toString().lines().toList()).hasSize(2);
        assertThat(out.toString()).contains("ID", "WORKER", "t-1", "web", "Running", "0123456789ab", "dev-worker");
    }

    @Test
    void psShouldFollowNextOffset() {
        willAnswer(200, "application/json", "{\"items\":[{\"id\":\"t-1\"}],\"nextOffset\":1}");

        int exit = cube("ps", "--limit", "2", "--output", "json");

        assertThat(exit).isZero();
        assertThat(requests).containsExactly("GET /api/v1/tasks?limit=2", "GET /api/v1/tasks?limit=1&offset=1");
        assertThat(out.toString()).contains("\"id\" : \"t-1\"");
    }

    @Test
    void stopShouldSayWhenThereIsNoSuchTask() {
        willAnswer(404, "application/problem+json", "{\"title\":\"Not Found\",\"status\":404}");

        int exit = cube("stop", "t-9");

        assertThat(exit).isEqualTo(Cube.EXIT_FAILED);
        assertThat(requests).containsExactly("DELETE /api/v1/tasks/t-9");
        assertThat(err.toString().strip()).isEqualTo("cube: no task t-9");
    }

    @Test
    void stopShouldPrintThatTheTaskIsStopping() {
        willAnswer(202, "application/json", "");

        assertThat(cube("stop", "t-1")).isZero();
        assertThat(out.toString().strip()).isEqualTo("stopping t-1");
    }

    @Test
    void shouldSayInOneLineWhenTheManagerCannotBeReached() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        CommandLine cli = Cube.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute("ps", "--manager", "http://127.0.0.1:" + closedPort);

        assertThat(exit).isEqualTo(Cube.EXIT_FAILED);
        assertThat(err.toString().lines()).containsExactly("cannot reach the Cube manager at http://127.0.0.1:" + closedPort
                + ": is it running? (start it with bin/cube dev)");
    }
}
