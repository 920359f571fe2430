package dev.cube.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.cli.Cube;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's ways to submit a task that are not plain HTTP: the cube command and a kcat one-liner. */
class CliAndKcatIT {

    static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = Cluster.start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void cubeRunWaitsForTheTaskAndCubePsAndStopSeeIt() {
        Result run = cube("run", "--image", "cube/busybox:local", "--name", "hello-cli", "--wait", "--", "sh", "-c", "echo hello");
        assertThat(run.exitCode).as(run.err).isZero();
        String id = run.out.trim().split("\\s+")[0];
        cluster.awaitState(id, "Completed");

        Result sleeper = cube("run", "--image", "cube/busybox:local", "--name", "sleeper", "--", "sleep", "300");
        String sleeperId = sleeper.out.trim().split("\\s+")[0];
        cluster.awaitState(sleeperId, "Running");

        Result ps = cube("ps");
        assertThat(ps.exitCode).as(ps.err).isZero();
        assertThat(ps.out).contains("ID", "NAME", "STATE", "IMAGE")
                .contains(id).contains("hello-cli").contains("Completed")
                .contains(sleeperId).contains("sleeper").contains("Running");

        Result stop = cube("stop", sleeperId);
        assertThat(stop.exitCode).as(stop.err).isZero();
        cluster.awaitState(sleeperId, "Stopped");

        Result unknown = cube("stop", UUID.randomUUID().toString());
        assertThat(unknown.exitCode).isEqualTo(1);
    }

    @Test
    void cubeStatusShowsATaskNamedByTheStartOfItsIdWithItsPortsAndTimelineAndStopTakesTheSameStart() throws Exception {
        Result run = cube("run", "--image", "cube/busybox:local", "--name", "web-status", "-p", "8080", "--wait",
                "--", "httpd", "-f", "-p", "8080", "-h", "/www");
        assertThat(run.exitCode).as(run.err).isZero();
        String id = run.out.trim().split("\\s+")[0];
        assertThat(run.out.strip()).isEqualTo(id + " Running");
        assertThat(run.err).contains("Running: attempt 1 on " + cluster.workerId);
        String start = id.substring(0, 8);

        Result status = cube("status", start);
        Result json = cube("status", start, "--json");

        assertThat(status.exitCode).as(status.err).isZero();
        JsonNode task = Cluster.json(json.out).get("task");
        int hostPort = task.get("publishedPorts").get(0).get("hostPort").asInt();
        assertThat(task.get("id").asText()).isEqualTo(id);
        assertThat(task.get("ports").get(0).has("hostPort")).as("requested: the engine picks").isFalse();
        assertThat(status.out).containsPattern("ID:\\s+" + id)
                .containsPattern("STATE:\\s+Running")
                .containsPattern("WORKER:\\s+" + cluster.workerId)
                .containsPattern("PORTS:\\s+8080/tcp")
                // the worker binds published ports to its publish address (cube.worker.publish-address, 127.0.0.1 by default)
                .containsPattern("PUBLISHED:\\s+127\\.0\\.0\\.1:" + hostPort + "->8080/tcp")
                .containsPattern("(?m)^1\\s+" + cluster.workerId + "\\s+\\w{12}\\s+\\S+\\s+-\\s+running$")
                .containsPattern("\\d+:\\d+\\s+submitted\\s+applied")
                .containsPattern("\\d+:\\d+\\s+scheduled\\s+applied\\s+attempt 1 on " + cluster.workerId)
                .containsPattern("\\d+:\\d+\\s+running\\s+applied");
        assertThat(Cluster.json(json.out).get("history")).extracting(item -> item.get("event").get("type").asText())
                .containsExactly("dev.cube.task.submitted", "dev.cube.task.scheduled", "dev.cube.task.running");

        Result stop = cube("stop", start);
        assertThat(stop.exitCode).as(stop.err).isZero();
        assertThat(stop.out.strip()).isEqualTo("stopping " + id);
        cluster.awaitState(id, "Stopped");
        assertThat(cube("status", start).out).containsPattern("stop-requested\\s+applied").containsPattern("stopped\\s+applied");
    }

    @Test
    void aStartThatSeveralIdsShareIsRefusedNamingThemAndOneThatNoneHasSaysSo() throws Exception {
        String twins = "twin-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        for (String id : List.of(twins + "1", twins + "2")) {
            Process kcat = new ProcessBuilder("kcat", "-P", "-b", cluster.cube.bootstrapServers(), "-t", "cube.task-events", "-k", id)
                    .redirectErrorStream(true).start();
            kcat.getOutputStream().write((submitted(id) + "\n").getBytes(StandardCharsets.UTF_8));
            kcat.getOutputStream().close();
            assertThat(kcat.waitFor()).isZero();
        }
        cluster.awaitState(twins + "1", "Completed");
        cluster.awaitState(twins + "2", "Completed");

        Result ambiguous = cube("status", twins);
        Result unknown = cube("stop", "no-such-" + twins);

        assertThat(ambiguous.exitCode).isEqualTo(1);
        assertThat(ambiguous.err.lines()).containsExactly(
                "cube: '" + twins + "' is the start of 2 task ids, give more of the one you mean:", "  " + twins + "1", "  " + twins + "2");
        assertThat(ambiguous.out).isEmpty();
        assertThat(unknown.exitCode).isEqualTo(1);
        assertThat(unknown.err.strip()).isEqualTo("cube: no task has an id starting with 'no-such-" + twins + "'");
        assertThat(cube("status", twins + "2").out).containsPattern("STATE:\\s+Completed").containsPattern("EXIT CODE:\\s+0");
    }

    private static String submitted(String id) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"/e2e\","
                + "\"type\":\"dev.cube.task.submitted\",\"subject\":\"" + id + "\",\"time\":\"2026-11-27T12:00:00Z\","
                + "\"data\":{\"spec\":{\"image\":\"cube/busybox:local\",\"command\":[\"true\"]}}}";
    }

    @Test
    void cubeRunRefusesABadSpecNamingTheField() {
        Result bad = cube("run", "--image", "cube/busybox:local", "--memory", "-5", "--", "true");

        assertThat(bad.exitCode).isEqualTo(1);
        assertThat(bad.err).contains("memory");
    }

    @Test
    void aTaskSentByKcatWithItsOwnDefaultPartitionerIsStillFoldedAndRuns() throws Exception {
        String id = "kcat-" + UUID.randomUUID();
        String event = ("{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"/kcat\","
                + "\"type\":\"dev.cube.task.submitted\",\"subject\":\"" + id + "\",\"time\":\"2026-11-27T12:00:00Z\","
                + "\"data\":{\"spec\":{\"image\":\"cube/busybox:local\",\"command\":[\"echo\",\"hi from kcat\"]}}}");

        Process kcat = new ProcessBuilder("kcat", "-P", "-b", cluster.cube.bootstrapServers(), "-t", "cube.task-events", "-k", id)
                .redirectErrorStream(true).start();
        kcat.getOutputStream().write((event + "\n").getBytes(StandardCharsets.UTF_8));
        kcat.getOutputStream().close();
        String output = new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kcat.waitFor()).as(output).isZero();

        assertThat(cluster.awaitState(id, "Completed").get("exitCode").asInt()).isZero();
    }

    @Test
    void theReadmesKcatOneLinerSubmitsATaskThatRunsToCompletion() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int block = readme.indexOf("```bash", readme.indexOf("**With kcat"));
        List<String> lines = readme.substring(block).lines().skip(1).takeWhile(line -> !line.startsWith("curl")).toList();
        assertThat(lines).anyMatch(line -> line.contains("kcat -P"));
        String script = String.join("\n", lines).replace("localhost:9092", cluster.cube.bootstrapServers()) + "\necho \"$id\"\n";

        Process bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor()).as(output).isZero();
        String id = output.strip().lines().reduce((first, last) -> last).orElseThrow();

        assertThat(cluster.awaitState(id, "Completed").get("exitCode").asInt()).isZero();
    }

    private static Result cube(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add(1, "--manager=" + cluster.uri("/").toString().replaceAll("/$", ""));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Cube.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(all.toArray(String[]::new));
        return new Result(exit, out.toString(), err.toString());
    }

    record Result(int exitCode, String out, String err) {
    }
}
