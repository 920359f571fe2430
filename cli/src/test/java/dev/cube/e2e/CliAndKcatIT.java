package dev.cube.e2e;

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
