package dev.cube.worker.output;

import java.time.Instant;

/**
 * Which lines of a stream followed again from {@link OutputCursor#followFrom()} were shipped already: in
 * the engine's order, every line up to the last one shipped, which is the {@code atLastLine}-th line
 * carrying its time. The engine keeps a container's lines in the order they were written, so this finds
 * the next line to ship exactly, even when several lines share a time or stdout and stderr interleave
 * with times slightly out of order. Should the last line shipped not be there any more (the engine
 * rotated its log), the first line more than a second newer than it is taken as the next one. Not
 * thread-safe: one per stream.
 */
public final class Resumption {

    private final Instant last;
    private final int atLast;
    private int seen;
    private boolean found;

    public Resumption(OutputCursor shipped) {
        this.last = shipped.lastLine();
        this.atLast = shipped.atLastLine();
        this.found = last == null || atLast == 0;
    }

    /** Whether the next line of the stream, stamped {@code time}, was shipped already. */
    public boolean shipped(Instant time) {
        if (found) {
            return false;
        }
        if (time.equals(last)) {
            seen++;
            found = seen >= atLast;
            return true;
        }
        if (time.isAfter(last.plusSeconds(1))) {
            found = true;
            return false;
        }
        return true;
    }
}
