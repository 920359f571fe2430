package dev.cube.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.topics.Topics;
import dev.cube.infra.KafkaCluster;
import dev.cube.kafka.TopicSetup;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * How long the group takes to move a manager's partitions under each group protocol, on a three-broker
 * cluster with two managers, each a process: a second manager joining, one stopping cleanly (SIGTERM:
 * it leaves the group), one killed (SIGKILL: the group waits for its session timeout), and how soon the
 * survivor answers reads of the killed one's tasks (from its standby copy). Who holds what is read from
 * the outside, over the internal API: an instance answers {@code copy=active} for a partition only while
 * it holds its active copy. Run on demand, one protocol after the other (~4 min):
 * {@code mvn -pl cli -am package failsafe:integration-test@default -Dit.test=NONE -Dtest=MembershipMeasurement
 * -Dcube.measure=true} ... or with surefire: {@code -Dtest=MembershipMeasurement -Dcube.measure=true}; one
 * line per protocol goes to stdout and {@code target/membership-measurement.txt}.
 */
@EnabledIfSystemProperty(named = "cube.measure", matches = "true")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MembershipMeasurement {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    static final List<String> PARTS = List.of("task-0", "task-1", "task-2", "task-3", "placement");

    @Test
    @Order(1)
    void classicWithStaticMembership() throws Exception {
        measure("classic");
    }

    @Test
    @Order(2)
    void streamsProtocol() throws Exception {
        measure("streams");
    }

    void measure(String protocol) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "membership-" + protocol + "-");
        String app = "cube-membership-" + protocol + "-" + UUID.randomUUID().toString().substring(0, 6);
        try (KafkaCluster kafka = KafkaCluster.start(dir.resolve("kafka"), 3, 3, 2, "256m")) {
            TopicSetup.ensureTopics(kafka.bootstrapServers());
            Map<String, Object> settings = Map.of(
                    "cube.kafka.bootstrap", kafka.bootstrapServers(),
                    "cube.manager.application-id", app,
                    "cube.manager.group-protocol", protocol,
                    "cube.manager.advertised-host", "127.0.0.1");
            CubeProcess a = CubeProcess.manager("a", dir, with(settings, "cube.manager.instance-id", "a"), "256m").start();
            CubeProcess b = CubeProcess.manager("b", dir, with(settings, "cube.manager.instance-id", "b"), "256m");
            try {
                await(Duration.ofSeconds(120), () -> holds(a).containsAll(PARTS));
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    ids.add(submit(a));
                }

                long start = System.nanoTime();
                b.start();
                await(Duration.ofSeconds(60), () -> answers(b));
                double bootSeconds = seconds(start);
                long joined = System.nanoTime();
                await(Duration.ofSeconds(180), () -> !holds(b).isEmpty() && union(a, b).containsAll(PARTS));
                double joinSeconds = seconds(joined);

                long stopped = System.nanoTime();
                b.stop();
                await(Duration.ofSeconds(120), () -> holds(a).containsAll(PARTS));
                double leaveSeconds = seconds(stopped);

                b.start();
                await(Duration.ofSeconds(60), () -> answers(b));
                await(Duration.ofSeconds(180), () -> !holds(b).isEmpty() && union(a, b).containsAll(PARTS));
                Set<String> heldByB = holds(b);
                String onB = ids.stream().filter(id -> heldByB.contains("task-" + Topics.TASK_EVENTS.partitionOf(id))).findFirst().orElse(null);
                long killed = System.nanoTime();
                b.kill();
                // Both clocks at once: when a read of its task answers 200 on the other, when the other holds everything.
                double readAgain = -1;
                double failoverSeconds = -1;
                String lastAnswer = "";
                while (seconds(killed) < 180 && (failoverSeconds < 0 || (onB != null && readAgain < 0))) {
                    if (onB != null && readAgain < 0) {
                        HttpResponse<String> answer = get(a, "/api/v1/tasks/" + onB);
                        lastAnswer = answer == null ? "no answer" : answer.statusCode() + " " + answer.body();
                        if (answer != null && answer.statusCode() == 200) {
                            readAgain = seconds(killed);
                        }
                    }
                    if (failoverSeconds < 0 && holds(a).containsAll(PARTS)) {
                        failoverSeconds = seconds(killed);
                    }
                    Thread.sleep(100);
                }
                if (onB != null && readAgain < 0) {
                    System.out.println(protocol + ": reads of " + onB + " (partition " + Topics.TASK_EVENTS.partitionOf(onB)
                            + ") did not answer again; the last answer: " + lastAnswer + "; a holds " + holds(a));
                }

                String line = String.format("%s: join %.1f s (after the JVM and HTTP were up in %.1f s), clean leave %.1f s, SIGKILL moves "
                                + "%s in %.1f s, reads of a killed instance's task answer again after %.1f s",
                        protocol, joinSeconds, bootSeconds, leaveSeconds, heldByB, failoverSeconds, readAgain);
                System.out.println(line);
                Files.writeString(Path.of("target", "membership-measurement.txt"), line + System.lineSeparator(),
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            } finally {
                b.kill();
                a.kill();
            }
        }
    }

    static Map<String, Object> with(Map<String, Object> settings, String key, Object value) {
        Map<String, Object> all = new LinkedHashMap<>(settings);
        all.put(key, value);
        return all;
    }

    static Set<String> union(CubeProcess a, CubeProcess b) {
        Set<String> all = new TreeSet<>(holds(a));
        all.addAll(holds(b));
        return all;
    }

    /** Which parts (task partitions, the placement stage) the instance holds the active copy of now. */
    static Set<String> holds(CubeProcess manager) {
        Set<String> held = new TreeSet<>();
        for (int p = 0; p < 4; p++) {
            if (status(manager, "/internal/v1/task-partitions/" + p + "/task?id=probe&copy=active") == 200) {
                held.add("task-" + p);
            }
        }
        if (status(manager, "/internal/v1/workers?copy=active") == 200) {
            held.add("placement");
        }
        return held;
    }

    static boolean answers(CubeProcess manager) {
        return status(manager, "/api/v1/workers") > 0;
    }

    static String submit(CubeProcess manager) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(manager.uri().resolve("/api/v1/tasks"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"image\":\"cube/busybox:local\",\"command\":[\"true\"]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode accepted = Cluster.json(response.body());
        return accepted.get("id").asText();
    }

    static HttpResponse<String> get(CubeProcess manager, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(manager.uri().resolve(path)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static int status(CubeProcess manager, String path) {
        try {
            URI uri = manager.uri().resolve(path);
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static void await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout);
            }
            Thread.sleep(100);
        }
    }

    static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
