package dev.cube.manager.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.state.TaskState;
import dev.cube.events.topics.Topics;
import dev.cube.events.wire.Json;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Rebuilds the projection from {@code cube.task-events} and compares it with the live one, as the
 * manager publishes it on the compacted {@code cube.task-state} topic (the latest value of each task,
 * read {@code read_committed}). Both sides are read to their ends; while they differ (the projection
 * may be a commit behind the log, or ahead of where the rebuild stopped), both are read on to their
 * new ends and compared again, until they agree or {@code settle} has passed.
 */
public final class ProjectionCheck {

    /** One field of one task on which the live projection and the rebuild disagree; a side without the task shows {@code absent}. */
    public record Difference(String taskId, String field, String live, String rebuilt) {
    }

    /** What a check found. */
    public record Report(int liveTasks, int rebuiltTasks, long events, List<Difference> differences) {
        public boolean equal() {
            return differences.isEmpty();
        }
    }

    static final String ABSENT = "absent";

    private ProjectionCheck() {
    }

    public static Report run(String bootstrapServers, Duration settle, EventLogReader.Progress progress) {
        return run(dev.cube.kafka.KafkaClientConfig.of(bootstrapServers), settle, progress);
    }

    /** The same, with the operator's Kafka client settings. */
    public static Report run(dev.cube.kafka.KafkaClientConfig kafka, Duration settle, EventLogReader.Progress progress) {
        return run(kafka, dev.cube.events.origin.OriginCheck.OFF, settle, progress);
    }

    /** The same, refusing by origin proof as the live projection does when {@code origins} has the cluster secret. */
    public static Report run(dev.cube.kafka.KafkaClientConfig kafka, dev.cube.events.origin.OriginCheck origins, Duration settle,
                             EventLogReader.Progress progress) {
        try (EventLogReader events = new EventLogReader(kafka, "cube-replay-verify");
             EventLogReader states = new EventLogReader(kafka, "cube-replay-verify-live", Topics.TASK_STATE.name())) {
            LogFold fold = new LogFold(events.partitionCount(), true, origins);
            Map<String, JsonNode> live = new HashMap<>();
            EventLogReader.Summary eventRead = events.read(events.beginning(), Optional.empty(), fold::apply, progress);
            long read = eventRead.records();
            Map<Integer, Long> eventEnds = eventRead.endOffsets();
            Map<Integer, Long> stateEnds = readStates(states, states.beginning(), live);
            List<Difference> differences = compare(live, fold.states());
            Instant deadline = Instant.now().plus(settle);
            while (!differences.isEmpty() && Instant.now().isBefore(deadline)) {
                sleep(Duration.ofMillis(500));
                EventLogReader.Summary more = events.read(eventEnds, Optional.empty(), fold::apply, EventLogReader.Progress.NONE);
                read += more.records();
                eventEnds = more.endOffsets();
                stateEnds = readStates(states, stateEnds, live);
                differences = compare(live, fold.states());
            }
            return new Report(live.size(), fold.states().size(), read, differences);
        }
    }

    private static Map<Integer, Long> readStates(EventLogReader states, Map<Integer, Long> from, Map<String, JsonNode> live) {
        return states.read(from, Optional.empty(), record -> {
            if (record.key() == null) {
                return;
            }
            if (record.value() == null) {
                live.remove(record.key());
                return;
            }
            try {
                live.put(record.key(), Json.MAPPER.readTree(record.value()));
            } catch (IOException e) {
                live.put(record.key(), Json.MAPPER.getNodeFactory().textNode("unreadable: " + e.getMessage()));
            }
        }, EventLogReader.Progress.NONE).endOffsets();
    }

    /** Every field of every task on which {@code live} and {@code rebuilt} differ, by task id then field. */
    public static List<Difference> compare(Map<String, JsonNode> live, Map<String, TaskState> rebuilt) {
        List<Difference> out = new ArrayList<>();
        TreeSet<String> ids = new TreeSet<>(live.keySet());
        ids.addAll(rebuilt.keySet());
        for (String id : ids) {
            JsonNode left = live.get(id);
            TaskState right = rebuilt.get(id);
            if (left == null || right == null) {
                out.add(new Difference(id, "task", left == null ? ABSENT : summary(left), right == null ? ABSENT : summary(Json.MAPPER.valueToTree(right.forReaders()))));
                continue;
            }
            // Through the bytes readers get, so that both sides have the same JSON types (a Long is an int once read back).
            JsonNode rebuiltNode = asRead(right);
            if (!(left instanceof ObjectNode)) {
                out.add(new Difference(id, "task", left.toString(), summary(rebuiltNode)));
                continue;
            }
            TreeSet<String> fields = new TreeSet<>();
            left.fieldNames().forEachRemaining(fields::add);
            rebuiltNode.fieldNames().forEachRemaining(fields::add);
            for (String field : fields) {
                JsonNode a = left.get(field);
                JsonNode b = rebuiltNode.get(field);
                if (a == null ? b != null : !a.equals(b)) {
                    out.add(new Difference(id, field, a == null ? ABSENT : text(a), b == null ? ABSENT : text(b)));
                }
            }
        }
        return out;
    }

    private static JsonNode asRead(TaskState state) {
        try {
            return Json.MAPPER.readTree(Topics.TASK_STATE.valueSerde().serializer().serialize(Topics.TASK_STATE.name(), state));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read back the state of " + state.id(), e);
        }
    }

    private static String summary(JsonNode state) {
        Map<String, String> some = new TreeMap<>();
        for (String field : List.of("state", "attempt", "workerId")) {
            if (state.has(field)) {
                some.put(field, state.get(field).asText());
            }
        }
        return some.toString();
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.asText() : node.toString();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
