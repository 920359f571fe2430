package dev.cube.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.wire.Json;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code cube status} prints for one task: its fields, one line per attempt, and its timeline,
 * from the task and its history as the manager answers them ({@code GET /api/v1/tasks/{id}} and
 * {@code /history}).
 */
final class TaskDetail {

    private static final String NONE = "-";
    private static final String TYPE_PREFIX = "dev.cube.task.";

    /** One placement of the task: where it ran and how it ended, as its applied events say. */
    record Attempt(int number, String workerId, String containerId, String scheduledAt, String endedAt, String result) {
    }

    private TaskDetail() {
    }

    /** {@code {"task": ..., "history": [...]}}, both as the API answers them. */
    static ObjectNode json(JsonNode task, List<JsonNode> history) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.set("task", task);
        node.putArray("history").addAll(history);
        return node;
    }

    /** The fields, then the attempts (if the task was ever placed), then the timeline; sections apart by a blank line. */
    static String format(JsonNode task, List<JsonNode> history, Instant now) {
        StringBuilder out = new StringBuilder(Columns.render(fields(task, now)));
        List<Attempt> attempts = attempts(task, history);
        if (!attempts.isEmpty()) {
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("ATTEMPT", "WORKER", "CONTAINER", "SCHEDULED", "ENDED", "RESULT"));
            for (Attempt attempt : attempts) {
                rows.add(List.of(String.valueOf(attempt.number()), or(attempt.workerId()), TaskTable.shortContainerId(attempt.containerId()),
                        or(attempt.scheduledAt()), or(attempt.endedAt()), or(attempt.result())));
            }
            out.append(System.lineSeparator()).append(Columns.render(rows));
        }
        out.append(System.lineSeparator()).append(Columns.render(timeline(history)));
        return out.toString();
    }

    static List<List<String>> fields(JsonNode task, Instant now) {
        List<List<String>> rows = new ArrayList<>();
        row(rows, "ID", text(task, "id"));
        row(rows, "NAME", text(task, "name"));
        row(rows, "IMAGE", text(task, "image"));
        row(rows, "COMMAND", task.path("command").isEmpty() ? "(the image's)" : command(task.path("command")));
        row(rows, "STATE", text(task, "state"));
        row(rows, "DESIRED", text(task, "desiredState"));
        optional(rows, "REASON", task.path("reason"));
        row(rows, "ATTEMPT", text(task, "attempt") + " (" + restartPolicy(task.path("restartPolicy")) + ")");
        row(rows, "WORKER", text(task, "workerId"));
        row(rows, "CONTAINER", text(task, "containerId"));
        optional(rows, "EXIT CODE", task.path("exitCode"));
        row(rows, "PORTS", list(Ports.requested(task)));
        row(rows, "PUBLISHED", list(Ports.published(task)));
        row(rows, "RESOURCES", resources(task));
        if (task.hasNonNull("healthCheck")) {
            row(rows, "HEALTH CHECK", healthCheck(task.get("healthCheck")));
        }
        if (!task.path("env").isEmpty()) {
            row(rows, "ENV", pairs(task.get("env")));
        }
        if (!task.path("labels").isEmpty()) {
            row(rows, "LABELS", pairs(task.get("labels")));
        }
        for (String[] time : new String[][]{{"SUBMITTED", "submittedAt"}, {"SCHEDULED", "scheduledAt"},
                {"STARTED", "startedAt"}, {"FINISHED", "finishedAt"}, {"UPDATED", "updatedAt"}}) {
            String at = task.path(time[1]).asText(null);
            if (at != null) {
                row(rows, time[0], at + " (" + TaskTable.age(at, now) + ")");
            }
        }
        row(rows, "EVENTS", text(task, "eventCount"));
        return rows;
    }

    /** The task's attempts in order, from its applied {@code scheduled}, {@code running} and ending events. */
    static List<Attempt> attempts(JsonNode task, List<JsonNode> history) {
        Map<Integer, Attempt> attempts = new LinkedHashMap<>();
        for (JsonNode item : history) {
            JsonNode event = item.path("event");
            if (!"applied".equals(item.path("outcome").asText()) || !event.path("data").has("attempt")) {
                continue;
            }
            JsonNode data = event.get("data");
            int number = data.get("attempt").asInt();
            String at = item.path("logTime").asText(null);
            String type = type(event);
            Attempt seen = attempts.get(number);
            if (type.equals("scheduled")) {
                attempts.put(number, new Attempt(number, data.path("workerId").asText(null), null, at, null, null));
            } else if (seen != null && type.equals("running")) {
                attempts.put(number, new Attempt(number, seen.workerId(), data.path("containerId").asText(null), seen.scheduledAt(), null, null));
            } else if (seen != null) {
                attempts.put(number, new Attempt(number, seen.workerId(), seen.containerId(), seen.scheduledAt(), at, ending(type, data)));
            }
        }
        int current = task.path("attempt").asInt();
        Attempt last = attempts.get(current);
        if (last != null && last.result() == null) {
            attempts.put(current, new Attempt(current, last.workerId(), last.containerId(), last.scheduledAt(), null,
                    text(task, "state").toLowerCase(Locale.ROOT)));
        }
        return List.copyOf(attempts.values());
    }

    static List<List<String>> timeline(List<JsonNode> history) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("LOG TIME", "P:OFFSET", "TYPE", "OUTCOME", "DETAIL"));
        for (JsonNode item : history) {
            JsonNode event = item.path("event");
            String outcome = item.path("outcome").asText(NONE);
            String detail = !outcome.equals("applied") && item.hasNonNull("reason") ? item.get("reason").asText() : detail(event);
            rows.add(List.of(text(item, "logTime"), item.path("partition").asText() + ":" + item.path("offset").asText(),
                    event.isObject() ? type(event) : NONE, outcome, detail));
        }
        return rows;
    }

    /** What an event says, in a few words: {@code attempt 2 on w1}, {@code attempt 1, exit 3: exited with code 3}. */
    static String detail(JsonNode event) {
        JsonNode data = event.path("data");
        List<String> parts = new ArrayList<>();
        if (data.has("attempt")) {
            parts.add("attempt " + data.get("attempt").asText() + (data.hasNonNull("workerId") ? " on " + data.get("workerId").asText() : ""));
        }
        if (data.hasNonNull("containerId")) {
            parts.add("container " + TaskTable.shortContainerId(data.get("containerId").asText()));
        }
        if (data.hasNonNull("exitCode")) {
            parts.add("exit " + data.get("exitCode").asText());
        }
        if (data.path("oomKilled").asBoolean(false)) {
            parts.add("OOM killed");
        }
        String text = String.join(", ", parts);
        if (data.hasNonNull("reason")) {
            text = text.isEmpty() ? data.get("reason").asText() : text + ": " + data.get("reason").asText();
        }
        return text.isEmpty() ? NONE : text;
    }

    private static String ending(String type, JsonNode data) {
        StringBuilder result = new StringBuilder(type);
        if (data.hasNonNull("exitCode")) {
            result.append(", exit ").append(data.get("exitCode").asText());
        }
        if (data.hasNonNull("reason")) {
            result.append(": ").append(data.get("reason").asText());
        }
        return result.toString();
    }

    private static String type(JsonNode event) {
        String type = event.path("type").asText(NONE);
        return type.startsWith(TYPE_PREFIX) ? type.substring(TYPE_PREFIX.length()) : type;
    }

    private static String restartPolicy(JsonNode policy) {
        String mode = policy.path("mode").asText("never");
        if (mode.equals("never")) {
            return "restart: never";
        }
        return "restart: " + mode + (policy.hasNonNull("maxRestarts") ? ", at most " + policy.get("maxRestarts").asText() + " restarts" : "");
    }

    private static String resources(JsonNode task) {
        List<String> parts = new ArrayList<>();
        if (task.hasNonNull("cpu")) {
            parts.add("cpu " + task.get("cpu").asText());
        }
        if (task.hasNonNull("memory")) {
            parts.add("memory " + task.get("memory").asText() + " MB");
        }
        if (task.hasNonNull("disk")) {
            parts.add("disk " + task.get("disk").asText() + " MB");
        }
        return parts.isEmpty() ? NONE : String.join(", ", parts);
    }

    private static String healthCheck(JsonNode check) {
        StringBuilder text = new StringBuilder("GET ").append(check.path("path").asText("/"));
        if (check.hasNonNull("port")) {
            text.append(" on port ").append(check.get("port").asText());
        }
        if (check.hasNonNull("intervalSeconds")) {
            text.append(" every ").append(check.get("intervalSeconds").asText()).append('s');
        }
        return text.toString();
    }

    private static String command(JsonNode command) {
        List<String> words = new ArrayList<>();
        command.forEach(word -> {
            String text = word.asText();
            words.add(text.isEmpty() || text.chars().anyMatch(c -> Character.isWhitespace(c) || "'\"\\$`".indexOf(c) >= 0)
                    ? "'" + text.replace("'", "'\\''") + "'" : text);
        });
        return String.join(" ", words);
    }

    private static String pairs(JsonNode object) {
        List<String> pairs = new ArrayList<>();
        object.properties().forEach(entry -> pairs.add(entry.getKey() + "=" + entry.getValue().asText()));
        return String.join(", ", pairs);
    }

    private static String list(List<String> values) {
        return values.isEmpty() ? NONE : String.join(", ", values);
    }

    private static void row(List<List<String>> rows, String name, String value) {
        rows.add(List.of(name + ":", value));
    }

    private static void optional(List<List<String>> rows, String name, JsonNode value) {
        if (value != null && !value.isNull() && !value.isMissingNode()) {
            row(rows, name, value.asText());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? NONE : value.asText();
    }

    private static String or(String value) {
        return value == null || value.isBlank() ? NONE : value;
    }
}
