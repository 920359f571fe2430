package dev.cube.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cube events}: the log's events one line each, paged or followed; against a canned manager. */
class EventsCommandTest {

    static final String ID = "3f0c9a1e-5b7d-4c1e-9f00-4a1b2c3d4e5f";
    static final String SUBMITTED = """
            {"cursor":"0:0,1:0,2:41,3:0","topic":"cube.task-events","partition":2,"offset":40,"logTime":"2026-01-31T12:00:00.101Z",
             "event":{"type":"dev.cube.task.submitted","subject":"%s","data":{"spec":{"image":"cube/busybox:local"}}}}""".formatted(ID).replace("\n", "");
    static final String RUNNING = """
            {"cursor":"0:0,1:0,2:43,3:0","topic":"cube.task-events","partition":2,"offset":42,"logTime":"2026-01-31T12:00:00.512Z",
             "event":{"type":"dev.cube.task.running","subject":"%s","data":{"workerId":"w1","attempt":1,"containerId":"8d2e41f07a9c5b3e1f60"}}}""".formatted(ID).replace("\n", "");

    private final CannedManager manager = CannedManager.start();

    @AfterEach
    void stop() {
        manager.close();
    }

    @Test
    void printsOneLinePerEventPageAfterPageUntilTheLogsEnd() {
        manager.on("GET /api/v1/events?workers=false&limit=1000", 200, "{\"items\":[" + SUBMITTED + "],\"next\":\"0:0,1:0,2:41,3:0\"}")
                .on("GET /api/v1/events?workers=false&from=0%3A0%2C1%3A0%2C2%3A41%2C3%3A0&limit=1000", 200,
                        "{\"items\":[" + RUNNING + "],\"next\":\"0:0,1:0,2:43,3:0\"}")
                .on("GET /api/v1/events?workers=false&from=0%3A0%2C1%3A0%2C2%3A43%2C3%3A0&limit=1000", 200,
                        "{\"items\":[],\"next\":\"0:0,1:0,2:43,3:0\"}");

        CubeRun run = manager.cube("events");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out().lines().toList()).hasSize(2);
        assertThat(run.out().lines().toList().get(0)).startsWith("2026-01-31T12:00:00.101Z").contains(ID).contains("submitted");
        assertThat(run.out().lines().toList().get(1)).contains("running").contains("attempt 1 on w1, container 8d2e41f07a9c");
    }

    @Test
    void followsServerSentEventsPrintingEachAsJsonWithItsCursorAndSkippingComments() {
        manager.on("GET /api/v1/tasks/" + ID, 200, "{\"id\":\"" + ID + "\"}")
                .on("GET /api/v1/events?workers=false&task=" + ID + "&type=submitted%2Crunning&follow=true", 200,
                        ": following from 2:0\n\nid: 0:0,1:0,2:41,3:0\ndata: " + SUBMITTED + "\n\n: keep-alive\n\nid: 0:0,1:0,2:43,3:0\ndata: " + RUNNING + "\n\n");

        CubeRun run = manager.cube("events", "-f", "--task", ID, "--type", "submitted", "--type", "running", "--json");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out().lines().toList()).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("{\"cursor\":"));
    }

    @Test
    void aTypeTheManagerDoesNotKnowFailsTheCommandWithItsProblem() {
        manager.on("GET /api/v1/events?workers=false&type=teleported&limit=1000", 400, """
                {"type":"https://cube.dev/problems/invalid-request","title":"Invalid query","status":400,"detail":"type: must be event types",
                 "errors":[{"field":"type","message":"must be event types"}]}""");

        CubeRun run = manager.cube("events", "--type", "teleported");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("type");
    }
}
