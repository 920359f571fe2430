package dev.cube.worker.runtime;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import dev.cube.events.spec.TaskSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Against the real Docker engine, with the local image {@code cube/busybox:local}. */
class DockerContainerRuntimeIT {

    static final String IMAGE = "cube/busybox:local";
    static final String WORKER = "rt-it-" + UUID.randomUUID().toString().substring(0, 8);

    static DockerContainerRuntime runtime;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void connect() {
        runtime = DockerContainerRuntime.connect(null, Duration.ofSeconds(30));
    }

    @AfterEach
    void removeEveryContainerThisTestCreated() {
        List<Container> ours = runtime.client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ContainerRuntime.WORKER_ID_LABEL, WORKER)).exec();
        for (Container c : ours) {
            runtime.client().removeContainerCmd(c.getId()).withForce(true).exec();
        }
    }

    @AfterAll
    static void close() {
        if (runtime != null) {
            runtime.close();
        }
    }

    static String newTaskId() {
        return "t" + UUID.randomUUID().toString().substring(0, 12);
    }

    static TaskSpec httpServer(Map<String, String> labels) {
        return new TaskSpec("web", IMAGE, List.of("busybox", "httpd", "-f", "-p", "8080", "-h", "/www"),
                Map.of("GREETING", "hi"), 0.5, 32L, null,
                List.of(new TaskSpec.PortMapping(8080, null, "tcp")), null, null, labels);
    }

    static TaskSpec shell(String script) {
        return TaskSpec.of("sh", IMAGE, List.of("sh", "-c", script));
    }

    @Test
    void shouldKeepTheHealthCheckInTheContainersLabels() {
        String task = newTaskId();
        TaskSpec spec = new TaskSpec("web", IMAGE, List.of("busybox", "httpd", "-f", "-p", "8080", "-h", "/www"),
                null, null, null, null, List.of(new TaskSpec.PortMapping(8080, null, "tcp")), null,
                new TaskSpec.HealthCheck("/health", null, 2), null);

        ContainerInfo started = runtime.start(WORKER, task, 1, spec);

        ContainerHealthCheck expected = new ContainerHealthCheck("/health", 8080, Duration.ofSeconds(2));
        assertThat(started.healthCheck()).isEqualTo(expected);
        assertThat(started.unhealthy()).isFalse();
        assertThat(runtime.listOwnedBy(WORKER)).filteredOn(c -> task.equals(c.taskId()))
                .singleElement().extracting(ContainerInfo::healthCheck).isEqualTo(expected);
        assertThat(runtime.start(WORKER, newTaskId(), 1, shell("sleep 5")).healthCheck()).isNull();
    }

    @Test
    void shouldStopWithoutRemovingAndTellTheExitCode() {
        ContainerInfo sleeper = runtime.start(WORKER, newTaskId(), 1, shell("sleep 300"));

        ContainerInfo stopped = runtime.stop(sleeper.id(), Duration.ofSeconds(5)).orElseThrow();

        assertThat(stopped.status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(stopped.exitCode()).isNotNull();
        assertThat(runtime.inspect(sleeper.id())).isPresent();
        runtime.stopAndRemove(sleeper.id(), Duration.ZERO);
        assertThat(runtime.inspect(sleeper.id())).isEmpty();
        assertThat(runtime.stop(sleeper.id(), Duration.ZERO)).isEmpty();
    }

    @Test
    void shouldServeHttpOnAnEngineChosenPortOfTheLoopback() throws Exception {
        ContainerInfo web = runtime.start(WORKER, newTaskId(), 1, httpServer(Map.of()));

        assertThat(web.status()).isEqualTo(ContainerStatus.RUNNING);
        assertThat(web.hostPort(8080)).isPresent();
        URI uri = URI.create("http://127.0.0.1:" + web.hostPort(8080).getAsInt() + "/");
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("Hello World");
        });
    }

    @Test
    void shouldApplyTheTasksLimitsEnvironmentAndInit() {
        ContainerInfo web = runtime.start(WORKER, newTaskId(), 1, httpServer(Map.of()));

        InspectContainerResponse inspected = runtime.client().inspectContainerCmd(web.id()).exec();
        assertThat(inspected.getHostConfig().getNanoCPUs()).isEqualTo(500_000_000L);
        assertThat(inspected.getHostConfig().getMemory()).isEqualTo(32L * 1024 * 1024);
        assertThat(inspected.getHostConfig().getInit()).isTrue();
        assertThat(inspected.getConfig().getEnv()).contains("GREETING=hi");
    }

    @Test
    void shouldConfineEveryContainerByDefault() {
        ContainerInfo web = runtime.start(WORKER, newTaskId(), 1, httpServer(Map.of()));
        ContainerInfo plain = runtime.start(WORKER, newTaskId(), 1, shell("sleep 30"));

        var host = runtime.client().inspectContainerCmd(web.id()).exec().getHostConfig();
        assertThat(host.getSecurityOpts()).containsExactly("no-new-privileges");
        assertThat(host.getCapDrop()).containsExactly(com.github.dockerjava.api.model.Capability.ALL);
        assertThat(host.getCapAdd()).extracting(Enum::name).containsExactlyInAnyOrderElementsOf(Confinement.DEFAULT_CAPABILITIES);
        assertThat(host.getPidsLimit()).isEqualTo(Confinement.DEFAULT_PIDS_LIMIT);
        assertThat(host.getLogConfig().getType().getType()).isEqualTo("json-file");
        assertThat(host.getLogConfig().getConfig()).containsEntry("max-size", "10m").containsEntry("max-file", "3");
        assertThat(host.getPortBindings().getBindings().values()).allSatisfy(bound ->
                assertThat(bound).extracting(com.github.dockerjava.api.model.Ports.Binding::getHostIp).containsOnly("127.0.0.1"));
        assertThat(web.ports()).allSatisfy(port -> assertThat(port.hostIp()).isEqualTo("127.0.0.1"));
        var plainHost = runtime.client().inspectContainerCmd(plain.id()).exec().getHostConfig();
        assertThat(plainHost.getMemory()).as("a spec without memory gets the worker's default").isEqualTo(Confinement.DEFAULT_MEMORY_MB * 1024 * 1024);
    }

    @Test
    void shouldTakeTheOperatorsConfinementAndNeverAPrivilegedPortUnlessAllowed() {
        TaskSpec port80 = new TaskSpec("web", IMAGE, List.of("busybox", "httpd", "-f", "-p", "8080", "-h", "/www"), null, null, null, null,
                List.of(new TaskSpec.PortMapping(8080, 80, "tcp")), null, null, null);
        String task = newTaskId();

        assertThatThrownBy(() -> runtime.start(WORKER, task, 1, port80))
                .isInstanceOf(TaskRefusedException.class)
                .hasMessageContaining("host port 80 is below 1024");
        assertThat(runtime.find(task, 1)).as("no container was made").isEmpty();

        Confinement operators = new Confinement(false, List.of("NET_BIND_SERVICE"), 64, 128, "1m", 2, "127.0.0.1", true, List.of("cube/"));
        try (DockerContainerRuntime configured = DockerContainerRuntime.connect(null, Duration.ofSeconds(30), operators)) {
            ContainerInfo started = configured.start(WORKER, newTaskId(), 1, shell("sleep 30"));
            var host = configured.client().inspectContainerCmd(started.id()).exec().getHostConfig();
            assertThat(host.getSecurityOpts()).isNullOrEmpty();
            assertThat(host.getCapAdd()).extracting(Enum::name).containsExactly("NET_BIND_SERVICE");
            assertThat(host.getPidsLimit()).isEqualTo(64L);
            assertThat(host.getMemory()).isEqualTo(128L * 1024 * 1024);
            assertThat(host.getLogConfig().getConfig()).containsEntry("max-size", "1m").containsEntry("max-file", "2");
            assertThatThrownBy(() -> configured.start(WORKER, newTaskId(), 1, TaskSpec.of("other", "other/image:1", List.of("true"))))
                    .isInstanceOf(TaskRefusedException.class)
                    .hasMessage("the image other/image:1 is not allowed on this worker (cube.worker.allowed-images: cube/)");
        }
    }

    @Test
    void shouldStopAForkBombAtThePidsLimit() {
        Confinement tight = new Confinement(true, Confinement.DEFAULT_CAPABILITIES, 20, 64, "1m", 1, "127.0.0.1", false, List.of());
        try (DockerContainerRuntime configured = DockerContainerRuntime.connect(null, Duration.ofSeconds(30), tight)) {
            ContainerInfo started = configured.start(WORKER, newTaskId(), 1,
                    shell("i=0; while [ $i -lt 60 ]; do sleep 30 & i=$((i+1)); done; echo spawned; sleep 30"));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(logs(configured, started.id())).containsIgnoringCase("fork"));
        }
    }

    private static String logs(DockerContainerRuntime runtime, String id) throws InterruptedException {
        StringBuilder out = new StringBuilder();
        runtime.client().logContainerCmd(id).withStdOut(true).withStdErr(true)
                .exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Frame>() {
                    @Override
                    public void onNext(com.github.dockerjava.api.model.Frame frame) {
                        out.append(new String(frame.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
                    }
                }).awaitCompletion(5, java.util.concurrent.TimeUnit.SECONDS);
        return out.toString();
    }

    @Test
    void shouldLabelTheContainerWithTaskAttemptWorkerAndTheUsersLabels() {
        String task = newTaskId();
        ContainerInfo web = runtime.start(WORKER, task, 2, httpServer(Map.of("team", "blue")));

        InspectContainerResponse inspected = runtime.client().inspectContainerCmd(web.id()).exec();
        assertThat(inspected.getConfig().getLabels()).containsAllEntriesOf(Map.of(
                "team", "blue",
                ContainerRuntime.TASK_ID_LABEL, task,
                ContainerRuntime.ATTEMPT_LABEL, "2",
                ContainerRuntime.WORKER_ID_LABEL, WORKER));
        assertThat(inspected.getName()).isEqualTo("/cube-" + task + "-2");
        assertThat(web.taskId()).isEqualTo(task);
        assertThat(web.attempt()).isEqualTo(2);
    }

    @Test
    void shouldReportExitCodeZeroForAContainerThatSucceeds() {
        ContainerInfo started = runtime.start(WORKER, newTaskId(), 1, shell("exit 0"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            ContainerInfo now = runtime.inspect(started.id()).orElseThrow();
            assertThat(now.status()).isEqualTo(ContainerStatus.EXITED);
            assertThat(now.exitCode()).isZero();
            assertThat(now.oomKilled()).isFalse();
        });
    }

    @Test
    void shouldReportTheExitCodeOfAContainerThatFails() {
        ContainerInfo started = runtime.start(WORKER, newTaskId(), 1, shell("exit 3"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            ContainerInfo now = runtime.inspect(started.id()).orElseThrow();
            assertThat(now.status()).isEqualTo(ContainerStatus.EXITED);
            assertThat(now.exitCode()).isEqualTo(3);
        });
    }

    @Test
    void shouldReportAnOomKill() {
        TaskSpec hog = new TaskSpec("hog", IMAGE, List.of("sh", "-c", "x=$(head -c 60000000 /dev/zero | tr '\\0' a); echo ${#x}"),
                null, null, 16L, null, null, null, null, null);
        ContainerInfo started = runtime.start(WORKER, newTaskId(), 1, hog);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            ContainerInfo now = runtime.inspect(started.id()).orElseThrow();
            assertThat(now.status()).isEqualTo(ContainerStatus.EXITED);
            assertThat(now.oomKilled()).isTrue();
        });
    }

    @Test
    void shouldRefuseAnImageThatCannotBeHadNamingIt() {
        String image = "cube/no-such-image:" + UUID.randomUUID().toString().substring(0, 8);
        String task = newTaskId();

        assertThatThrownBy(() -> runtime.start(WORKER, task, 1, TaskSpec.of("x", image, List.of())))
                .isInstanceOf(ImageUnavailableException.class)
                .hasMessageContaining(image)
                .satisfies(e -> assertThat(((ImageUnavailableException) e).image()).isEqualTo(image));
        assertThat(runtime.find(task, 1)).isEmpty();
    }

    @Test
    void shouldKeepOneContainerWhenTheSameAttemptIsStartedTwice() {
        String task = newTaskId();
        ContainerInfo first = runtime.start(WORKER, task, 1, httpServer(Map.of()));
        ContainerInfo second = runtime.start(WORKER, task, 1, httpServer(Map.of()));

        assertThat(second.id()).isEqualTo(first.id());
        assertThat(runtime.listOwnedBy(WORKER)).extracting(ContainerInfo::id).containsExactly(first.id());
        assertThat(runtime.find(task, 1)).map(ContainerInfo::id).contains(first.id());
    }

    @Test
    void shouldStartAContainerThatWasOnlyCreated() {
        String task = newTaskId();
        ContainerInfo first = runtime.start(WORKER, task, 1, httpServer(Map.of()));
        runtime.client().stopContainerCmd(first.id()).withTimeout(1).exec();
        runtime.client().removeContainerCmd(first.id()).withForce(true).exec();
        String created = runtime.client().createContainerCmd(IMAGE).withName(DockerContainerRuntime.containerName(task, 1))
                .withCmd("sleep", "60")
                .withLabels(Map.of(ContainerRuntime.TASK_ID_LABEL, task, ContainerRuntime.ATTEMPT_LABEL, "1",
                        ContainerRuntime.WORKER_ID_LABEL, WORKER))
                .exec().getId();

        ContainerInfo started = runtime.start(WORKER, task, 1, httpServer(Map.of()));

        assertThat(started.id()).isEqualTo(created);
        assertThat(started.status()).isEqualTo(ContainerStatus.RUNNING);
    }

    @Test
    void shouldStopARunningContainerWithSigtermBeforeTheGraceThenRemoveIt() {
        ContainerInfo web = runtime.start(WORKER, newTaskId(), 1, httpServer(Map.of()));

        ContainerInfo stopped = runtime.stop(web.id(), Duration.ofSeconds(60)).orElseThrow();
        // 137 would be the SIGKILL sent once the grace ran out: the server ended on the SIGTERM instead.
        assertThat(stopped.status().hasFinished()).isTrue();
        assertThat(stopped.exitCode()).isNotEqualTo(137);

        runtime.stopAndRemove(web.id(), Duration.ofSeconds(10));
        assertThat(runtime.inspect(web.id())).isEmpty();
        runtime.stopAndRemove(web.id(), Duration.ofSeconds(1));
    }

    @Test
    void shouldListCreatedRunningAndExitedContainersAtEveryPassAndSeeAnExitedOneStartedAgainByHand() {
        String createdTask = newTaskId();
        String created = runtime.client().createContainerCmd(IMAGE).withName(DockerContainerRuntime.containerName(createdTask, 1))
                .withCmd("sleep", "60")
                .withLabels(Map.of(ContainerRuntime.TASK_ID_LABEL, createdTask, ContainerRuntime.ATTEMPT_LABEL, "1",
                        ContainerRuntime.WORKER_ID_LABEL, WORKER))
                .exec().getId();
        ContainerInfo running = runtime.start(WORKER, newTaskId(), 1, shell("sleep 60"));
        // Exits with 3 the first time; started again, it finds its mark and runs.
        ContainerInfo exits = runtime.start(WORKER, newTaskId(), 1, shell("[ -f /tmp/again ] && sleep 60; touch /tmp/again; exit 3"));
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.inspect(exits.id()).orElseThrow().status().hasFinished());

        for (int pass = 0; pass < 3; pass++) {
            Map<String, ContainerInfo> listed = new HashMap<>();
            runtime.listOwnedBy(WORKER).forEach(c -> listed.put(c.id(), c));
            assertThat(listed.get(created).status()).isEqualTo(ContainerStatus.CREATED);
            assertThat(listed.get(created).taskId()).isEqualTo(createdTask);
            assertThat(listed.get(running.id()).status()).isEqualTo(ContainerStatus.RUNNING);
            assertThat(listed.get(exits.id()).status()).isEqualTo(ContainerStatus.EXITED);
            assertThat(listed.get(exits.id()).exitCode()).isEqualTo(3);
        }

        runtime.client().startContainerCmd(exits.id()).exec();
        assertThat(runtime.listOwnedBy(WORKER)).filteredOn(c -> c.id().equals(exits.id()))
                .extracting(ContainerInfo::status).containsExactly(ContainerStatus.RUNNING);
        runtime.stop(exits.id(), Duration.ZERO);
        assertThat(runtime.listOwnedBy(WORKER)).filteredOn(c -> c.id().equals(exits.id()))
                .extracting(ContainerInfo::exitCode).singleElement().isIn(137, 143); // its second end, not the first's 3
    }

    @Test
    void shouldListOnlyTheContainersOfTheGivenWorker() {
        String other = WORKER + "-other";
        ContainerInfo mine = runtime.start(WORKER, newTaskId(), 1, shell("sleep 30"));
        ContainerInfo theirs = runtime.start(other, newTaskId(), 1, shell("sleep 30"));
        try {
            assertThat(runtime.listOwnedBy(WORKER)).extracting(ContainerInfo::id).containsExactly(mine.id());
        } finally {
            runtime.stopAndRemove(theirs.id(), Duration.ZERO);
        }
    }

    @Test
    void shouldSayWhereNoEngineAnswers() {
        assertThatThrownBy(() -> DockerContainerRuntime.connect("unix:///nonexistent/docker.sock", null))
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessage("No Docker engine answers at unix:///nonexistent/docker.sock: start one or set DOCKER_HOST (see docs/operations.md)");
    }

    /** Collects what a follow hears. */
    static final class Heard implements OutputListener {
        final List<OutputLine> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        final java.util.concurrent.CompletableFuture<Throwable> ended = new java.util.concurrent.CompletableFuture<>();

        @Override
        public void line(OutputLine line) {
            lines.add(line);
        }

        @Override
        public void ended(Throwable error) {
            ended.complete(error);
        }
    }

    @Test
    void shouldFollowBothStreamsInOrderWithNanosecondTimesUntilTheContainerExits() throws Exception {
        // Two pipes written within microseconds of each other reach the engine in either order: the lines are apart in time here.
        ContainerInfo container = runtime.start(WORKER, newTaskId(), 1, shell("echo one; sleep 0.2; echo two >&2; sleep 1; echo three"));
        Heard heard = new Heard();

        try (AutoCloseable follow = runtime.followOutput(container.id(), null, heard)) {
            assertThat(heard.ended.get(30, java.util.concurrent.TimeUnit.SECONDS)).isNull();
        }

        assertThat(heard.lines).extracting(OutputLine::stream, OutputLine::text).containsExactly(
                org.assertj.core.groups.Tuple.tuple(dev.cube.events.output.OutputRecord.Stream.STDOUT, "one"),
                org.assertj.core.groups.Tuple.tuple(dev.cube.events.output.OutputRecord.Stream.STDERR, "two"),
                org.assertj.core.groups.Tuple.tuple(dev.cube.events.output.OutputRecord.Stream.STDOUT, "three"));
        assertThat(heard.lines.get(2).time()).isAfter(heard.lines.get(0).time().plusMillis(900));
        assertThat(heard.lines).anySatisfy(line -> assertThat(line.time().getNano() % 1_000_000).isNotZero());
    }

    @Test
    void shouldFollowAnExitedContainersOutputFromAGivenSecondAndEndAtOnce() throws Exception {
        ContainerInfo container = runtime.start(WORKER, newTaskId(), 1, shell("echo early; sleep 2; echo late"));
        await().atMost(Duration.ofSeconds(30)).until(() -> runtime.inspect(container.id()).orElseThrow().status().hasFinished());
        Heard all = new Heard();
        runtime.followOutput(container.id(), null, all);
        all.ended.get(30, java.util.concurrent.TimeUnit.SECONDS);
        Heard later = new Heard();

        runtime.followOutput(container.id(), all.lines.get(1).time(), later);

        assertThat(later.ended.get(30, java.util.concurrent.TimeUnit.SECONDS)).isNull();
        assertThat(later.lines).extracting(OutputLine::text).containsExactly("late");
    }

    @Test
    void shouldSayWhenThereIsNoContainerToFollow() throws Exception {
        Heard heard = new Heard();

        runtime.followOutput("no-such-container-" + UUID.randomUUID(), null, heard);

        assertThat(heard.ended.get(30, java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
    }
}
