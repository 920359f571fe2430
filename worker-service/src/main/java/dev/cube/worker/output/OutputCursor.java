package dev.cube.worker.output;

import dev.cube.events.output.OutputRecord;

import java.time.Instant;
import java.util.List;

/**
 * How far an attempt's output is shipped: the number of its last record, the engine's time of its last
 * line and how many shipped lines carry exactly that time, and whether the output was cut or has ended.
 * From it a shipper finds, in the engine's order, the first line not shipped yet ({@link Resumption}).
 * Immutable; a pure function of the attempt's records.
 *
 * @param seq        the number of the last record shipped; 0 when none was
 * @param lastLine   the engine's time of the last line shipped; null when none was
 * @param atLastLine how many of the lines shipped carry exactly {@code lastLine}
 */
public record OutputCursor(long seq, Instant lastLine, int atLastLine, boolean cut, boolean ended) {

    public static final OutputCursor START = new OutputCursor(0, null, 0, false, false);

    public OutputCursor afterLine(Instant time) {
        return new OutputCursor(seq + 1, time, time.equals(lastLine) ? atLastLine + 1 : 1, cut, ended);
    }

    public OutputCursor afterCut() {
        return new OutputCursor(seq + 1, lastLine, atLastLine, true, ended);
    }

    public OutputCursor afterEnd() {
        return new OutputCursor(seq + 1, lastLine, atLastLine, cut, true);
    }

    /** Where to ask the engine for lines again: a second before the last line shipped (the engine counts whole seconds); null: from the start. */
    public Instant followFrom() {
        return lastLine == null ? null : Instant.ofEpochSecond(lastLine.getEpochSecond() - 1);
    }

    /**
     * The cursor after {@code records}, an attempt's records in the order the log has them (a record
     * written twice counts once: one whose number is not higher than one before it is skipped). They need
     * only be the last ones, as long as {@link #isEnoughOf} says so.
     */
    public static OutputCursor after(List<OutputRecord> records) {
        long seq = 0;
        Instant lastLine = null;
        int atLastLine = 0;
        boolean cut = false;
        boolean ended = false;
        for (OutputRecord record : records) {
            if (record.seq() <= seq) {
                continue;
            }
            seq = record.seq();
            switch (record.kind()) {
                case LINE -> {
                    atLastLine = record.time().equals(lastLine) ? atLastLine + 1 : 1;
                    lastLine = record.time();
                }
                case CUT -> cut = true;
                case END -> ended = true;
            }
        }
        return new OutputCursor(seq, lastLine, atLastLine, cut, ended);
    }

    /**
     * Whether {@code tail}, the last records of an attempt in log order, tells where its shipping stands:
     * it holds the attempt's end or cut (nothing more is shipped then), or a line older than its last line
     * (so every line stamped like the last one is in it), or the attempt's first record.
     */
    public static boolean isEnoughOf(List<OutputRecord> tail) {
        Instant last = null;
        for (int i = tail.size() - 1; i >= 0; i--) {
            OutputRecord record = tail.get(i);
            if (record.kind() != OutputRecord.Kind.LINE || record.seq() == 1) {
                return true;
            }
            if (last == null) {
                last = record.time();
            } else if (!record.time().equals(last)) {
                return true;
            }
        }
        return false;
    }
}
