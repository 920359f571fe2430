package dev.cube.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.e2e.Docker;
import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.topics.Topics;
import dev.cube.infra.TopicContents;
import dev.cube.worker.Worker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.cube.faults.FaultSystem.exiting;
import static dev.cube.faults.FaultSystem.sleeping;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults in what is written to the log: poison records on every topic Cube reads, events sent again and
 * out of order by an outside producer, events in the older forms of the contract among current ones. Each
 * scenario is a row of docs/reliability.md and prints its line of figures.
 */
class LogFaultsIT {

    /** One broker, manager and worker for the three scenarios: none of them harms the others, each checks the whole log at its end. */
    static FaultSystem cube;
    static String worker;

    @BeforeAll
    static void start() {
        cube = FaultSystem.start("log faults");
        cube.startManager("manager");
        worker = "w-" + cube.run;
        cube.startWorker(worker, Map.of());
    }

    @AfterAll
    static void stop() {
        if (cube != null) {
            cube.close();
        }
    }

    /** Bytes that are no event, an event of wrong types, a value over the limit, a tombstone, no key. */
    static Map<String, byte[]> poisons(String topic, String key) {
        byte[] noise = new byte[512];
        new Random(7).nextBytes(noise);
        Map<String, byte[]> poisons = new LinkedHashMap<>();
        poisons.put("random bytes", noise);
        poisons.put("wrong types", ("{\"specversion\":1,\"id\":[],\"source\":{},\"type\":\"dev.cube.task.submitted\",\"subject\":\"" + key
                + "\",\"time\":\"yesterday\",\"data\":{\"spec\":{\"image\":42,\"memory\":\"lots\"}}}").getBytes(StandardCharsets.UTF_8));
        poisons.put("huge value", ("{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"padding\":\"" + "x".repeat(400 * 1024) + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        poisons.put("tombstone", null);
        poisons.put("no key", "{\"not\":\"an event\"}".getBytes(StandardCharsets.UTF_8));
        return poisons;
    }

    @Test
    void poisonRecordsOnEveryTopicCubeReadsAreDeadLetteredOrSkippedWithAReasonAndEveryPartitionKeepsMoving() throws Exception {
        cube.scenario("poison records on every input topic");
        String early = cube.submit(exiting(0, ""));
        cube.awaitState(early, "Completed");

        // The partitions that matter: a task's on cube.task-events and cube.task-logs, the worker's on cube.desired-attempts.
        String next = "after-poison-" + cube.run;
        int desiredPartition = Worker.desiredPartition(worker, Topics.DESIRED_ATTEMPTS.partitions());
        Map<String, Integer> written = new TreeMap<>();
        List<RecordMetadata> toBeDeadLettered = new ArrayList<>();
        List<String> refusedByTheBroker = new ArrayList<>();
        for (String topic : List.of(Topics.TASK_EVENTS.name(), Topics.WORKERS.name(), Topics.WORKER_ADMIN.name(),
                Topics.DESIRED_ATTEMPTS.name(), Topics.TASK_LOGS.name())) {
            String key = topic.equals(Topics.DESIRED_ATTEMPTS.name()) ? "poison-" + cube.run + "/1" : topic.equals(Topics.WORKERS.name())
                    || topic.equals(Topics.WORKER_ADMIN.name()) ? worker : next;
            for (Map.Entry<String, byte[]> poison : poisons(topic, key).entrySet()) {
                Integer partition = topic.equals(Topics.DESIRED_ATTEMPTS.name()) ? desiredPartition : null;
                String recordKey = poison.getKey().equals("no key") ? null : key;
                RecordMetadata where;
                try {
                    where = cube.producer().send(new ProducerRecord<>(topic, partition, recordKey, poison.getValue())).get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    // A compacted topic (cube.workers, cube.worker-admin, cube.desired-attempts) takes no record without a key: the broker refuses it.
                    assertThat(e.getCause()).as("what the broker said to %s on %s", poison.getKey(), topic)
                            .isInstanceOf(org.apache.kafka.common.InvalidRecordException.class).hasMessageContaining("without key");
                    refusedByTheBroker.add(topic);
                    continue;
                }
                written.merge(topic, 1, Integer::sum);
                boolean managerReads = !topic.equals(Topics.DESIRED_ATTEMPTS.name()) && !topic.equals(Topics.TASK_LOGS.name());
                if (managerReads && poison.getValue() != null) {
                    toBeDeadLettered.add(where);
                }
            }
        }

        // Every partition moves on: a task keyed like the poisoned one runs on the poisoned worker and says its output;
        // the worker, whose heartbeats share the poisoned partition of cube.workers, stays ready; a drain and an undrain still apply.
        String after = cube.produceSubmission(next, "{\"image\":\"cube/busybox:local\",\"command\":[\"echo\",\"still here\"],\"cpu\":0.01}");
        String viaHttp = cube.submit(exiting(0, ""));
        cube.awaitState(after, "Completed");
        cube.awaitState(viaHttp, "Completed");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(cube.get("/api/v1/tasks/" + after + "/logs").body()).contains("still here"));
        assertThat(cube.send(HttpRequest.newBuilder(cube.uri("/api/v1/workers/" + worker + "/drain")).POST(HttpRequest.BodyPublishers.noBody()).build())
                .statusCode()).isEqualTo(202);
        cube.awaitWorker(worker, "draining");
        assertThat(cube.send(HttpRequest.newBuilder(cube.uri("/api/v1/workers/" + worker + "/undrain")).POST(HttpRequest.BodyPublishers.noBody()).build())
                .statusCode()).isEqualTo(202);
        cube.awaitWorker(worker, "ready");

        // Each poison the manager reads is on the dead-letter topic, with its place and a reason.
        List<ConsumerRecord<String, byte[]>> letters = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> TopicContents.read(cube.kafka.bootstrapServers(), Topics.DEAD_LETTERS.name()), found -> toBeDeadLettered.stream()
                        .allMatch(where -> found.stream().anyMatch(letter -> at(letter, where))));
        List<String> reasons = new ArrayList<>();
        for (RecordMetadata where : toBeDeadLettered) {
            ConsumerRecord<String, byte[]> letter = letters.stream().filter(l -> at(l, where)).findFirst().orElseThrow();
            String reason = header(letter, Topics.DeadLetterHeaders.REASON);
            assertThat(reason).as("the reason for %s", where).isNotBlank();
            reasons.add(where.topic() + ": " + reason);
        }
        assertThat(cube.worker(worker).get("status").asText()).isEqualTo("ready");
        System.out.println("poison reasons: " + reasons);
        int total = written.values().stream().mapToInt(Integer::intValue).sum();
        cube.finish(3, true, total + " poison records written on " + written.keySet() + " (random bytes, wrong types, 400 KB value, tombstone, "
                + "no key; the broker refused the keyless one on the compacted " + refusedByTheBroker + "); " + toBeDeadLettered.size()
                + " dead-lettered with a reason (those the manager reads, tombstones aside), the worker's and the logs' skipped; "
                + "every partition moved on (a task, its output, heartbeats, a drain)");
    }

    @Test
    void everyEventOfTheLogSentAgainTwiceInShuffledOrderChangesNothing() {
        cube.scenario("duplicate and reordered events");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(cube.submit(exiting(i == 3 ? 5 : 0, "")));
        }
        String serving = cube.submit(sleeping(300, ""));
        String stopped = cube.submit(sleeping(300, ""));
        ids.add(serving);
        ids.add(stopped);
        ids.subList(0, 3).forEach(id -> cube.awaitState(id, "Completed"));
        cube.awaitState(ids.get(3), "Failed");
        cube.awaitState(serving, "Running");
        cube.awaitState(stopped, "Running");
        cube.delete(stopped);
        cube.awaitState(stopped, "Stopped");
        Map<String, JsonNode> before = states(ids);
        List<ConsumerRecord<String, byte[]>> originals = TopicContents.read(cube.kafka.bootstrapServers(), Topics.TASK_EVENTS.name())
                .stream().filter(r -> ids.contains(r.key())).toList();
        Map<String, List<String>> containers = new TreeMap<>();
        ids.forEach(id -> containers.put(id, Docker.containersOfTask(id)));

        // Every record of these tasks again, twice, shuffled: the same bytes and headers, as a producer retrying in any order would.
        List<ConsumerRecord<String, byte[]>> again = new ArrayList<>(originals);
        again.addAll(originals);
        Collections.shuffle(again, new Random(42));
        for (ConsumerRecord<String, byte[]> record : again) {
            ProducerRecord<String, byte[]> copy = new ProducerRecord<>(record.topic(), null, record.key(), record.value());
            record.headers().forEach(h -> copy.headers().add(new RecordHeader(h.key(), h.value())));
            cube.producer().send(copy, (where, error) -> {
                if (error == null) {
                    cube.ledger.copy(where.partition(), where.offset());
                }
            });
        }
        cube.producer().flush();
        String witness = cube.submit(exiting(0, ""));
        cube.awaitState(witness, "Completed");

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(states(ids)).as("the states after the copies").isEqualTo(before);
            ids.forEach(id -> assertThat(Docker.containersOfTask(id)).as("containers of %s", id).isEqualTo(containers.get(id)));
        });
        List<CubeEvent> log = cube.taskEvents();
        long distinctRunning = log.stream().filter(e -> ids.contains(e.subject()) && e.data() instanceof TaskEvent.Running r)
                .map(e -> e.subject() + "/" + ((TaskEvent.Running) e.data()).containerId()).distinct().count();
        assertThat(distinctRunning).as("containers that ever ran for these tasks").isEqualTo(ids.size());
        cube.finish(ids.size() + 1, true, originals.size() + " events of " + ids.size() + " tasks (Completed, Failed, Running, Stopped) sent again twice, "
                + "shuffled: every state and container unchanged, no attempt started again");
    }

    @Test
    void eventsInTheFormsOlderProducersWroteFoldLikeTheirCurrentForm() throws Exception {
        cube.scenario("older event forms among current ones");
        String spec = "{\"image\":\"cube/busybox:local\",\"command\":[\"sh\",\"-c\",\"exit 0\"],\"cpu\":0.01}";
        Map<String, String> forms = new LinkedHashMap<>();
        // The current form, as Cube writes it.
        forms.put(send(structured("current", spec, true, Instant.now().toString()), Map.of()), "current (schemaversion 1)");
        // Version 1 as the first producers wrote it: no schemaversion, no datacontenttype, a time with an offset.
        forms.put(send(structured("v1-bare", spec, false, Instant.now().atOffset(ZoneOffset.ofHours(1)).toString()), Map.of()),
                "schemaversion absent, time with +01:00");
        // Binary mode, the attributes in ce_ headers and data alone in the value.
        String binaryId = "bin-" + cube.run;
        forms.put(sendBinary(binaryId, "{\"spec\":" + spec + "}"), "binary mode");
        String viaHttp = cube.submit(spec);
        forms.put(viaHttp, "HTTP");
        forms.keySet().forEach(id -> cube.awaitState(id, "Completed"));
        Map<String, JsonNode> states = states(List.copyOf(forms.keySet()));
        JsonNode reference = comparable(states.get(viaHttp));
        forms.keySet().forEach(id -> assertThat(comparable(states.get(id))).as("the state of the %s form", forms.get(id)).isEqualTo(reference));
        cube.finish(forms.size(), true, "the same task in " + forms.size() + " forms (" + String.join(", ", forms.values())
                + "): equal states; the recorded version-1 log folds to its expected states in FixtureLogTest");
    }

    // ---- helpers ----

    String structured(String name, String spec, boolean current, String time) {
        String id = name + "-" + cube.run;
        return "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"/faults/older\",\"type\":\"dev.cube.task.submitted\","
                + "\"subject\":\"" + id + "\",\"time\":\"" + time + "\"" + (current ? ",\"datacontenttype\":\"application/json\",\"schemaversion\":1" : "")
                + ",\"data\":{\"spec\":" + spec + "}}";
    }

    /** Sends a structured event (its subject as key), recorded in the ledger; answers the task id. */
    String send(String event, Map<String, String> headers) throws Exception {
        JsonNode parsed = FaultSystem.json(event);
        String id = parsed.get("subject").asText();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.TASK_EVENTS.name(), id, event.getBytes(StandardCharsets.UTF_8));
        headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        RecordMetadata where = cube.producer().send(record).get(30, TimeUnit.SECONDS);
        cube.ledger.kafka(id, parsed.get("id").asText(), where.partition(), where.offset());
        return id;
    }

    String sendBinary(String id, String data) throws Exception {
        String eventId = UUID.randomUUID().toString();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.TASK_EVENTS.name(), id, data.getBytes(StandardCharsets.UTF_8));
        Map.of("ce_specversion", "1.0", "ce_id", eventId, "ce_source", "/faults/binary", "ce_type", "dev.cube.task.submitted",
                        "ce_subject", id, "ce_time", Instant.now().toString(), "content-type", "application/json")
                .forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        RecordMetadata where = cube.producer().send(record).get(30, TimeUnit.SECONDS);
        cube.ledger.kafka(id, eventId, where.partition(), where.offset());
        return id;
    }

    /** What a task's state says of its spec and its outcome, without what differs between two tasks by nature (ids, times, containers). */
    static JsonNode comparable(JsonNode state) {
        com.fasterxml.jackson.databind.node.ObjectNode kept = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        for (String field : List.of("image", "command", "env", "cpu", "memory", "restartPolicy", "labels", "state", "desiredState", "attempt",
                "exitCode", "reason", "eventCount")) {
            if (state.has(field)) {
                kept.set(field, state.get(field));
            }
        }
        return kept;
    }

    Map<String, JsonNode> states(List<String> ids) {
        Map<String, JsonNode> states = new TreeMap<>();
        ids.forEach(id -> states.put(id, cube.task(id)));
        return states;
    }

    static boolean at(ConsumerRecord<String, byte[]> letter, RecordMetadata where) {
        return where.topic().equals(header(letter, Topics.DeadLetterHeaders.TOPIC))
                && String.valueOf(where.partition()).equals(header(letter, Topics.DeadLetterHeaders.PARTITION))
                && String.valueOf(where.offset()).equals(header(letter, Topics.DeadLetterHeaders.OFFSET));
    }

    static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
