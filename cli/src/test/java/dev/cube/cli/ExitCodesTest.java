package dev.cube.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

/** 0 for success, 2 only for usage errors (picocli's), 1 for every failure: what scripts around cube rely on. */
class ExitCodesTest {

    private static final String TASKS = "{\"items\":[],\"nextOffset\":null}";

    private final CannedManager manager = CannedManager.start();

    @AfterEach
    void stop() {
        manager.close();
    }

    @Test
    void successIs0() {
        manager.on("GET /api/v1/tasks?limit=100", 200, TASKS);

        assertThat(manager.cube("ps").exit()).isZero();
        assertThat(CubeRun.of("--help").exit()).isZero();
        assertThat(CubeRun.of("run", "--help").exit()).isZero();
        assertThat(CubeRun.of("--version").exit()).isZero();
    }

    @Test
    void usageErrorsAre2AndSayWhatIsWrongWithoutTalkingToTheManager() {
        CubeRun unknownOption = manager.cube("ps", "--colour");
        CubeRun badPort = manager.cube("run", "--image", "cube/busybox:local", "-p", "http");
        CubeRun noImage = manager.cube("run", "--", "echo", "hi");
        CubeRun missingId = manager.cube("stop");
        CubeRun statusWithoutId = manager.cube("status", "--json");
        CubeRun unknownCommand = CubeRun.of("launch");
        CubeRun badInstant = CubeRun.of("replay", "--from", "yesterday");
        CubeRun badState = CubeRun.of("replay", "--state", "sleepy");
        CubeRun optionsThatClash = CubeRun.of("replay", "--verify", "--from", "2026-01-31T12:00:00Z");

        assertThat(unknownOption.exit()).isEqualTo(Cube.EXIT_USAGE);
        assertThat(unknownOption.err()).contains("Unknown option: '--colour'");
        assertThat(badPort.exit()).isEqualTo(Cube.EXIT_USAGE);
        assertThat(badPort.err()).contains("'http'", "[HOST:]CONTAINER");
        assertThat(noImage.exit()).isEqualTo(Cube.EXIT_USAGE);
        assertThat(noImage.err()).contains("missing --image");
        assertThat(missingId.exit()).isEqualTo(Cube.EXIT_USAGE);
        assertThat(statusWithoutId.exit()).isEqualTo(Cube.EXIT_USAGE);
        assertThat(statusWithoutId.err()).contains("Missing required parameter: 'ID'");
        assertThat(unknownCommand.exit()).isEqualTo(Cube.EXIT_USAGE);
        assertThat(badInstant.exit()).isEqualTo(Cube.EXIT_USAGE);
        assertThat(badInstant.err()).contains("'yesterday' is not an ISO-8601 instant");
        assertThat(badState.exit()).isEqualTo(Cube.EXIT_USAGE);
        assertThat(optionsThatClash.exit()).isEqualTo(Cube.EXIT_USAGE);
        assertThat(optionsThatClash.err()).contains("--verify reads the whole log");
        assertThat(manager.requests()).isEmpty();
    }

    @Test
    void anUnreachableManagerIs1() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        CubeRun ps = CubeRun.of("ps", "--manager", "http://127.0.0.1:" + closedPort);

        assertThat(ps.exit()).isEqualTo(Cube.EXIT_FAILED);
        assertThat(ps.err().lines()).containsExactly("cannot reach the Cube manager at http://127.0.0.1:" + closedPort
                + ": is it running? (start it with bin/cube dev)");
    }

    @Test
    void aRefusalIs1WhetherTheManagerBlamesTheRequestOrItself() {
        manager.on("POST /api/v1/tasks", 400, "{\"title\":\"Invalid task spec\",\"status\":400,\"detail\":\"memory: must be 0 (no limit) or at least 6 MB\"}");
        manager.on("GET /api/v1/tasks?limit=100", 500, "{\"title\":\"Internal server error\",\"status\":500}");
        manager.on("GET /api/v1/tasks/t-1", 200, "{\"id\":\"t-1\",\"state\":\"Completed\"}");
        manager.on("DELETE /api/v1/tasks/t-1", 409, "{\"title\":\"Conflict\",\"status\":409,\"detail\":\"task t-1 is already Completed\"}");

        CubeRun refused = manager.cube("run", "--image", "cube/busybox:local", "--memory", "1");
        CubeRun broken = manager.cube("ps");
        CubeRun conflict = manager.cube("stop", "t-1");

        assertThat(refused.exit()).isEqualTo(Cube.EXIT_FAILED);
        assertThat(refused.err()).contains("error: Invalid task spec (400): memory: must be 0 (no limit) or at least 6 MB");
        assertThat(broken.exit()).isEqualTo(Cube.EXIT_FAILED);
        assertThat(broken.err()).contains("error: Internal server error (500)");
        assertThat(conflict.exit()).isEqualTo(Cube.EXIT_FAILED);
        assertThat(conflict.err()).contains("task t-1 is already Completed");
    }

    @Test
    void anAnswerThatIsNotJsonIs1() {
        manager.on("GET /api/v1/tasks?limit=100", 200, "<html>a proxy's login page</html>");

        CubeRun ps = manager.cube("ps");

        assertThat(ps.exit()).isEqualTo(Cube.EXIT_FAILED);
        assertThat(ps.err()).startsWith("cube: the manager answered something that is not JSON");
    }

    @Test
    void aWaitThatTimesOutIs1() {
        manager.on("POST /api/v1/tasks", 202, "{\"id\":\"t-1\",\"state\":\"Pending\"}");
        manager.on("GET /api/v1/tasks/t-1", 200, "{\"id\":\"t-1\",\"state\":\"Pending\"}");

        CubeRun run = manager.cube("run", "--image", "cube/busybox:local", "--wait", "--timeout", "1s");

        assertThat(run.exit()).isEqualTo(Cube.EXIT_FAILED);
        assertThat(run.err()).contains("task t-1 is still Pending after 1s");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aTaskThatEndsBadlyUnderWaitIs1() {
        manager.on("POST /api/v1/tasks", 202, "{\"id\":\"t-1\",\"state\":\"Pending\"}");
        manager.on("GET /api/v1/tasks/t-1", 200, "{\"id\":\"t-1\",\"state\":\"Failed\",\"exitCode\":3}");

        CubeRun run = manager.cube("run", "--image", "cube/busybox:local", "--wait");

        assertThat(run.exit()).isEqualTo(Cube.EXIT_FAILED);
        assertThat(run.out().strip()).isEqualTo("t-1 Failed");
    }
}
