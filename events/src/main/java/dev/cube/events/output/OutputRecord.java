package dev.cube.events.output;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.Objects;

/**
 * One record of {@code cube.task-logs} (key: the task id, so that a task's output is partitioned like its
 * events): a line an attempt's container wrote, or a marker about that attempt's output.
 *
 * <p>A worker ships every line of every attempt it runs, in the engine's order, numbering the records of
 * an attempt {@code 1, 2, 3, ...} ({@link #seq}, markers included). A number is a function of the
 * attempt's output, not of who shipped it: a worker restarted in the middle of an attempt goes on after
 * the last record it finds on the topic, with the next number. Readers drop a record whose number they
 * have seen already for the attempt, so a record written twice (a send retried across a crash) is read
 * once.
 *
 * <ul>
 * <li>{@link Kind#LINE}: {@link #stream}, {@link #line} (without its newline; UTF-8, malformed bytes as
 *     U+FFFD) and {@link #time}, the engine's timestamp of the line;</li>
 * <li>{@link Kind#CUT}: the attempt wrote more than its worker ships for one attempt; nothing follows
 *     but {@link Kind#END}. {@link #reason} says where it was cut;</li>
 * <li>{@link Kind#END}: the container exited and everything it wrote is shipped (or was cut); the last
 *     record of the attempt.</li>
 * </ul>
 *
 * @param workerId the worker that shipped the record
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OutputRecord(String taskId, int attempt, long seq, Kind kind, String workerId, Instant time,
                           Stream stream, String line, String reason) {

    public OutputRecord {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(time, "time");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be 1 or more, was " + attempt);
        }
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be 1 or more, was " + seq);
        }
        if (kind == Kind.LINE && (stream == null || line == null)) {
            throw new IllegalArgumentException("a line needs its stream and its text");
        }
    }

    public enum Kind {
        @JsonProperty("line") LINE,
        @JsonProperty("cut") CUT,
        @JsonProperty("end") END
    }

    public enum Stream {
        @JsonProperty("stdout") STDOUT,
        @JsonProperty("stderr") STDERR;

        /** {@code stdout} or {@code stderr}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static OutputRecord line(String taskId, int attempt, long seq, String workerId, Instant time, Stream stream, String line) {
        return new OutputRecord(taskId, attempt, seq, Kind.LINE, workerId, time, stream, line, null);
    }

    public static OutputRecord cut(String taskId, int attempt, long seq, String workerId, Instant time, String reason) {
        return new OutputRecord(taskId, attempt, seq, Kind.CUT, workerId, time, null, null, reason);
    }

    public static OutputRecord end(String taskId, int attempt, long seq, String workerId, Instant time) {
        return new OutputRecord(taskId, attempt, seq, Kind.END, workerId, time, null, null, null);
    }
}
