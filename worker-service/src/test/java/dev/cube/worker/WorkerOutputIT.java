package dev.cube.worker;

import com.github.dockerjava.api.model.Container;
import dev.cube.events.desired.DesiredAttempt;
import dev.cube.events.output.OutputRecord;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.topics.Topics;
import dev.cube.infra.SharedKafka;
import dev.cube.infra.TopicContents;
import dev.cube.worker.runtime.ContainerRuntime;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A worker shipping its containers' output to {@code cube.task-logs}, on a real broker and the real engine. */
class WorkerOutputIT {

    static final String IMAGE = "cube/busybox:local";
    static final Duration PATIENCE = Duration.ofSeconds(30);

    static String bootstrap;
    static DockerContainerRuntime runtime;
    static KafkaProducer<String, byte[]> desired;

    String workerId;
    final List<Worker> workers = new ArrayList<>();

    @BeforeAll
    static void connect() {
        bootstrap = SharedKafka.bootstrapServers();
        runtime = DockerContainerRuntime.connect(null, Duration.ofSeconds(30));
        desired = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void disconnect() {
        if (desired != null) {
            desired.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    @BeforeEach
    void newWorkerId() {
        workerId = "w-out-" + UUID.randomUUID().toString().substring(0, 8);
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

    void want(String taskId, TaskSpec spec) {
        DesiredWrites.write(desired, workerId, DesiredAttempt.key(taskId, 1),
                new DesiredAttempt(workerId, taskId, 1, DesiredAttempt.Goal.RUN, spec, false, null), DesiredWrites.nextRevision());
    }

    void release(String taskId) {
        DesiredWrites.write(desired, workerId, DesiredAttempt.key(taskId, 1), null, DesiredWrites.nextRevision());
    }

    static List<OutputRecord> output(String taskId) {
        return TopicContents.read(bootstrap, Topics.TASK_LOGS.name()).stream().filter(r -> taskId.equals(r.key()))
                .map(r -> Topics.TASK_LOGS.valueSerde().deserializer().deserialize(r.topic(), r.value())).toList();
    }

    static List<String> lines(List<OutputRecord> records) {
        return records.stream().filter(r -> r.kind() == OutputRecord.Kind.LINE).map(OutputRecord::line).toList();
    }

    boolean hasContainer(String taskId) {
        return !runtime.client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ContainerRuntime.TASK_ID_LABEL, taskId)).exec().isEmpty();
    }

    static TaskSpec shell(String script) {
        return TaskSpec.of("sh", IMAGE, List.of("sh", "-c", script));
    }

    @Test
    void shipsBothStreamsOfAnAttemptAndItsEndBeforeTheContainerIsRemoved() {
        startWorker();
        String task = "t" + UUID.randomUUID().toString().substring(0, 12);
        want(task, shell("echo hello from Cube; echo oops >&2"));
        await().atMost(PATIENCE).until(() -> output(task).stream().anyMatch(r -> r.kind() == OutputRecord.Kind.END));

        release(task);
        await().atMost(PATIENCE).until(() -> !hasContainer(task));

        List<OutputRecord> records = output(task);
        assertThat(records).extracting(OutputRecord::seq).containsExactly(1L, 2L, 3L);
        assertThat(records).filteredOn(r -> r.kind() == OutputRecord.Kind.LINE)
                .extracting(OutputRecord::stream, OutputRecord::line).containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(OutputRecord.Stream.STDOUT, "hello from Cube"),
                        org.assertj.core.groups.Tuple.tuple(OutputRecord.Stream.STDERR, "oops"));
        assertThat(records.getLast().kind()).isEqualTo(OutputRecord.Kind.END);
        assertThat(records).allSatisfy(r -> assertThat(r.workerId()).isEqualTo(workerId));
    }

    @Test
    void aWorkerStartedAgainInTheMiddleOfAnAttemptShipsEachLineOnceIncludingThoseWrittenWhileItWasAway() {
        Worker first = startWorker();
        String task = "t" + UUID.randomUUID().toString().substring(0, 12);
        want(task, shell("i=1; while [ $i -le 40 ]; do echo line $i; i=$((i+1)); sleep 0.25; done"));
        await().atMost(PATIENCE).until(() -> lines(output(task)).size() >= 3);

        first.close();
        workers.remove(first);
        int shippedByTheFirst = lines(output(task)).size();
        await().pollDelay(Duration.ofSeconds(1)).atMost(PATIENCE).until(() -> true);
        startWorker();

        await().atMost(PATIENCE).until(() -> output(task).stream().anyMatch(r -> r.kind() == OutputRecord.Kind.END));
        List<OutputRecord> records = output(task);
        assertThat(shippedByTheFirst).isLessThan(40);
        assertThat(lines(records)).containsExactlyElementsOf(IntStream.rangeClosed(1, 40).mapToObj(i -> "line " + i).toList());
        assertThat(records).as("each record once, numbered in order").extracting(OutputRecord::seq)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 41).mapToObj(i -> (long) i).toList());
        release(task);
        await().atMost(PATIENCE).until(() -> !hasContainer(task));
    }
}
