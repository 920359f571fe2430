package dev.cube.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Formats tasks (as the manager answers them) as the table of {@code cube ps}. */
public final class TaskTable {

    static final List<String> HEADERS = List.of("ID", "NAME", "CREATED", "STATE", "CONTAINER", "IMAGE", "WORKER", "PORTS");
    private static final int SHORT_CONTAINER_ID = 12;
    private static final String NONE = "-";

    private TaskTable() {
    }

    /** The table, one line per task, with ages relative to {@code now}; left-aligned columns padded by 3 spaces. */
    public static String format(List<JsonNode> tasks, Instant now) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADERS);
        for (JsonNode task : tasks) {
            rows.add(List.of(
                    text(task, "id"),
                    text(task, "name"),
                    age(task.path("submittedAt").asText(null), now),
                    text(task, "state"),
                    shortContainerId(task.path("containerId").asText(null)),
                    text(task, "image"),
                    text(task, "workerId"),
                    ports(task)));
        }
        return Columns.render(rows);
    }

    /** How long ago {@code isoInstant} was: {@code 42s ago}, {@code 5m ago}, {@code 3h ago}, {@code 2d ago}. */
    static String age(String isoInstant, Instant now) {
        if (isoInstant == null || isoInstant.isBlank()) {
            return NONE;
        }
        Instant then;
        try {
            then = Instant.parse(isoInstant);
        } catch (DateTimeParseException e) {
            return isoInstant;
        }
        long seconds = Math.max(0, Duration.between(then, now).toSeconds());
        if (seconds < 60) {
            return seconds + "s ago";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m ago";
        }
        if (seconds < 86_400) {
            return seconds / 3600 + "h ago";
        }
        return seconds / 86_400 + "d ago";
    }

    static String shortContainerId(String containerId) {
        if (containerId == null || containerId.isBlank()) {
            return NONE;
        }
        return containerId.length() > SHORT_CONTAINER_ID ? containerId.substring(0, SHORT_CONTAINER_ID) : containerId;
    }

    /** The published ports, as {@code docker ps} shows them; {@code -} when none are (yet). */
    static String ports(JsonNode task) {
        List<String> published = Ports.published(task);
        return published.isEmpty() ? NONE : String.join(", ", published);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? NONE : value.asText();
    }
}
