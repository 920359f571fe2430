package dev.cube.e2e;

import dev.cube.cli.Cube;
import dev.cube.worker.WorkerApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What operators expect of a task's output and of the event stream, end to end on a real broker and the
 * real engine: output read after the container is gone, followed as it is written, readable up to what
 * was shipped when its worker is killed (and complete once a worker ships the rest); events followed
 * live, and a follower that reconnects misses nothing and gets nothing twice.
 */
class OutputIT {

    static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    static final String STEADY = "steady-out-" + RUN;

    static Cluster cluster;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        cluster = Cluster.start(STEADY, Map.of(
                "cube.manager.worker-ttl", "5s",
                "cube.manager.worker-grace", "3s",
                "cube.worker.heartbeat-interval", "1s",
                "cube.worker.cpu", 1,
                "cube.worker.memory", 1024));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** {@code cube ...} in this JVM; what it printed, line by line, with when each line came. */
    static final class Cli {
        final List<String> out = new CopyOnWriteArrayList<>();
        final List<Instant> arrivals = new CopyOnWriteArrayList<>();
        final StringWriter err = new StringWriter();
        final CompletableFuture<Integer> exit;

        Cli(String... args) {
            List<String> all = new ArrayList<>(List.of(args));
            all.add(1, "--manager=" + cluster.cube.managerUri());
            CommandLine cli = Cube.commandLine();
            cli.setOut(new PrintWriter(new LineWriter(), true));
            cli.setErr(new PrintWriter(err, true));
            exit = CompletableFuture.supplyAsync(() -> cli.execute(all.toArray(String[]::new)));
        }

        /** Collects whole lines as they are written, stamped with when they came. */
        final class LineWriter extends Writer {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public synchronized void write(char[] chars, int off, int len) {
                for (int i = off; i < off + len; i++) {
                    if (chars[i] == '\n') {
                        arrivals.add(Instant.now());
                        out.add(partial.toString().replace("\r", ""));
                        partial.setLength(0);
                    } else {
                        partial.append(chars[i]);
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        }

        int awaitExit() {
            return exit.orTimeout(120, TimeUnit.SECONDS).join();
        }
    }

    /** {@code cube ...} as a process of its own, its stdout collected line by line with when each line came; destroyed on close. */
    static final class CliProcess implements AutoCloseable {
        final List<String> out = new CopyOnWriteArrayList<>();
        final List<Instant> arrivals = new CopyOnWriteArrayList<>();
        final List<String> err = new CopyOnWriteArrayList<>();
        final Process process;

        CliProcess(String... args) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-Xmx128m", "-cp", System.getProperty("java.class.path"), Cube.class.getName(),
                    args[0], "--manager=" + cluster.cube.managerUri()));
            command.addAll(List.of(args).subList(1, args.length));
            try {
                process = new ProcessBuilder(command).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread.ofVirtual().start(() -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        arrivals.add(Instant.now());
                        out.add(line);
                    }
                } catch (IOException ignored) {
                    // the process is gone
                }
            });
            Thread.ofVirtual().start(() -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        err.add(line);
                    }
                } catch (IOException ignored) {
                    // the process is gone
                }
            });
        }

        Instant arrivalOf(String task, String type) {
            for (int i = 0; i < out.size(); i++) {
                if (out.get(i).contains(task) && out.get(i).contains(type)) {
                    return arrivals.get(i);
                }
            }
            return null;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static String logs(String id, String query) {
        HttpResponse<String> response = cluster.get("/api/v1/tasks/" + id + "/logs" + query);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    @Test
    void theReadmesFirstTaskSaysHelloAndItsOutputIsReadAfterItsContainerIsGone() {
        String id = cluster.submit("""
                {"name":"hello","image":"cube/busybox:local","command":["echo","hello from Cube"],"memory":64,"cpu":0.1}""");

        cluster.awaitState(id, "Completed");
        await().atMost(Duration.ofSeconds(30)).until(() -> Docker.containersOfTask(id).isEmpty());

        assertThat(logs(id, "")).isEqualTo("hello from Cube\n");
        Cli cli = new Cli("logs", id.substring(0, 8));
        assertThat(cli.awaitExit()).as(cli.err.toString()).isZero();
        assertThat(cli.out).containsExactly("hello from Cube");
    }

    @Test
    void cubeLogsFollowShowsEachLineAsTheTaskWritesItAndEndsWithTheTask() {
        String id = cluster.submit("""
                {"image":"cube/busybox:local","command":["sh","-c","for i in 1 2 3 4 5; do echo tick $i; sleep 1; done"],"cpu":0.1}""");
        cluster.awaitState(id, "Running");

        Cli follow = new Cli("logs", "-f", id);
        await().atMost(Duration.ofSeconds(30)).until(() -> follow.out.contains("tick 1"));
        boolean runningWhenTheFirstLineCame = cluster.task(id).get("state").asText().equals("Running");

        assertThat(follow.awaitExit()).as(follow.err.toString()).isZero();
        assertThat(follow.out).containsExactly("tick 1", "tick 2", "tick 3", "tick 4", "tick 5");
        assertThat(runningWhenTheFirstLineCame).as("the first line came while the task ran").isTrue();
        assertThat(Duration.between(follow.arrivals.getFirst(), follow.arrivals.getLast())).as("lines came as they were written")
                .isGreaterThan(Duration.ofSeconds(2));
        cluster.awaitState(id, "Completed");
    }

    @Test
    void theOutputOfATaskWhoseWorkerWasKilledIsReadableUpToWhatWasShippedAndWholeOnceAWorkerShipsTheRest() throws Exception {
        String doomed = "doomed-out-" + RUN;
        cluster.track(doomed);
        Process worker = startWorkerProcess(doomed);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> cluster.get("/api/v1/workers/" + doomed).statusCode() == 200);
            String id = cluster.submit("""
                    {"image":"cube/busybox:local","cpu":1.5,"memory":64,
                     "command":["sh","-c","i=1; while [ $i -le 20 ]; do echo line $i; i=$((i+1)); sleep 0.3; done; sleep 300"]}""");
            assertThat(cluster.awaitState(id, "Running").get("workerId").asText()).isEqualTo(doomed);
            await().atMost(Duration.ofSeconds(30)).until(() -> logs(id, "").lines().count() >= 3);

            worker.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

            List<String> shipped = logs(id, "").lines().toList();
            assertThat(shipped).as("a gapless start of what the task wrote, each line once")
                    .isEqualTo(IntStream.rangeClosed(1, shipped.size()).mapToObj(i -> "line " + i).toList());
            assertThat(shipped.size()).isGreaterThanOrEqualTo(3);
            cluster.awaitState(id, "Lost");
            assertThat(logs(id, "?attempt=1").lines().toList()).as("still readable once the worker is declared lost").isEqualTo(shipped);

            // The worker comes back: its attempt is no longer desired, so it ships the rest of the output, then removes the container.
            worker = startWorkerProcess(doomed);
            await().atMost(Duration.ofSeconds(90)).until(() -> Docker.containersOfTask(id).isEmpty());
            assertThat(logs(id, "?attempt=1").lines().toList()).as("every line once, in order")
                    .isEqualTo(IntStream.rangeClosed(1, 20).mapToObj(i -> "line " + i).toList());
        } finally {
            worker.destroy();
            worker.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void cubeEventsFollowShowsATasksEventsLiveFromSubmissionToCompletion() throws Exception {
        try (CliProcess events = new CliProcess("events", "-f")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> events.err.stream().anyMatch(line -> line.startsWith("cube: following the log from ")));
            String id = cluster.submit("{\"image\":\"cube/busybox:local\",\"command\":[\"sh\",\"-c\",\"sleep 4; echo done\"],\"cpu\":0.1}");

            await().atMost(Duration.ofSeconds(60)).until(() -> events.arrivalOf(id, "completed") != null);

            List<String> types = events.out.stream().filter(line -> line.contains(id)).map(line -> line.split("\\s+")[2]).toList();
            assertThat(types).containsExactly("submitted", "scheduled", "running", "completed");
            assertThat(events.out.stream().filter(line -> line.contains(id)).toList().get(2)).contains("attempt 1 on " + STEADY);
            assertThat(Duration.between(events.arrivalOf(id, "running"), events.arrivalOf(id, "completed"))).as("shown as they happened")
                    .isGreaterThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void aFollowerOfTheEventStreamThatDisconnectsAndReconnectsWithTheLastEventIdMissesNothingAndGetsNothingTwice() {
        String id = cluster.submit("{\"image\":\"cube/busybox:local\",\"command\":[\"sh\",\"-c\",\"sleep 3; exit 0\"],\"cpu\":0.1}");
        List<String[]> before = new ArrayList<>();
        try (Sse sse = new Sse("/api/v1/events?follow=true&task=" + id, null)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> sse.events().size() >= 2);
            before.addAll(sse.events());
        }
        cluster.awaitState(id, "Completed");

        List<String[]> after;
        try (Sse again = new Sse("/api/v1/events?follow=true&task=" + id, before.getLast()[0])) {
            await().atMost(Duration.ofSeconds(30)).until(() -> again.events().stream()
                    .anyMatch(e -> Cluster.json(e[1]).at("/event/type").asText().equals("dev.cube.task.completed")));
            after = again.events();
        }

        List<Long> seen = Stream.concat(before.stream(), after.stream()).map(e -> Cluster.json(e[1]).get("offset").asLong()).toList();
        List<Long> logged = new ArrayList<>();
        Cluster.json(cluster.get("/api/v1/tasks/" + id + "/events").body()).get("items").forEach(i -> logged.add(i.get("offset").asLong()));
        assertThat(seen).as("every event of the task, once, in log order").isEqualTo(logged);
        assertThat(after).isNotEmpty();
    }

    /** A Server-Sent Events answer read in the background: each event's id and data. */
    static final class Sse implements AutoCloseable {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final HttpResponse<Stream<String>> response;

        Sse(String path, String lastEventId) {
            HttpRequest.Builder request = HttpRequest.newBuilder(cluster.uri(path)).timeout(Duration.ofSeconds(20))
                    .header("Accept", "text/event-stream").GET();
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            assertThat(response.statusCode()).isEqualTo(200);
            Thread.ofVirtual().start(() -> {
                try (Stream<String> body = response.body()) {
                    body.forEach(lines::add);
                } catch (RuntimeException closed) {
                    // the test hung up
                }
            });
        }

        List<String[]> events() {
            List<String[]> events = new ArrayList<>();
            String id = null;
            String data = null;
            for (String line : lines) {
                if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                } else if (line.isEmpty() && data != null) {
                    events.add(new String[]{id, data});
                    id = null;
                    data = null;
                }
            }
            return events;
        }

        @Override
        public void close() {
            response.body().close();
        }
    }

    private static Process startWorkerProcess(String id) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Map<String, Object> settings = cluster.workerSettings(id, 2, 1024);
        List<String> command = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED", "-Xmx256m"));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), WorkerApplication.class.getName()));
        try {
            Path log = Path.of("target", id + ".log").toAbsolutePath();
            return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
