package dev.cube.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.cli.Cube;
import dev.cube.cli.replay.LogReplay;
import dev.cube.events.topics.Topics;
import dev.cube.events.wire.Json;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Time travel on a whole Cube: a real restart in the history, as-of answers over HTTP and from {@code cube replay}, and {@code --verify}. */
class ReplayIT {

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

    record Run(int exit, String out, String err) {
    }

    @Test
    void aRestartShowsInTheHistoryAndAsOfBetweenTransitionsIsTheStateThenOverHttpAndFromReplay() throws Exception {
        String id = cluster.submit("""
                {"image":"cube/busybox:local","command":["sh","-c","sleep 1; exit 3"],
                 "restartPolicy":{"mode":"on-failure","maxRestarts":1,"backoffSeconds":0}}""");
        JsonNode current = await().atMost(Duration.ofSeconds(90)).until(() -> cluster.task(id),
                task -> task != null && task.get("state").asText().equals("Failed") && task.get("attempt").asInt() == 2);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() -> cluster.task(id).equals(current));

        List<JsonNode> items = history(id);
        List<String> applied = items.stream().filter(item -> item.get("outcome").asText().equals("applied"))
                .map(item -> item.get("event").get("type").asText().replace("dev.cube.task.", "") + " " + item.get("state").get("state").asText()
                        + " " + item.get("state").get("attempt").asInt())
                .toList();
        assertThat(applied).containsSubsequence("submitted Pending 0", "scheduled Scheduled 1", "running Running 1", "failed Failed 1",
                "scheduled Scheduled 2", "running Running 2", "failed Failed 2");

        int checked = 0;
        for (int i = 0; i < items.size(); i++) {
            Instant at = Instant.parse(items.get(i).get("logTime").asText());
            if (i < items.size() - 1 && !Instant.parse(items.get(i + 1).get("logTime").asText()).isAfter(at)) {
                continue;
            }
            JsonNode expected = items.get(i).get("state");
            JsonNode overHttp = Cluster.json(cluster.get("/api/v1/tasks/" + id + "?asOf=" + at).body());
            assertThat(overHttp.get("state").asText() + " " + overHttp.get("attempt").asInt()).as("over HTTP as of " + at)
                    .isEqualTo(expected.get("state").asText() + " " + expected.get("attempt").asInt());
            JsonNode replayed = Json.MAPPER.readTree(cube("replay", "--bootstrap", cluster.cube.bootstrapServers(), "--as-of", at.toString(),
                    "--task", id, "-o", "json", "-q").out());
            assertThat(replayed.get(0).get("state").asText() + " " + replayed.get(0).get("attempt").asInt()).as("replayed as of " + at)
                    .isEqualTo(expected.get("state").asText() + " " + expected.get("attempt").asInt());
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(5);

        Instant first = Instant.parse(items.getFirst().get("logTime").asText());
        HttpResponse<String> before = cluster.get("/api/v1/tasks/" + id + "?asOf=" + first.minusMillis(1));
        assertThat(before.statusCode()).isEqualTo(404);
        assertThat(before.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(Json.MAPPER.readTree(cube("replay", "--bootstrap", cluster.cube.bootstrapServers(), "--as-of", first.minusMillis(1).toString(),
                "--task", id, "-o", "json", "-q").out())).isEmpty();

        assertThat(Cluster.json(cluster.get("/api/v1/tasks/" + id + "?asOf=" + Instant.now().plusSeconds(60)).body())).isEqualTo(current);

        String timeline = cube("replay", "--bootstrap", cluster.cube.bootstrapServers(), "--task", id, "-q").out();
        assertThat(timeline).contains("Failed #1 on " + cluster.workerId + " exit 3", "Scheduled #2 on " + cluster.workerId, "/cube/worker/");
    }

    @Test
    void verifyPassesOnAHealthySystemAndFailsNamingATaskWhoseLiveStateDivergesFromTheLog() throws Exception {
        String id = cluster.submit("{\"image\":\"cube/busybox:local\",\"command\":[\"sh\",\"-c\",\"exit 0\"]}");
        cluster.awaitState(id, "Completed");
        String bootstrap = cluster.cube.bootstrapServers();

        Run healthy = cube("replay", "--verify", "--bootstrap", bootstrap);
        assertThat(healthy.exit()).as(healthy.out()).isZero();
        assertThat(healthy.out()).startsWith("OK:");
        assertThat(healthy.err()).contains("events/s");

        ObjectNode truth = Json.MAPPER.valueToTree(LogReplay.replay(bootstrap, LogReplay.Window.everything(), s -> { }, (a, b, c, d) -> { })
                .states().get(id).forReaders());
        ObjectNode forged = truth.deepCopy().put("state", "Running");
        forged.remove("exitCode");
        publishState(bootstrap, id, forged);

        Run diverged = cube("replay", "--verify", "--bootstrap", bootstrap, "--settle", "2s", "-q");
        assertThat(diverged.exit()).as(diverged.out()).isEqualTo(Cube.EXIT_FAILED);
        assertThat(diverged.out()).containsPattern(id + "\\s+state\\s+Running\\s+Completed")
                .containsPattern(id + "\\s+exitCode\\s+absent\\s+0")
                .contains("DIFFERENT: 2 difference(s) in 1 task(s)");
        JsonNode asJson = Json.MAPPER.readTree(cube("replay", "--verify", "--bootstrap", bootstrap, "--settle", "0s", "-q", "-o", "json").out());
        assertThat(asJson.get("equal").asBoolean()).isFalse();
        assertThat(asJson.get("differences")).allSatisfy(d -> assertThat(d.get("task").asText()).isEqualTo(id));

        publishState(bootstrap, id, truth);
        assertThat(cube("replay", "--verify", "--bootstrap", bootstrap, "-q").exit()).isZero();
    }

    private static void publishState(String bootstrap, String id, JsonNode state) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.TASK_STATE.name(), id, Json.MAPPER.writeValueAsString(state))).get();
        }
    }

    private static List<JsonNode> history(String id) {
        HttpResponse<String> response = cluster.get("/api/v1/tasks/" + id + "/history");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> items = new ArrayList<>();
        Cluster.json(response.body()).get("items").forEach(items::add);
        return items;
    }

    private static Run cube(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Cube.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
