package dev.cube.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The commands against a canned manager in this JVM: what they send, print and exit with. */
class CubeCommandsTest {

    private static final String THREE_TASKS = """
            {"items":[{"id":"3f0c9a1e-0000-4000-8000-000000000001","state":"Running"},
                      {"id":"3f0c77aa-0000-4000-8000-000000000002","state":"Pending"},
                      {"id":"9b2d41c0-0000-4000-8000-000000000003","state":"Completed"}],"nextOffset":null}""";

    private final CannedManager manager = CannedManager.start();

    @AfterEach
    void stop() {
        manager.close();
    }

    @Test
    void runShouldPostTheSpecAndPrintTheId() {
        manager.on("POST /api/v1/tasks", 202, "{\"id\":\"t-1\",\"state\":\"Pending\"}");

        CubeRun run = manager.cube("run", "--image", "cube/busybox:local", "--", "echo", "hi");

        assertThat(run.exit()).isZero();
        assertThat(run.out().strip()).isEqualTo("t-1");
        assertThat(manager.requests()).singleElement().asString()
                .startsWith("POST /api/v1/tasks {")
                .contains("\"image\":\"cube/busybox:local\"", "\"command\":[\"echo\",\"hi\"]");
    }

    @Test
    void runShouldPrintTheProblemAndExit1WhenTheSpecIsRefused() {
        manager.on("POST /api/v1/tasks", 400,
                "{\"title\":\"Invalid task spec\",\"status\":400,\"errors\":[{\"field\":\"image\",\"message\":\"is not a valid image reference\"}]}");

        CubeRun run = manager.cube("run", "--image", "Not An Image");

        assertThat(run.exit()).isEqualTo(Cube.EXIT_FAILED);
        assertThat(run.err()).contains("error: Invalid task spec (400)", "  - image: is not a valid image reference");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void runShouldWaitUntilTheTaskSettles() {
        manager.on("POST /api/v1/tasks", 202, "{\"id\":\"t-1\",\"state\":\"Pending\"}");
        manager.on("GET /api/v1/tasks/t-1", 200, "{\"id\":\"t-1\",\"state\":\"Running\"}");

        CubeRun run = manager.cube("run", "--wait", "--image", "cube/busybox:local");

        assertThat(run.exit()).isZero();
        assertThat(run.out().strip()).isEqualTo("t-1 Running");
        assertThat(manager.requests().get(1)).isEqualTo("GET /api/v1/tasks/t-1");
    }

    @Test
    void runWaitShouldShowEachChangeOfStateOnStderrAndOnlyTheResultOnStdout() {
        manager.on("POST /api/v1/tasks", 202, "{\"id\":\"t-1\",\"state\":\"Pending\"}");
        manager.on("GET /api/v1/tasks/t-1", 404, "{\"title\":\"Not found\",\"status\":404}")
                .on("GET /api/v1/tasks/t-1", 200, "{\"id\":\"t-1\",\"state\":\"Pending\",\"attempt\":0,\"reason\":\"no live worker has room\"}")
                .on("GET /api/v1/tasks/t-1", 200, "{\"id\":\"t-1\",\"state\":\"Pending\",\"attempt\":0,\"reason\":\"no live worker has room\"}")
                .on("GET /api/v1/tasks/t-1", 200, "{\"id\":\"t-1\",\"state\":\"Scheduled\",\"attempt\":1,\"workerId\":\"w1\"}")
                .on("GET /api/v1/tasks/t-1", 200, """
                        {"id":"t-1","state":"Running","attempt":1,"workerId":"w1","containerId":"0123456789abcdef",
                         "ports":[{"containerPort":8080,"protocol":"tcp"}],
                         "publishedPorts":[{"containerPort":8080,"hostPort":49153,"hostIp":"0.0.0.0"}]}""");

        CubeRun run = manager.cube("run", "--wait", "--image", "cube/busybox:local", "-p", "8080");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out().lines()).containsExactly("t-1 Running");
        assertThat(run.err().lines()).containsExactly(
                "submitted t-1, waiting up to 6m for it to run",
                "Pending: no live worker has room",
                "Scheduled: attempt 1 on w1",
                "Running: attempt 1 on w1, container 0123456789ab, published 0.0.0.0:49153->8080/tcp");
    }

    @Test
    void runWaitShouldSayHowATaskEnded() {
        manager.on("POST /api/v1/tasks", 202, "{\"id\":\"t-1\",\"state\":\"Pending\"}");
        manager.on("GET /api/v1/tasks/t-1", 200,
                "{\"id\":\"t-1\",\"state\":\"Failed\",\"attempt\":1,\"workerId\":\"w1\",\"exitCode\":3,\"reason\":\"exited with code 3\"}");

        CubeRun run = manager.cube("run", "--wait", "--timeout", "90s", "--image", "cube/busybox:local");

        assertThat(run.exit()).isEqualTo(Cube.EXIT_FAILED);
        assertThat(run.out().lines()).containsExactly("t-1 Failed");
        assertThat(run.err().lines()).containsExactly(
                "submitted t-1, waiting up to 1m30s for it to run",
                "Failed: attempt 1 on w1, exit 3, exited with code 3");
    }

    @Test
    void psShouldListTasksAsATable() {
        manager.on("GET /api/v1/tasks?limit=100&state=Running", 200, """
                {"items":[{"id":"t-1","name":"web","image":"cube/busybox:local","state":"Running",
                 "workerId":"dev-worker","containerId":"0123456789abcdef","submittedAt":"2026-01-01T00:00:00Z"}],
                 "nextOffset":null}""");

        CubeRun ps = manager.cube("ps", "--state", "Running");

        assertThat(ps.exit()).isZero();
        assertThat(manager.requests()).containsExactly("GET /api/v1/tasks?limit=100&state=Running");
        assertThat(ps.out().lines().toList()).hasSize(2);
        assertThat(ps.out()).contains("ID", "WORKER", "t-1", "web", "Running", "0123456789ab", "dev-worker");
    }

    @Test
    void psShouldFollowNextOffset() {
        manager.on("GET /api/v1/tasks?limit=2", 200, "{\"items\":[{\"id\":\"t-1\"}],\"nextOffset\":1}");
        manager.on("GET /api/v1/tasks?limit=1&offset=1", 200, "{\"items\":[{\"id\":\"t-2\"}],\"nextOffset\":null}");

        CubeRun ps = manager.cube("ps", "--limit", "2", "--output", "json");

        assertThat(ps.exit()).isZero();
        assertThat(manager.requests()).containsExactly("GET /api/v1/tasks?limit=2", "GET /api/v1/tasks?limit=1&offset=1");
        assertThat(ps.out()).contains("\"id\" : \"t-1\"", "\"id\" : \"t-2\"");
    }

    @Test
    void stopShouldStopTheTaskWhoseWholeIdIsGiven() {
        manager.on("GET /api/v1/tasks/t-1", 200, "{\"id\":\"t-1\",\"state\":\"Running\"}");
        manager.on("DELETE /api/v1/tasks/t-1", 202, "{\"id\":\"t-1\",\"desiredState\":\"Stopped\"}");

        CubeRun stop = manager.cube("stop", "t-1");

        assertThat(stop.exit()).isZero();
        assertThat(stop.out().strip()).isEqualTo("stopping t-1");
        assertThat(manager.requests()).containsExactly("GET /api/v1/tasks/t-1", "DELETE /api/v1/tasks/t-1");
    }

    @Test
    void stopShouldStopTheOneTaskWhoseIdStartsWithAUniquePrefix() {
        manager.on("GET /api/v1/tasks?limit=1000", 200, THREE_TASKS);
        manager.on("DELETE /api/v1/tasks/9b2d41c0-0000-4000-8000-000000000003", 202, "{}");

        CubeRun stop = manager.cube("stop", "9b");

        assertThat(stop.exit()).as(stop.err()).isZero();
        assertThat(stop.out().strip()).isEqualTo("stopping 9b2d41c0-0000-4000-8000-000000000003");
        assertThat(manager.requests()).last().isEqualTo("DELETE /api/v1/tasks/9b2d41c0-0000-4000-8000-000000000003");
    }

    @Test
    void stopShouldRefuseAnAmbiguousPrefixListingTheCandidatesAndStopNothing() {
        manager.on("GET /api/v1/tasks?limit=1000", 200, THREE_TASKS);

        CubeRun stop = manager.cube("stop", "3f0c");

        assertThat(stop.exit()).isEqualTo(Cube.EXIT_FAILED);
        assertThat(stop.err().lines()).containsExactly(
                "cube: '3f0c' is the start of 2 task ids, give more of the one you mean:",
                "  3f0c77aa-0000-4000-8000-000000000002",
                "  3f0c9a1e-0000-4000-8000-000000000001");
        assertThat(manager.requests()).noneMatch(request -> request.startsWith("DELETE"));
    }

    @Test
    void stopShouldSayWhenNoTaskIdStartsWithWhatIsGiven() {
        manager.on("GET /api/v1/tasks?limit=1000", 200, THREE_TASKS);

        CubeRun stop = manager.cube("stop", "t-9");

        assertThat(stop.exit()).isEqualTo(Cube.EXIT_FAILED);
        assertThat(stop.err().strip()).isEqualTo("cube: no task has an id starting with 't-9'");
        assertThat(manager.requests()).noneMatch(request -> request.startsWith("DELETE"));
    }

    @Test
    void aPrefixIsLookedForOnEveryPageOfTasks() {
        manager.on("GET /api/v1/tasks?limit=1000", 200, "{\"items\":[{\"id\":\"aaa-1\"}],\"nextOffset\":1000}");
        manager.on("GET /api/v1/tasks?limit=1000&offset=1000", 200, "{\"items\":[{\"id\":\"bbb-2\"}],\"nextOffset\":null}");
        manager.on("DELETE /api/v1/tasks/bbb-2", 202, "{}");

        CubeRun stop = manager.cube("stop", "bbb");

        assertThat(stop.exit()).as(stop.err()).isZero();
        assertThat(stop.out().strip()).isEqualTo("stopping bbb-2");
    }

    @Test
    void aLongListOfCandidatesIsCut() {
        java.util.List<String> ids = java.util.stream.IntStream.range(0, 12).mapToObj(i -> "x-" + (char) ('a' + i)).toList();

        String message = TaskIds.ambiguous("x-", ids);

        assertThat(message.lines()).hasSize(1 + TaskIds.CANDIDATES_SHOWN + 1).last().asString().isEqualTo("  and 2 more");
    }
}
