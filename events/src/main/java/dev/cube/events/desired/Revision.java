package dev.cube.events.desired;

import java.nio.charset.StandardCharsets;

/**
 * Where in {@code cube.task-events} a record of {@code cube.desired-attempts} comes from: the partition
 * and offset of the task event whose folding produced it, in the header {@value #HEADER} as
 * {@code <partition>:<offset>}. The fold is a function of the log, so any projection (a restart, a
 * rebuild under a new application id, two side by side) writes the same record at the same revision.
 *
 * <p>Readers keep, per task-events partition, the highest revision seen in their partition of
 * {@code cube.desired-attempts} and take a record only if its revision is higher: a projection
 * replaying history repeats records that say nothing new, and they are skipped. The manager writes a
 * watermark record ({@link #watermarkKey(int)}) after every tombstone, so the highest revision survives
 * compaction even when a tombstone is deleted.
 */
public record Revision(int partition, long offset) {

    public static final String HEADER = "cube.revision";
    /** Key prefix of watermark records: {@code ~watermark/<task-events partition>}, value the revision as text. */
    public static final String WATERMARK_PREFIX = "~watermark/";

    public byte[] bytes() {
        return (partition + ":" + offset).getBytes(StandardCharsets.UTF_8);
    }

    public static String watermarkKey(int partition) {
        return WATERMARK_PREFIX + partition;
    }

    public static boolean isWatermarkKey(String key) {
        return key != null && key.startsWith(WATERMARK_PREFIX);
    }

    /** The revision in {@code header}, or null when absent or unreadable. */
    public static Revision parse(byte[] header) {
        if (header == null) {
            return null;
        }
        String text = new String(header, StandardCharsets.UTF_8);
        int colon = text.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        try {
            return new Revision(Integer.parseInt(text.substring(0, colon)), Long.parseLong(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
