package dev.cube.worker.runtime;

import dev.cube.events.output.OutputRecord;

import java.time.Instant;
import java.util.Objects;

/**
 * A line a container wrote, as the engine keeps it.
 *
 * @param time   the engine's timestamp of the line (nanoseconds on Docker)
 * @param stream stdout or stderr
 * @param text   the line without its newline
 */
public record OutputLine(Instant time, OutputRecord.Stream stream, String text) {

    public OutputLine {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(text, "text");
    }
}
