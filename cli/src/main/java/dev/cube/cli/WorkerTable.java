package dev.cube.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Formats workers (as the manager answers them) as the table of {@code cube workers}, the book's
 * {@code cube node}: what is allocated out of what each worker offers. CPU is in cores, MEMORY in
 * MiB and DISK in GiB, each as {@code allocated/capacity}. STATUS is the manager's ({@code ready},
 * {@code draining}, {@code engine-unreachable}, {@code left}, {@code lost}); a draining worker whose
 * engine does not answer either is {@code draining,engine-unreachable}.
 */
public final class WorkerTable {

    static final List<String> HEADERS = List.of("ID", "STATUS", "CPU", "MEMORY MiB", "DISK GiB", "TASKS", "LAST SEEN");
    private static final String NONE = "-";

    private WorkerTable() {
    }

    /** The table, one line per worker, with ages relative to {@code now}; left-aligned columns padded by 3 spaces. */
    public static String format(List<JsonNode> workers, Instant now) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADERS);
        for (JsonNode worker : workers) {
            JsonNode capacity = worker.path("capacity");
            JsonNode allocated = worker.path("allocated");
            rows.add(List.of(
                    text(worker.path("id")),
                    status(worker),
                    fraction(allocated.path("cpu"), capacity.path("cpu"), 1),
                    fraction(allocated.path("memory"), capacity.path("memory"), 1),
                    fraction(allocated.path("disk"), capacity.path("disk"), 1024),
                    String.valueOf(worker.path("tasks").size()),
                    TaskTable.age(worker.path("lastSeen").asText(null), now)));
        }
        return Columns.render(rows);
    }

    /** {@code allocated/capacity}, each divided by {@code unit}: {@code 0.5/4}, {@code 64/15890}, {@code 0/97.7}. */
    static String fraction(JsonNode allocated, JsonNode capacity, int unit) {
        String of = number(capacity, unit);
        if (of.equals(NONE)) {
            return NONE;
        }
        String used = number(allocated, unit);
        return (used.equals(NONE) ? "0" : used) + "/" + of;
    }

    /** A number without trailing zeros and with at most one decimal for GiB and two for cores; {@code -} if absent. */
    static String number(JsonNode value, int unit) {
        if (value == null || !value.isNumber()) {
            return NONE;
        }
        BigDecimal scaled = value.decimalValue().divide(BigDecimal.valueOf(unit), unit == 1 ? 2 : 1, RoundingMode.HALF_UP);
        BigDecimal plain = scaled.stripTrailingZeros();
        return plain.signum() == 0 ? "0" : plain.toPlainString();
    }

    /** The manager's status, and that its engine does not answer when the status does not say so (a draining worker). */
    static String status(JsonNode worker) {
        String status = text(worker.path("status"));
        boolean engineDown = worker.path("engine").path("answers").isBoolean() && !worker.path("engine").path("answers").asBoolean();
        return engineDown && status.equals("draining") ? status + ",engine-unreachable" : status;
    }

    private static String text(JsonNode value) {
        return value == null || value.isNull() || value.isMissingNode() || value.asText().isBlank() ? NONE : value.asText();
    }
}
