package dev.cube.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.topics.Topics;
import dev.cube.infra.TopicContents;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Placement by capacity with several real workers (distinct ids and declared capacities) on the
 * real broker and engine: where tasks land, what waits, and that no worker is ever over-committed.
 */
class SchedulingIT {

    static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    static final String SMALL = "small-" + RUN;
    static final String LARGE = "large-" + RUN;

    static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = Cluster.start(SMALL, Map.of("cube.worker.cpu", 1, "cube.worker.memory", 256));
        cluster.addWorker(LARGE, 2, 2048);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aTaskTooBigForOneWorkerLandsOnTheOneWithRoom() {
        String id = cluster.submit("{\"image\":\"cube/busybox:local\",\"command\":[\"sh\",\"-c\",\"exit 0\"],\"cpu\":0.5,\"memory\":1024}");

        JsonNode completed = cluster.awaitState(id, "Completed");

        assertThat(completed.get("workerId").asText()).isEqualTo(LARGE);
    }

    @Test
    void aTaskTooBigForEveryWorkerWaitsWithAReasonThenRunsWhenABiggerWorkerJoins() {
        String huge = "huge-" + RUN;
        String id = cluster.submit("{\"image\":\"cube/busybox:local\",\"command\":[\"sh\",\"-c\",\"exit 0\"],\"cpu\":0.5,\"memory\":8192}");

        JsonNode waiting = await().atMost(Duration.ofSeconds(30)).until(() -> cluster.task(id), t -> t != null && t.has("reason"));
        assertThat(waiting.get("state").asText()).isEqualTo("Pending");
        assertThat(waiting.get("reason").asText()).contains("no worker has room").contains("8192 MB");

        cluster.addWorker(huge, 4, 16_384);
        try {
            assertThat(cluster.awaitState(id, "Completed").get("workerId").asText()).isEqualTo(huge);
        } finally {
            cluster.stopWorker(huge);
        }
    }

    @Test
    void fiftyTasksSubmittedAtOnceNeverOvercommitAnyWorker() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ids.add(cluster.submit("{\"name\":\"burst-" + i + "\",\"image\":\"cube/busybox:local\",\"command\":[\"sh\",\"-c\",\"sleep 1\"],"
                    + "\"cpu\":0.5,\"memory\":64}"));
        }

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
                ids.stream().allMatch(id -> "Completed".equals(stateOf(id))));

        Map<String, Double> peakCpu = peakCpuPerWorkerFromTheLog(ids, 0.5);
        assertThat(peakCpu.getOrDefault(SMALL, 0.0)).isLessThanOrEqualTo(1.0);
        assertThat(peakCpu.getOrDefault(LARGE, 0.0)).isLessThanOrEqualTo(2.0);
        assertThat(peakCpu.values().stream().mapToDouble(Double::doubleValue).sum()).as("both workers were used").isGreaterThan(2.0);
    }

    private static String stateOf(String id) {
        JsonNode task = cluster.task(id);
        return task == null ? null : task.get("state").asText();
    }

    /**
     * Replays the log: each attempt holds {@code cpu} from the broker time of its {@code scheduled}
     * event to that of the event that ended it; answers the most each worker held at any instant.
     */
    private static Map<String, Double> peakCpuPerWorkerFromTheLog(List<String> ids, double cpu) {
        record Step(long time, int order, String worker, double delta) {
        }
        List<Step> steps = new ArrayList<>();
        Map<String, String> workerOf = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : TopicContents.read(cluster.cube.bootstrapServers(), Topics.TASK_EVENTS.name())) {
            if (!ids.contains(record.key())) {
                continue;
            }
            JsonNode event = Cluster.json(TopicContents.text(record));
            String type = event.get("type").asText();
            if (type.equals("dev.cube.task.scheduled")) {
                String worker = event.get("data").get("workerId").asText();
                workerOf.put(record.key(), worker);
                steps.add(new Step(record.timestamp(), 1, worker, cpu));
            } else if (type.matches("dev\\.cube\\.task\\.(completed|failed|stopped|lost)") && workerOf.containsKey(record.key())) {
                steps.add(new Step(record.timestamp(), 0, workerOf.remove(record.key()), -cpu));
            }
        }
        steps.sort(Comparator.comparingLong(Step::time).thenComparingInt(Step::order));
        Map<String, Double> held = new HashMap<>();
        Map<String, Double> peak = new HashMap<>();
        for (Step step : steps) {
            double now = held.merge(step.worker(), step.delta(), Double::sum);
            peak.merge(step.worker(), now, Math::max);
        }
        return peak;
    }

}
