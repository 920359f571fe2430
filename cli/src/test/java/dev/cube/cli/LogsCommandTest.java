package dev.cube.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cube logs ID}: a task's output, stdout on stdout and stderr on stderr; against a canned manager. */
class LogsCommandTest {

    static final String ID = "3f0c9a1e-5b7d-4c1e-9f00-4a1b2c3d4e5f";
    static final String TASK = "{\"id\":\"" + ID + "\",\"state\":\"Completed\",\"attempt\":1}";
    static final String RECORDS = """
            {"taskId":"%1$s","attempt":1,"seq":1,"kind":"line","workerId":"w1","time":"2026-01-31T12:00:00.1Z","stream":"stdout","line":"hello from Cube"}
            {"taskId":"%1$s","attempt":1,"seq":2,"kind":"line","workerId":"w1","time":"2026-01-31T12:00:00.2Z","stream":"stderr","line":"oops"}
            {"taskId":"%1$s","attempt":1,"seq":3,"kind":"cut","workerId":"w1","time":"2026-01-31T12:00:00.3Z","reason":"the attempt wrote more than 2 lines"}
            {"taskId":"%1$s","attempt":1,"seq":4,"kind":"end","workerId":"w1","time":"2026-01-31T12:00:00.4Z"}
            """.formatted(ID);

    private final CannedManager manager = CannedManager.start();

    @AfterEach
    void stop() {
        manager.close();
    }

    @Test
    void printsTheLinesOfStdoutOnStdoutAndOfStderrOnStderrWithACutSaidOnStderr() {
        manager.on("GET /api/v1/tasks/" + ID, 200, TASK).on("GET /api/v1/tasks/" + ID + "/logs?follow=false", 200, RECORDS);

        CubeRun run = manager.cube("logs", ID);

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("hello from Cube" + System.lineSeparator());
        assertThat(run.err()).contains("oops").contains("cube: the output was cut here: the attempt wrote more than 2 lines");
    }

    @Test
    void asksForTheAttemptAndStreamGivenAndFollows() {
        manager.on("GET /api/v1/tasks/" + ID, 200, TASK)
                .on("GET /api/v1/tasks/" + ID + "/logs?follow=true&attempt=2&stream=stderr", 200, RECORDS);

        CubeRun run = manager.cube("logs", "-f", "--attempt", "2", "--stream", "stderr", ID);

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(manager.requests()).contains("GET /api/v1/tasks/" + ID + "/logs?follow=true&attempt=2&stream=stderr");
    }

    @Test
    void aManagerThatRefusesTheQueryFailsTheCommandWithItsProblem() {
        manager.on("GET /api/v1/tasks/" + ID, 200, TASK).on("GET /api/v1/tasks/" + ID + "/logs?follow=false&attempt=7", 400, """
                {"type":"https://cube.dev/problems/invalid-request","title":"Invalid query","status":400,
                 "detail":"attempt: must be a whole number from 1 to 1 (the task's attempts)",
                 "errors":[{"field":"attempt","message":"must be a whole number from 1 to 1 (the task's attempts)"}]}""");

        CubeRun run = manager.cube("logs", "--attempt", "7", ID);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("attempt").contains("from 1 to 1");
    }

    @Test
    void anAttemptBelowOneOrAnUnknownStreamIsAUsageError() {
        assertThat(manager.cube("logs", "--attempt", "0", ID).exit()).isEqualTo(2);
        assertThat(manager.cube("logs", "--stream", "both", ID).exit()).isEqualTo(2);
        assertThat(manager.requests()).isEmpty();
    }
}
