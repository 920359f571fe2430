package dev.cube.worker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.desired.DesiredAttempt;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.topics.Topics;
import dev.cube.infra.SharedKafka;
import dev.cube.worker.runtime.ContainerInfo;
import dev.cube.worker.runtime.ContainerRuntime;
import dev.cube.worker.runtime.ContainerStatus;
import dev.cube.worker.runtime.DockerContainerRuntime;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker against the real embedded broker and the real Docker engine, seen through the log as a user
 * sees it. The test plays the manager's fold: it writes the worker's desired attempts to
 * {@code cube.desired-attempts} (with revisions), and takes an attempt out of the set when the fold would.
 */
class WorkerIT {

    static final String IMAGE = "cube/busybox:local";
    static final String RUNNING = "dev.cube.task.running";
    static final String COMPLETED = "dev.cube.task.completed";
    static final String FAILED = "dev.cube.task.failed";
    static final String STOPPED = "dev.cube.task.stopped";
    static final Duration PATIENCE = Duration.ofSeconds(30);

    static String bootstrap;
    static DockerContainerRuntime runtime;
    static KafkaProducer<String, byte[]> desired;
    static EventLog log;

    String workerId;
    final List<Worker> workers = new ArrayList<>();

    @BeforeAll
    static void connect() {
        bootstrap = SharedKafka.bootstrapServers();
        runtime = DockerContainerRuntime.connect(null, Duration.ofSeconds(30));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        desired = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        log = new EventLog(bootstrap);
    }

    @AfterAll
    static void disconnect() throws Exception {
        if (log != null) {
            log.close();
        }
        if (desired != null) {
            desired.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    @BeforeEach
    void newWorkerId() {
        workerId = "w-it-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeWorkersAndRemoveTheirContainers() {
        workers.forEach(Worker::close);
        List<Container> left = runtime.client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ContainerRuntime.WORKER_ID_LABEL, workerId)).exec();
        left.forEach(c -> runtime.client().removeContainerCmd(c.getId()).withForce(true).exec());
    }

    Worker startWorker() {
        Worker worker = new Worker(WorkerSettings.of(workerId, bootstrap).withHeartbeatInterval(Duration.ofMillis(500)), runtime);
        workers.add(worker);
        worker.start();
        return worker;
    }

    static String newTaskId() {
        return "t" + UUID.randomUUID().toString().substring(0, 12);
    }

    /** The attempt joins this worker's desired set, to run. */
    long start(String taskId, int attempt, TaskSpec spec) {
        return want(workerId, new DesiredAttempt(workerId, taskId, attempt, DesiredAttempt.Goal.RUN, spec, false, null));
    }

    /** The attempt is desired stopped. */
    long stop(String taskId, int attempt, TaskSpec spec) {
        return want(workerId, new DesiredAttempt(workerId, taskId, attempt, DesiredAttempt.Goal.STOP, spec, true, "user asked"));
    }

    /** The attempt leaves this worker's desired set, as the fold takes it out once it ended or moved. */
    long release(String taskId, int attempt) {
        return write(workerId, DesiredAttempt.key(taskId, attempt), null, DesiredWrites.nextRevision());
    }

    static long want(String worker, DesiredAttempt attempt) {
        return write(worker, attempt.key(), attempt, DesiredWrites.nextRevision());
    }

    static long write(String worker, String key, DesiredAttempt value, long revision) {
        return DesiredWrites.write(desired, worker, key, value, revision);
    }

    static TaskSpec shell(String script) {
        return TaskSpec.of("sh", IMAGE, List.of("sh", "-c", script));
    }

    static TaskSpec httpServer() {
        return new TaskSpec("web", IMAGE, List.of("busybox", "httpd", "-f", "-p", "8080", "-h", "/www"),
                null, null, null, null, List.of(new TaskSpec.PortMapping(8080, null, null)), null, null, null);
    }

    static TaskSpec checkedServer(String path) {
        return checkedServer(IMAGE, path);
    }

    static TaskSpec checkedServer(String image, String path) {
        return new TaskSpec("web", image, List.of("busybox", "httpd", "-f", "-p", "8080", "-h", "/www"),
                null, null, null, null, List.of(new TaskSpec.PortMapping(8080, null, null)), null,
                new TaskSpec.HealthCheck(path, null, 1), null);
    }

    static <T> T data(String taskId, String type, Class<T> dataClass) {
        return log.about(taskId).stream().filter(e -> e.type().typeName().equals(type))
                .map(e -> dataClass.cast(e.data())).findFirst().orElseThrow();
    }

    List<ContainerInfo> containersOf(String taskId) {
        return runtime.listOwnedBy(workerId).stream().filter(c -> taskId.equals(c.taskId())).toList();
    }

    @Test
    void shouldReportRunningThenCompletedKeepTheContainerAndRemoveItOnceTheAttemptLeavesTheSet() {
        startWorker();
        String task = newTaskId();

        start(task, 1, shell("sleep 1; exit 0"));

        await().atMost(PATIENCE).until(() -> log.typesOf(task), types -> types.contains(COMPLETED));
        assertThat(log.typesOf(task)).containsExactly(RUNNING, COMPLETED);
        TaskEvent.Running running = data(task, RUNNING, TaskEvent.Running.class);
        assertThat(running.workerId()).isEqualTo(workerId);
        assertThat(running.attempt()).isEqualTo(1);
        assertThat(running.containerId()).isNotBlank();
        assertThat(data(task, COMPLETED, TaskEvent.Completed.class)).isEqualTo(new TaskEvent.Completed(1, 0));
        assertThat(log.about(task)).extracting(CubeEvent::id).containsExactly(task + "/1/running", task + "/1/completed");
        assertThat(log.about(task)).extracting(CubeEvent::source).containsOnly("/cube/worker/" + workerId);
        await().during(Duration.ofSeconds(2)).atMost(PATIENCE).untilAsserted(() -> assertThat(containersOf(task)).as("kept with its exit code")
                .singleElement().satisfies(c -> assertThat(c.exitCode()).isZero()));

        release(task, 1);

        await().atMost(PATIENCE).until(() -> containersOf(task).isEmpty());
        assertThat(log.typesOf(task)).containsExactly(RUNNING, COMPLETED);
    }

    @Test
    void shouldReportTheExitCodeOfAFailedTask() {
        startWorker();
        String task = newTaskId();

        start(task, 1, shell("exit 3"));

        await().atMost(PATIENCE).until(() -> log.typesOf(task), types -> types.contains(FAILED));
        assertThat(log.typesOf(task)).containsExactly(RUNNING, FAILED);
        TaskEvent.Failed failed = data(task, FAILED, TaskEvent.Failed.class);
        assertThat(failed.exitCode()).isEqualTo(3);
        assertThat(failed.oomKilled()).isFalse();
        assertThat(failed.reason()).contains("exited with code 3");
        release(task, 1);
        await().atMost(PATIENCE).until(() -> containersOf(task).isEmpty());
    }

    @Test
    void shouldSayATaskWasOomKilled() {
        startWorker();
        String task = newTaskId();
        TaskSpec hog = new TaskSpec("hog", IMAGE, List.of("sh", "-c", "x=$(head -c 60000000 /dev/zero | tr '\\0' a); echo ${#x}"),
                null, null, 16L, null, null, null, null, null);

        start(task, 1, hog);

        await().atMost(PATIENCE).until(() -> log.typesOf(task), types -> types.contains(FAILED));
        TaskEvent.Failed failed = data(task, FAILED, TaskEvent.Failed.class);
        assertThat(failed.oomKilled()).isTrue();
        assertThat(failed.reason()).contains("OOM-killed");
    }

    @Test
    void shouldFailATaskWhoseImageCannotBeHadNamingTheImage() {
        startWorker();
        String task = newTaskId();
        String image = "cube/no-such-image:" + task;

        start(task, 1, TaskSpec.of("ghost", image, List.of()));

        await().atMost(PATIENCE).until(() -> log.typesOf(task), types -> types.contains(FAILED));
        assertThat(log.typesOf(task)).containsExactly(FAILED);
        TaskEvent.Failed failed = data(task, FAILED, TaskEvent.Failed.class);
        assertThat(failed.reason()).contains(image);
        assertThat(failed.exitCode()).isNull();
        assertThat(containersOf(task)).isEmpty();
    }

    @Test
    void shouldStopAServerDesiredStoppedThenRemoveItsContainerOnceItLeavesTheSet() throws Exception {
        startWorker();
        String task = newTaskId();
        start(task, 1, httpServer());
        await().atMost(PATIENCE).until(() -> log.typesOf(task), types -> types.contains(RUNNING));
        TaskEvent.Running running = data(task, RUNNING, TaskEvent.Running.class);
        assertThat(running.ports()).extracting(TaskEvent.PublishedPort::containerPort).contains(8080);
        int port = running.ports().stream().filter(p -> p.containerPort() == 8080).findFirst().orElseThrow().hostPort();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        await().atMost(PATIENCE).ignoreExceptions().until(() -> http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                HttpResponse.BodyHandlers.ofString()).body().contains("Hello World"));

        stop(task, 1, httpServer());

        await().atMost(PATIENCE).until(() -> log.typesOf(task), types -> types.contains(STOPPED));
        assertThat(log.typesOf(task)).containsExactly(RUNNING, STOPPED);
        assertThat(data(task, STOPPED, TaskEvent.Stopped.class)).isEqualTo(new TaskEvent.Stopped(1, "user asked"));
        assertThat(containersOf(task)).singleElement().satisfies(c -> assertThat(c.status()).isEqualTo(ContainerStatus.EXITED));

        release(task, 1);

        await().atMost(PATIENCE).until(() -> containersOf(task).isEmpty());
    }

    @Test
    void shouldRunNothingAgainWhenAProjectionWritesTheHistoryOfAFinishedAttemptAgain() {
        Worker first = startWorker();
        String task = newTaskId();
        DesiredAttempt run = new DesiredAttempt(workerId, task, 1, DesiredAttempt.Goal.RUN, shell("exit 0"), false, null);
        long revision = want(workerId, run);
        await().atMost(PATIENCE).until(() -> log.typesOf(task), types -> types.contains(COMPLETED));
        release(task, 1);
        await().atMost(PATIENCE).until(() -> containersOf(task).isEmpty());
        first.close();

        startWorker();
        // A projection rebuilt under a new application id writes the same record at the same revision.
        write(workerId, run.key(), run, revision);
        String witness = newTaskId();
        start(witness, 1, shell("exit 0"));

        await().atMost(PATIENCE).until(() -> log.typesOf(witness), types -> types.contains(COMPLETED));
        await().during(Duration.ofSeconds(2)).atMost(PATIENCE).untilAsserted(() -> {
            assertThat(log.typesOf(task)).containsExactly(RUNNING, COMPLETED);
            assertThat(runtime.find(task, 1)).isEmpty();
        });
    }

    @Test
    void shouldRunOneContainerWhenTheSameStartIsDeliveredTwice() {
        startWorker();
        String task = newTaskId();
        String witness = newTaskId();

        start(task, 1, httpServer());
        start(task, 1, httpServer());
        start(witness, 1, shell("sleep 30"));

        // Attempts start side by side (the worker's parallelism): the witness may run before the server.
        await().atMost(PATIENCE).until(() -> log.typesOf(witness).contains(RUNNING) && log.typesOf(task).contains(RUNNING));
        await().during(Duration.ofSeconds(2)).atMost(PATIENCE).untilAsserted(() -> {
            assertThat(containersOf(task)).hasSize(1);
            assertThat(log.about(task)).extracting(CubeEvent::id).containsExactly(task + "/1/running");
        });
    }

    @Test
    void shouldIgnoreTheAttemptsOfAnotherWorkerOnTheSamePartition() {
        startWorker();
        String neighbour = neighbourOf(workerId);
        String foreign = newTaskId();
        String witness = newTaskId();

        want(neighbour, new DesiredAttempt(neighbour, foreign, 1, DesiredAttempt.Goal.RUN, shell("sleep 30"), false, null));
        start(witness, 1, shell("exit 0"));

        await().atMost(PATIENCE).until(() -> log.typesOf(witness), types -> types.contains(COMPLETED));
        await().during(Duration.ofSeconds(2)).atMost(PATIENCE).untilAsserted(() -> {
            assertThat(log.about(foreign)).isEmpty();
            assertThat(runtime.find(foreign, 1)).isEmpty();
        });
    }

    @Test
    void shouldReportWhatHappenedWhileItWasDownWhenStartedAgain() {
        Worker first = startWorker();
        String task = newTaskId();
        start(task, 1, shell("sleep 2; exit 5"));
        await().atMost(PATIENCE).until(() -> log.typesOf(task), types -> types.contains(RUNNING));

        first.close();
        await().atMost(PATIENCE).until(() -> runtime.find(task, 1).map(ContainerInfo::status), s -> s.equals(java.util.Optional.of(ContainerStatus.EXITED)));
        assertThat(log.typesOf(task)).containsExactly(RUNNING);

        startWorker();

        await().atMost(PATIENCE).until(() -> log.typesOf(task), types -> types.contains(FAILED));
        assertThat(log.typesOf(task)).containsExactly(RUNNING, FAILED);
        assertThat(data(task, FAILED, TaskEvent.Failed.class).exitCode()).isEqualTo(5);
        release(task, 1);
        await().atMost(PATIENCE).until(() -> containersOf(task).isEmpty());
    }

    @Test
    void shouldTakeUpItsRunningContainerAfterARestartWithoutStartingAnotherOrSayingItAgain() {
        Worker first = startWorker();
        String task = newTaskId();
        start(task, 1, shell("sleep 30"));
        await().atMost(PATIENCE).until(() -> log.typesOf(task), types -> types.contains(RUNNING));
        String containerId = data(task, RUNNING, TaskEvent.Running.class).containerId();
        // The fold has the running report: the desired attempt says it started.
        want(workerId, new DesiredAttempt(workerId, task, 1, DesiredAttempt.Goal.RUN, shell("sleep 30"), true, null));
        first.close();

        startWorker();

        await().during(Duration.ofSeconds(2)).atMost(PATIENCE).untilAsserted(() -> {
            assertThat(log.about(task)).extracting(CubeEvent::id).containsExactly(task + "/1/running");
            assertThat(containersOf(task)).extracting(ContainerInfo::id).containsExactly(containerId);
        });
    }

    @Test
    void shouldSayARunningContainerRunsAgainAfterARestartWhenTheLogMissedItAndStartNoOther() {
        Worker first = startWorker();
        String task = newTaskId();
        start(task, 1, shell("sleep 30"));
        await().atMost(PATIENCE).until(() -> log.typesOf(task), types -> types.contains(RUNNING));
        String containerId = data(task, RUNNING, TaskEvent.Running.class).containerId();
        first.close();

        startWorker();

        await().atMost(PATIENCE).until(() -> log.typesOf(task), types -> types.size() == 2);
        assertThat(log.about(task)).as("the same fact, with the same id: a duplicate for the fold")
                .extracting(CubeEvent::id).containsExactly(task + "/1/running", task + "/1/running");
        assertThat(containersOf(task)).extracting(ContainerInfo::id).containsExactly(containerId);
    }

    @Test
    void shouldHeartbeatWhileUpAndSayLeftWhenClosed() {
        Worker worker = startWorker();

        await().atMost(PATIENCE).until(() -> log.about(workerId).size() >= 2);
        WorkerEvent.Heartbeat beat = (WorkerEvent.Heartbeat) log.about(workerId).getFirst().data();
        assertThat(beat.workerId()).isEqualTo(workerId);
        assertThat(beat.capacity().cpu()).isPositive();
        assertThat(beat.capacity().memory()).isPositive();
        assertThat(beat.startedAt()).isNotNull();

        worker.close();

        await().atMost(PATIENCE).until(() -> log.about(workerId).getLast().data() instanceof WorkerEvent.Left);
    }

    @Test
    void shouldSendTheMachinesStatsInEveryHeartbeat() {
        startWorker();
        String task = newTaskId();
        start(task, 1, shell("sleep 60"));
        await().atMost(PATIENCE).until(() -> log.typesOf(task), types -> types.contains(RUNNING));

        await().atMost(PATIENCE).until(() -> lastHeartbeat().stats() != null && lastHeartbeat().stats().containers() == 1);
        WorkerEvent.Stats stats = lastHeartbeat().stats();
        assertThat(stats.cpuUsage()).isBetween(0.0, 1.0);
        assertThat(stats.memoryUsed()).isPositive();
        assertThat(stats.diskUsed()).isPositive();
        assertThat(stats.loadAverage()).isGreaterThanOrEqualTo(0.0);
        assertThat(log.about(workerId)).map(CubeEvent::data).filteredOn(WorkerEvent.Heartbeat.class::isInstance)
                .allSatisfy(beat -> assertThat(((WorkerEvent.Heartbeat) beat).stats()).isNotNull());

        stop(task, 1, shell("sleep 60"));

        await().atMost(PATIENCE).until(() -> lastHeartbeat().stats().containers() == 0);
    }

    WorkerEvent.Heartbeat lastHeartbeat() {
        return log.about(workerId).stream().map(CubeEvent::data).filter(WorkerEvent.Heartbeat.class::isInstance)
                .map(WorkerEvent.Heartbeat.class::cast).reduce((first, second) -> second).orElseThrow();
    }

    @Test
    void shouldKeepAContainerWhoseHealthCheckAnswers200() {
        startWorker();
        String task = newTaskId();

        start(task, 1, checkedServer("/health"));

        await().atMost(PATIENCE).until(() -> log.typesOf(task), types -> types.contains(RUNNING));
        await().during(Duration.ofSeconds(4)).atMost(PATIENCE).untilAsserted(() -> {
            assertThat(log.typesOf(task)).containsExactly(RUNNING);
            assertThat(containersOf(task)).singleElement().extracting(ContainerInfo::status).isEqualTo(ContainerStatus.RUNNING);
        });
    }

    @Test
    void shouldStopAndFailAContainerWhoseHealthCheckAnswers404() {
        startWorker();
        String task = newTaskId();

        start(task, 1, checkedServer("/missing"));

        await().atMost(PATIENCE).until(() -> log.typesOf(task), types -> types.contains(FAILED));
        assertThat(log.typesOf(task)).containsExactly(RUNNING, FAILED);
        int port = data(task, RUNNING, TaskEvent.Running.class).ports().getFirst().hostPort();
        TaskEvent.Failed failed = data(task, FAILED, TaskEvent.Failed.class);
        assertThat(failed.reason()).isEqualTo("health check failed: GET http://127.0.0.1:" + port + "/missing answered 404");
        assertThat(failed.attempt()).isEqualTo(1);
        assertThat(failed.oomKilled()).isFalse();
        assertThat(log.about(task)).extracting(CubeEvent::id).containsExactly(task + "/1/running", task + "/1/failed");
        release(task, 1);
        await().atMost(PATIENCE).until(() -> containersOf(task).isEmpty());
    }

    @Test
    void shouldFailAContainerTheEngineReportsUnhealthy() throws Exception {
        String image = "cube/unhealthy:local";
        Path context = Files.createTempDirectory("cube-unhealthy");
        try {
            Files.writeString(context.resolve("Dockerfile"), """
                    FROM cube/busybox:local
                    HEALTHCHECK --interval=1s --timeout=1s --retries=1 CMD false
                    """);
            runtime.client().buildImageCmd(context.toFile()).withTags(Set.of(image)).withPull(false)
                    .exec(new BuildImageResultCallback()).awaitImageId(2, TimeUnit.MINUTES);
            startWorker();
            String task = newTaskId();

            start(task, 1, new TaskSpec("sick", image, List.of("sleep", "300"), null, null, null, null, null, null, null, null));

            await().atMost(PATIENCE).until(() -> log.typesOf(task), types -> types.contains(FAILED));
            assertThat(log.typesOf(task)).containsExactly(RUNNING, FAILED);
            assertThat(data(task, FAILED, TaskEvent.Failed.class).reason()).isEqualTo("Docker health check reported unhealthy");
            release(task, 1);
            await().atMost(PATIENCE).until(() -> containersOf(task).isEmpty());
        } finally {
            closeWorkersAndRemoveTheirContainers();
            try {
                runtime.client().removeImageCmd(image).withForce(true).exec();
            } catch (RuntimeException e) {
                // not built, or already gone
            }
            Files.deleteIfExists(context.resolve("Dockerfile"));
            Files.deleteIfExists(context);
        }
    }

    @Test
    void shouldGoOnCheckingHealthAfterARestart() {
        Worker first = startWorker();
        String task = newTaskId();
        start(task, 1, checkedServer("/health"));
        await().atMost(PATIENCE).until(() -> log.typesOf(task), types -> types.contains(RUNNING));
        first.close();

        String containerId = data(task, RUNNING, TaskEvent.Running.class).containerId();
        exec(containerId, "rm", "/www/health");
        startWorker();

        await().atMost(PATIENCE).until(() -> log.typesOf(task), types -> types.contains(FAILED));
        assertThat(data(task, FAILED, TaskEvent.Failed.class).reason()).startsWith("health check failed: GET").endsWith("/health answered 404");
        release(task, 1);
        await().atMost(PATIENCE).until(() -> containersOf(task).isEmpty());
    }

    static void exec(String containerId, String... command) {
        String exec = runtime.client().execCreateCmd(containerId).withCmd(command)
                .withAttachStdout(true).withAttachStderr(true).exec().getId();
        try {
            runtime.client().execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>()).awaitCompletion(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        await().atMost(PATIENCE).until(() -> runtime.client().inspectExecCmd(exec).exec().getExitCodeLong(), code -> code != null);
        assertThat(runtime.client().inspectExecCmd(exec).exec().getExitCodeLong()).isZero();
    }

    @Test
    void shouldRemoveAnAttemptThatLeftTheSetWhileItWasDownWhenStartedAgain() {
        Worker first = startWorker();
        String task = newTaskId();
        start(task, 1, shell("sleep 300"));
        await().atMost(PATIENCE).until(() -> log.typesOf(task), types -> types.contains(RUNNING));
        first.close();

        // The worker was declared lost meanwhile: its attempt left its set (and runs elsewhere).
        release(task, 1);
        startWorker();

        await().atMost(PATIENCE).until(() -> containersOf(task).isEmpty());
        assertThat(log.typesOf(task)).as("nothing to say: the log has moved on").containsExactly(RUNNING);
        assertThat(runtime.client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ContainerRuntime.TASK_ID_LABEL, task)).exec()).isEmpty();
    }

    @Test
    void shouldLeaveALaterAttemptRunningWhenAnEarlierOneLeavesTheSet() {
        startWorker();
        String task = newTaskId();
        start(task, 2, shell("sleep 300"));
        await().atMost(PATIENCE).until(() -> log.typesOf(task), types -> types.contains(RUNNING));
        String witness = newTaskId();

        release(task, 1);
        start(witness, 1, shell("exit 0"));

        await().atMost(PATIENCE).until(() -> log.typesOf(witness), types -> types.contains(COMPLETED));
        assertThat(log.typesOf(task)).containsExactly(RUNNING);
        assertThat(containersOf(task)).singleElement().extracting(ContainerInfo::attempt).isEqualTo(2);
    }

    /** Another worker id whose desired attempts land on the same partition as {@code workerId}'s. */
    static String neighbourOf(String workerId) {
        int partition = Worker.desiredPartition(workerId, Topics.DESIRED_ATTEMPTS.partitions());
        for (int i = 0; ; i++) {
            String candidate = workerId + "-n" + i;
            if (Worker.desiredPartition(candidate, Topics.DESIRED_ATTEMPTS.partitions()) == partition) {
                return candidate;
            }
        }
    }
}
