package dev.cube.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.wire.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cube status ID}: one task in detail, with its attempts and timeline; against a canned manager. */
class StatusCommandTest {

    static final String ID = "3f0c9a1e-5b7d-4c1e-9f00-4a1b2c3d4e5f";
    private static final Instant NOW = Instant.parse("2026-01-31T12:01:00Z");

    /** A web task whose first attempt failed with exit 3 and whose second runs, published on 49153. */
    static final String TASK = """
            {"id":"%s","name":"web","image":"cube/busybox:local","command":["sh","-c","httpd -f -p 8080"],
             "env":{"MODE":"dev"},"cpu":0.5,"memory":64,"ports":[{"containerPort":8080,"protocol":"tcp"}],
             "restartPolicy":{"mode":"on-failure","maxRestarts":3,"backoffSeconds":1},
             "healthCheck":{"path":"/","port":8080,"intervalSeconds":5},"labels":{},
             "state":"Running","desiredState":"Running","attempt":2,"workerId":"w1",
             "containerId":"abcdef0123456789abcdef","publishedPorts":[{"containerPort":8080,"hostPort":49153,"hostIp":"0.0.0.0"}],
             "submittedAt":"2026-01-31T12:00:00.100Z","scheduledAt":"2026-01-31T12:00:01.800Z",
             "startedAt":"2026-01-31T12:00:02.140Z","updatedAt":"2026-01-31T12:00:02.140Z","eventCount":6}""".formatted(ID);

    static final String HISTORY = """
            {"items":[
             {"partition":2,"offset":40,"logTime":"2026-01-31T12:00:00.101Z","outcome":"applied",
              "event":{"type":"dev.cube.task.submitted","data":{"spec":{"image":"cube/busybox:local"}}}},
             {"partition":2,"offset":41,"logTime":"2026-01-31T12:00:00.163Z","outcome":"applied",
              "event":{"type":"dev.cube.task.scheduled","data":{"workerId":"w1","attempt":1}}},
             {"partition":2,"offset":42,"logTime":"2026-01-31T12:00:00.512Z","outcome":"applied",
              "event":{"type":"dev.cube.task.running","data":{"workerId":"w1","attempt":1,"containerId":"0123456789abcdef0123","ports":[]}}},
             {"partition":2,"offset":43,"logTime":"2026-01-31T12:00:01.644Z","outcome":"applied",
              "event":{"type":"dev.cube.task.failed","data":{"attempt":1,"exitCode":3,"reason":"exited with code 3","oomKilled":false}}},
             {"partition":2,"offset":44,"logTime":"2026-01-31T12:00:01.801Z","outcome":"applied",
              "event":{"type":"dev.cube.task.scheduled","data":{"workerId":"w1","attempt":2}}},
             {"partition":2,"offset":45,"logTime":"2026-01-31T12:00:01.900Z","outcome":"ignored",
              "reason":"a report about attempt 1, the task is at attempt 2",
              "event":{"type":"dev.cube.task.failed","data":{"attempt":1,"exitCode":3,"reason":"exited with code 3","oomKilled":false}}},
             {"partition":2,"offset":46,"logTime":"2026-01-31T12:00:02.140Z","outcome":"applied",
              "event":{"type":"dev.cube.task.running","data":{"workerId":"w1","attempt":2,"containerId":"abcdef0123456789abcdef","ports":[]}}}
            ]}""";

    private final CannedManager manager = CannedManager.start();

    @AfterEach
    void stop() {
        manager.close();
    }

    private static JsonNode json(String text) throws IOException {
        return Json.MAPPER.readTree(text);
    }

    private static List<JsonNode> items(String history) throws IOException {
        List<JsonNode> items = new ArrayList<>();
        json(history).get("items").forEach(items::add);
        return items;
    }

    @Test
    void shouldShowTheSpecTheStateWhereItRunsAndBothKindsOfPorts() throws IOException {
        String detail = TaskDetail.format(json(TASK), items(HISTORY), NOW);

        assertThat(detail.lines()).contains(
                "ID:             " + ID,
                "NAME:           web",
                "IMAGE:          cube/busybox:local",
                "COMMAND:        sh -c 'httpd -f -p 8080'",
                "STATE:          Running",
                "DESIRED:        Running",
                "ATTEMPT:        2 (restart: on-failure, at most 3 restarts)",
                "WORKER:         w1",
                "CONTAINER:      abcdef0123456789abcdef",
                "PORTS:          8080/tcp",
                "PUBLISHED:      0.0.0.0:49153->8080/tcp",
                "RESOURCES:      cpu 0.5, memory 64 MB",
                "HEALTH CHECK:   GET / on port 8080 every 5s",
                "ENV:            MODE=dev",
                "SUBMITTED:      2026-01-31T12:00:00.100Z (59s ago)",
                "EVENTS:         6");
        assertThat(detail).doesNotContain("EXIT CODE:", "LABELS:", "FINISHED:", "REASON:");
    }

    @Test
    void shouldListEachAttemptWithWhereItRanAndHowItEnded() throws IOException {
        String detail = TaskDetail.format(json(TASK), items(HISTORY), NOW);

        assertThat(detail.lines()).containsSubsequence(
                "ATTEMPT   WORKER   CONTAINER      SCHEDULED                  ENDED                      RESULT",
                "1         w1       0123456789ab   2026-01-31T12:00:00.163Z   2026-01-31T12:00:01.644Z   failed, exit 3: exited with code 3",
                "2         w1       abcdef012345   2026-01-31T12:00:01.801Z   -                          running");
    }

    @Test
    void shouldShowTheTimelineWithOffsetsLogTimesTypesAndOutcomes() throws IOException {
        String detail = TaskDetail.format(json(TASK), items(HISTORY), NOW);

        assertThat(detail.lines()).containsSubsequence(
                "LOG TIME                   P:OFFSET   TYPE        OUTCOME   DETAIL",
                "2026-01-31T12:00:00.101Z   2:40       submitted   applied   -",
                "2026-01-31T12:00:00.163Z   2:41       scheduled   applied   attempt 1 on w1",
                "2026-01-31T12:00:00.512Z   2:42       running     applied   attempt 1 on w1, container 0123456789ab",
                "2026-01-31T12:00:01.644Z   2:43       failed      applied   attempt 1, exit 3: exited with code 3",
                "2026-01-31T12:00:01.801Z   2:44       scheduled   applied   attempt 2 on w1",
                "2026-01-31T12:00:01.900Z   2:45       failed      ignored   a report about attempt 1, the task is at attempt 2",
                "2026-01-31T12:00:02.140Z   2:46       running     applied   attempt 2 on w1, container abcdef012345");
    }

    @Test
    void aTaskNeverPlacedHasNoAttemptsSectionAndSaysWhy() throws IOException {
        JsonNode pending = json("""
                {"id":"t-1","image":"cube/busybox:local","command":[],"ports":[],"state":"Pending","desiredState":"Running",
                 "attempt":0,"reason":"no live worker has room","publishedPorts":[],"eventCount":1}""");

        String detail = TaskDetail.format(pending, List.of(), NOW);

        assertThat(detail.lines()).contains("COMMAND:     (the image's)", "REASON:      no live worker has room",
                "ATTEMPT:     0 (restart: never)", "WORKER:      -", "PORTS:       -", "PUBLISHED:   -");
        assertThat(detail).doesNotContain("SCHEDULED   ENDED");
    }

    @Test
    void statusShouldTakeAUniquePrefixAndPrintTheDetail() {
        manager.on("GET /api/v1/tasks?limit=1000", 200, "{\"items\":[" + TASK + ",{\"id\":\"9b2d\"}],\"nextOffset\":null}");
        manager.on("GET /api/v1/tasks/" + ID, 200, TASK);
        manager.on("GET /api/v1/tasks/" + ID + "/history", 200, HISTORY);

        CubeRun status = manager.cube("status", "3f0c");

        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.out()).contains("ID:             " + ID, "PUBLISHED:      0.0.0.0:49153->8080/tcp", "2:46");
        assertThat(status.err()).isEmpty();
    }

    @Test
    void statusJsonShouldCarryTheTaskAndItsHistoryAsTheApiAnswersThem() throws IOException {
        manager.on("GET /api/v1/tasks/" + ID, 200, TASK);
        manager.on("GET /api/v1/tasks/" + ID + "/history", 200, HISTORY);

        CubeRun status = manager.cube("status", ID, "--json");

        assertThat(status.exit()).as(status.err()).isZero();
        JsonNode out = json(status.out());
        assertThat(out.get("task")).isEqualTo(json(TASK));
        assertThat(out.get("history")).isEqualTo(json(HISTORY).get("items"));
    }

    @Test
    void statusShouldSayWhenNoTaskMatches() {
        manager.on("GET /api/v1/tasks?limit=1000", 200, "{\"items\":[],\"nextOffset\":null}");

        CubeRun status = manager.cube("status", "nope");

        assertThat(status.exit()).isEqualTo(Cube.EXIT_FAILED);
        assertThat(status.err().strip()).isEqualTo("cube: no task has an id starting with 'nope'");
        assertThat(status.out()).isEmpty();
    }
}
