package dev.cube.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.CubeEvent;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.topics.Topics;
import dev.cube.infra.TopicContents;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A task's whole life on a real broker and a real Docker engine, driven over HTTP as a user would. */
class TaskLifecycleIT {

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
    void aTaskServingHttpRunsAnswersOnItsPublishedPortAndStopsOnDelete() throws Exception {
        String id = cluster.submit("""
                {"name":"web","image":"cube/busybox:local","command":["httpd","-f","-p","8080","-h","/www"],
                 "ports":[{"containerPort":8080}],"cpu":0.1,"memory":64}""");

        JsonNode running = cluster.awaitState(id, "Running");
        assertThat(running.get("workerId").asText()).isEqualTo(cluster.workerId);
        String containerId = running.get("containerId").asText();
        int hostPort = running.get("publishedPorts").get(0).get("hostPort").asInt();
        assertThat(running.get("ports").get(0).get("containerPort").asInt()).isEqualTo(8080);
        assertThat(running.get("ports").get(0).has("hostPort")).as("the spec asked for no host port").isFalse();
        assertThat(hostPort).isPositive();
        HttpResponse<String> hello = await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> cluster.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hostPort + "/")).GET().build()), r -> r.statusCode() == 200);
        assertThat(hello.body()).contains("Hello World");

        assertThat(cluster.delete("/api/v1/tasks/" + id).statusCode()).isEqualTo(202);

        JsonNode stopped = cluster.awaitState(id, "Stopped");
        assertThat(stopped.get("desiredState").asText()).isEqualTo("Stopped");
        // The attempt leaves its worker's desired set once the fold has the stop: the worker then removes the container.
        await().atMost(Duration.ofSeconds(10)).until(() -> !Docker.exists(containerId));
    }

    @Test
    void aCommandThatExitsZeroCompletesAndOneThatExitsThreeFails() {
        String ok = cluster.submit("{\"image\":\"cube/busybox:local\",\"command\":[\"sh\",\"-c\",\"exit 0\"]}");
        String three = cluster.submit("{\"image\":\"cube/busybox:local\",\"command\":[\"sh\",\"-c\",\"exit 3\"]}");

        JsonNode completed = cluster.awaitState(ok, "Completed");
        JsonNode failed = cluster.awaitState(three, "Failed");

        assertThat(completed.get("exitCode").asInt()).isZero();
        assertThat(failed.get("exitCode").asInt()).isEqualTo(3);
        assertThat(cluster.events(ok)).extracting(event -> event.get("type").asText()).containsExactly(
                "dev.cube.task.submitted", "dev.cube.task.scheduled", "dev.cube.task.running", "dev.cube.task.completed");
        await().atMost(Duration.ofSeconds(10)).until(() -> Docker.containersOfTask(ok).isEmpty() && Docker.containersOfTask(three).isEmpty());
    }

    @Test
    void anImageThatCannotBeHadFailsTheTaskWithAReasonNamingIt() {
        String id = cluster.submit("{\"image\":\"cube/no-such-image:1\",\"command\":[\"true\"]}");

        JsonNode failed = cluster.awaitState(id, "Failed");

        assertThat(failed.get("reason").asText()).contains("cube/no-such-image:1");
    }

    @Test
    void aDesiredAttemptAndItsPlacementDeliveredAgainMakeOneContainer() throws Exception {
        String id = cluster.submit("{\"image\":\"cube/busybox:local\",\"command\":[\"sleep\",\"300\"]}");
        JsonNode running = cluster.awaitState(id, "Running");
        JsonNode scheduled = cluster.events(id).stream()
                .filter(event -> event.get("type").asText().equals("dev.cube.task.scheduled")).findFirst().orElseThrow();
        List<ConsumerRecord<String, byte[]>> desired = TopicContents.read(cluster.cube.bootstrapServers(), Topics.DESIRED_ATTEMPTS.name())
                .stream().filter(record -> (id + "/1").equals(record.key())).toList();
        assertThat(desired).isNotEmpty();

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.cube.bootstrapServers()),
                new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            for (ConsumerRecord<String, byte[]> record : desired) {
                producer.send(new ProducerRecord<>(record.topic(), record.partition(), record.key(), record.value(), record.headers())).get();
            }
            producer.send(new ProducerRecord<>(Topics.TASK_EVENTS.name(), id, scheduled.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))).get();
        }

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(Docker.containersOfTask(id)).hasSize(1));
        JsonNode after = cluster.task(id);
        assertThat(after.get("state").asText()).isEqualTo("Running");
        assertThat(after.get("containerId").asText()).isEqualTo(running.get("containerId").asText());
        assertThat(after.get("attempt").asInt()).isEqualTo(1);

        cluster.delete("/api/v1/tasks/" + id);
        cluster.awaitState(id, "Stopped");
    }

    @Test
    void aWorkerRestartedWhileItsContainerFinishedReportsTheTerminalState() {
        String id = cluster.submit("{\"image\":\"cube/busybox:local\",\"command\":[\"sh\",\"-c\",\"sleep 2; exit 0\"]}");
        String containerId = cluster.awaitState(id, "Running").get("containerId").asText();

        cluster.cube.stopWorker();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> Docker.status(containerId).equals("exited"));
            assertThat(cluster.task(id).get("state").asText()).isEqualTo("Running");
        } finally {
            cluster.cube.startWorker();
        }

        JsonNode completed = cluster.awaitState(id, "Completed");
        assertThat(completed.get("exitCode").asInt()).isZero();
    }
}
