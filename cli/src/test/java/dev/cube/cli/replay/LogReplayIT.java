package dev.cube.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.cli.Cube;
import dev.cube.events.state.TaskStatus;
import dev.cube.events.topics.Topic;
import dev.cube.events.topics.Topics;
import dev.cube.events.wire.Json;
import dev.cube.infra.SharedKafka;
import dev.cube.manager.history.Outcome;
import dev.cube.manager.history.Step;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link LogReplay} and {@code cube replay} on a real broker, over a log written by a plain producer (no manager runs here). */
class LogReplayIT {

    @Test
    void aLargeLogIsFoldedAndTheRateReported() throws Exception {
        String run = "bulk-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        int tasks = 4_000;
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < tasks; i++) {
                String id = run + i;
                producer.send(record(id, event(id, "dev.cube.task.submitted", "{\"spec\":{\"image\":\"cube/busybox:local\"}}")));
                producer.send(record(id, event(id, "dev.cube.task.scheduled", "{\"workerId\":\"w1\",\"attempt\":1}")));
                producer.send(record(id, event(id, "dev.cube.task.running", "{\"workerId\":\"w1\",\"attempt\":1,\"containerId\":\"c" + i + "\"}")));
                producer.send(record(id, event(id, "dev.cube.task.completed", "{\"attempt\":1,\"exitCode\":0}")));
                producer.send(record(id, event(id, "dev.cube.task.completed", "{\"attempt\":1,\"exitCode\":0}")));
            }
            producer.flush();
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong reportedRead = new AtomicLong();

        LogReplay.Result result = LogReplay.replay(SharedKafka.bootstrapServers(), LogReplay.Window.everything(), step -> { },
                (read, total, perSecond, finished) -> {
                    reportedRead.set(read);
                    done.compareAndSet(false, finished);
                    assertThat(read).isLessThanOrEqualTo(total);
                });

        System.out.printf("replayed %,d events in %s: %,.0f events/s%n", result.records(), result.elapsed(), result.perSecond());
        assertThat(result.records()).isGreaterThanOrEqualTo(tasks * 5L);
        assertThat(result.perSecond()).isPositive();
        assertThat(done).isTrue();
        assertThat(reportedRead.get()).isEqualTo(result.records());
        assertThat(result.states().entrySet().stream().filter(e -> e.getKey().startsWith(run)))
                .hasSize(tasks)
                .allSatisfy(e -> assertThat(e.getValue().state()).isEqualTo(TaskStatus.Completed));
    }

    @Test
    void aTimelineShowsEachOutcomeAndOnlyTheKeysPartitionCounts() throws Exception {
        String id = "timeline-" + UUID.randomUUID();
        int home = Topics.TASK_EVENTS.partitionOf(id);
        Instant betweenTransitions;
        try (KafkaProducer<String, String> producer = producer()) {
            String submitted = event(id, "dev.cube.task.submitted", "{\"spec\":{\"image\":\"cube/busybox:local\"}}");
            producer.send(record(id, submitted)).get();
            producer.send(record(id, submitted)).get();
            producer.send(new ProducerRecord<>(Topics.TASK_EVENTS.name(), (home + 1) % 4, id,
                    event(id, "dev.cube.task.scheduled", "{\"workerId\":\"w9\",\"attempt\":1}"))).get();
            producer.send(record(id, event(id, "dev.cube.task.completed", "{\"attempt\":1,\"exitCode\":0}"))).get();
            producer.send(record(id, "not an event")).get();
            Thread.sleep(20);
            RecordMetadata scheduled = producer.send(record(id, event(id, "dev.cube.task.scheduled", "{\"workerId\":\"w1\",\"attempt\":1}"))).get();
            betweenTransitions = Instant.ofEpochMilli(scheduled.timestamp()).minusMillis(1);
            Thread.sleep(20);
            ProducerRecord<String, String> binary = record(id, "{\"workerId\":\"w1\",\"attempt\":1,\"containerId\":\"c1\"}");
            Map.of("ce_specversion", "1.0", "ce_id", UUID.randomUUID().toString(), "ce_source", "/worker/w1", "ce_type", "dev.cube.task.running",
                    "ce_subject", id, "ce_time", "2026-01-31T12:00:00Z").forEach((k, v) -> binary.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
            producer.send(binary).get();
        }
        List<Step> steps = new ArrayList<>();

        LogReplay.Result result = LogReplay.replay(SharedKafka.bootstrapServers(),
                new LogReplay.Window(java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.of(id)), steps::add, (a, b, c, d) -> { });

        assertThat(steps).extracting(Step::outcome).containsExactly(
                Outcome.APPLIED, Outcome.DUPLICATE, Outcome.REJECTED, Outcome.INVALID, Outcome.APPLIED, Outcome.APPLIED);
        assertThat(result.states().get(id).state()).isEqualTo(TaskStatus.Running);
        assertThat(result.states().get(id).workerId()).isEqualTo("w1");

        List<Step> everywhere = new ArrayList<>();
        LogReplay.replay(SharedKafka.bootstrapServers(), LogReplay.Window.everything(),
                step -> { if (id.equals(step.taskId())) everywhere.add(step); }, (a, b, c, d) -> { });
        assertThat(everywhere).extracting(Step::outcome).contains(Outcome.MISPLACED);

        String table = run("replay", "--bootstrap", SharedKafka.bootstrapServers(), "--task", id, "-q");
        assertThat(table).contains("TIME", "TYPE", "SOURCE", "STATE AFTER", "OUTCOME", "submitted", "duplicate", "rejected: ",
                "Running #1 on w1", "/worker/w1");

        JsonNode then = Json.MAPPER.readTree(run("replay", "--bootstrap", SharedKafka.bootstrapServers(), "--as-of", betweenTransitions.toString(),
                "--task", id, "-o", "json", "-q"));
        assertThat(then).hasSize(1);
        assertThat(then.get(0).get("state").asText()).isEqualTo("Pending");

        String fromLater = run("replay", "--bootstrap", SharedKafka.bootstrapServers(), "--task", id, "--from", betweenTransitions.toString(), "-q");
        assertThat(fromLater).contains("unknown-start").doesNotContainPattern("\\s{3}submitted\\s{3}");
    }

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = Cube.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        assertThat(cli.execute(args)).as(out.toString()).isZero();
        return out.toString();
    }

    private static ProducerRecord<String, String> record(String key, String value) {
        return new ProducerRecord<>(Topics.TASK_EVENTS.name(), Topic.partitionOf(key, 4), key, value);
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 10, ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024),
                new StringSerializer(), new StringSerializer());
    }

    private static String event(String subject, String type, String data) {
        return """
                {"specversion":"1.0","id":"%s","source":"/tests","type":"%s","subject":"%s","time":"2026-01-31T12:00:00Z","data":%s}"""
                .formatted(UUID.randomUUID(), type, subject, data);
    }
}
