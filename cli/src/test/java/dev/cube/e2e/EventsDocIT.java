package dev.cube.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The examples of {@code docs/events.md}, run exactly as written (bash with kcat and jq,
 * /usr/bin/python3 with confluent-kafka, and single-file Java programs with the CloudEvents Java SDK,
 * run by this JVM's {@code java} on the test class path) against a whole Cube: only the broker address
 * and the task id are replaced. Each example is the fenced block after an {@code <!-- example: name -->} line.
 */
class EventsDocIT {

    private static final Path DOC = Path.of("..", "docs", "events.md");
    private static final List<String> TASK_TERMINAL_FLOW = List.of(
            "dev.cube.task.submitted", "dev.cube.task.scheduled", "dev.cube.task.running", "dev.cube.task.completed");

    static Cluster cluster;
    static Map<String, Example> examples;

    record Example(String name, String language, String code) {
    }

    @BeforeAll
    static void start() throws IOException {
        examples = examples(Files.readString(DOC));
        assertThat(examples).containsKeys("submit-kcat", "submit-kcat-binary", "submit-python", "stop-kcat", "follow-kcat",
                "follow-python", "state-kcat", "state-python", "bad-kcat", "dead-letters-kcat", "dead-letters-python", "submit-java", "follow-java");
        cluster = Cluster.start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static Map<String, Example> examples(String markdown) {
        Map<String, Example> found = new LinkedHashMap<>();
        Matcher m = Pattern.compile("<!-- example: ([\\w-]+) -->\\s*\\n```(\\w+)\\n(.*?)\\n```", Pattern.DOTALL).matcher(markdown);
        while (m.find()) {
            assertThat(found.put(m.group(1), new Example(m.group(1), m.group(2), m.group(3)))).as("example %s twice", m.group(1)).isNull();
        }
        return found;
    }

    @Test
    void aTaskSubmittedWithKcatRunsAndCompletesAndItsEventsAndStateCanBeRead() {
        String id = "hello-kcat-" + shortId();
        run("submit-kcat", "hello-kcat", id);

        assertRanToCompletion(id);
        List<String> types = run("follow-kcat", "hello-kcat", id).lines().filter(line -> !line.isBlank()).toList();
        assertThat(types).containsSubsequence(TASK_TERMINAL_FLOW);
        JsonNode state = Cluster.json(run("state-kcat", "hello-kcat", id).strip());
        assertThat(state.get("id").asText()).isEqualTo(id);
        assertThat(state.get("state").asText()).isEqualTo("Completed");
        assertThat(state.get("exitCode").asInt()).isZero();
    }

    @Test
    void aTaskSubmittedInBinaryModeWithKcatRunsAndCompletes() {
        String id = "hello-binary-" + shortId();
        run("submit-kcat-binary", "hello-binary", id);

        assertRanToCompletion(id);
    }

    @Test
    void aTaskSubmittedWithPythonRunsAndCompletesAndItsEventsAndStateCanBeRead() {
        String id = "hello-python-" + shortId();
        assertThat(run("submit-python", "hello-python", id)).contains("submitted " + id);

        List<String> followed = run("follow-python", "hello-python", id).lines().map(line -> line.split(" ", 2)[0]).toList();
        assertThat(followed).containsSubsequence(TASK_TERMINAL_FLOW);
        assertRanToCompletion(id);
        assertThat(run("state-python", "hello-python", id).strip()).isEqualTo(id + " Completed 0");
    }

    @Test
    void aTaskSubmittedWithTheJavaSdkRunsAndCompletesAndItsEventsShowItsExtensions() {
        String id = "hello-java-" + shortId();
        assertThat(run("submit-java", "hello-java", id)).contains("submitted " + id);

        List<String> followed = run("follow-java", "hello-java", id).lines().filter(line -> line.startsWith("dev.cube.")).toList();
        assertThat(followed.stream().map(line -> line.split(" ", 2)[0]).toList()).containsSubsequence(TASK_TERMINAL_FLOW);
        assertThat(followed.getFirst()).startsWith("dev.cube.task.submitted {partitionkey=" + id + ", traceparent=00-");
        assertThat(followed).contains("dev.cube.task.scheduled {schemaversion=1}");
        assertRanToCompletion(id);
        JsonNode submitted = cluster.events(id).getFirst();
        assertThat(submitted.get("partitionkey").asText()).isEqualTo(id);
        assertThat(submitted.get("traceparent").asText()).startsWith("00-");
    }

    @Test
    void theStopExampleStopsARunningTask() {
        String id = cluster.submit("{\"image\":\"cube/busybox:local\",\"command\":[\"sleep\",\"300\"]}");
        cluster.awaitState(id, "Running");

        run("stop-kcat", "hello-kcat", id);

        JsonNode stopped = cluster.awaitState(id, "Stopped");
        assertThat(stopped.get("desiredState").asText()).isEqualTo("Stopped");
    }

    @Test
    void aRecordThatIsNotAnEventCanBeFoundOnTheDeadLetterTopic() {
        String key = "oops-" + shortId();
        run("bad-kcat", "oops-1", key);

        String line = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> run("dead-letters-kcat", null, null).lines().filter(l -> l.startsWith(key + " ")).findFirst().orElse(null),
                        found -> found != null);
        assertThat(line).contains("cube.dlq.reason=not JSON").contains("cube.dlq.topic=cube.task-events")
                .contains("cube.dlq.partition=").contains("cube.dlq.offset=");

        List<String> python = run("dead-letters-python", null, null).lines().filter(l -> l.startsWith(key + " ")).toList();
        assertThat(python).hasSize(1);
        assertThat(python.getFirst()).startsWith(key + " | - | not JSON");
    }

    private static void assertRanToCompletion(String id) {
        JsonNode task = cluster.awaitState(id, "Completed");
        assertThat(task.get("exitCode").asInt()).isZero();
        assertThat(task.get("attempt").asInt()).isEqualTo(1);
        assertThat(task.hasNonNull("startedAt")).as("it was Running before it completed: %s", task).isTrue();
    }

    /** Runs example {@code name} with the broker address and {@code docId} (when given) replaced; answers its standard output. */
    private static String run(String name, String docId, String id) {
        Example example = examples.get(name);
        String code = example.code();
        assertThat(code).contains("localhost:9092");
        code = code.replace("localhost:9092", cluster.cube.bootstrapServers());
        if (docId != null) {
            assertThat(code).as("example %s names task %s", name, docId).contains(docId);
            code = code.replace(docId, id);
        }
        try {
            List<String> command = switch (example.language()) {
                case "bash" -> List.of("bash", "-euo", "pipefail", "-c", code);
                case "python" -> List.of("/usr/bin/python3", "-c", code);
                case "java" -> {
                    Path source = Files.createTempFile("example-" + name, ".java");
                    Files.writeString(source, code);
                    source.toFile().deleteOnExit();
                    yield List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                            "-cp", System.getProperty("java.class.path"), source.toString());
                }
                default -> throw new AssertionError("example " + name + " is in " + example.language());
            };
            Path err = Files.createTempFile("example-" + name, ".err");
            Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("example %s finished", name).isTrue();
            assertThat(process.exitValue()).as("example %s exits 0; stdout:%n%s%nstderr:%n%s", name, out, Files.readString(err)).isZero();
            Files.delete(err);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
