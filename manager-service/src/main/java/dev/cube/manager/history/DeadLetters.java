package dev.cube.manager.history;

import dev.cube.events.topics.Topics;
import dev.cube.events.topics.Topics.DeadLetterHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code cube.dead-letters} (one partition, kept forever) straight from the log: the records Cube
 * refused, each with the original key, value and headers and the {@code cube.dlq.*} headers saying why
 * and where it came from. Each call opens its own short-lived consumer; thread-safe.
 */
public final class DeadLetters {

    /**
     * One dead letter.
     *
     * @param offset  its offset on {@code cube.dead-letters}
     * @param logTime when it was dead-lettered (its record's timestamp)
     * @param reason  why Cube refused it
     * @param field   the offending field, when one is to blame
     * @param source  where the original record was: its topic, partition and offset (null when the headers do not say)
     * @param headers the original record's headers, without Cube's {@code cube.dlq.*}
     * @param value   the original value, byte for byte (null for a tombstone)
     */
    public record DeadLetter(long offset, Instant logTime, String key, String reason, String field, Source source,
                             Map<String, byte[]> headers, byte[] value) {
    }

    /** Where a dead letter was read from. */
    public record Source(String topic, Integer partition, Long offset) {
    }

    /**
     * The last dead letters before an offset, in log order.
     *
     * @param items   at most the number asked for
     * @param earlier where to look before these (pass it as {@code before} for the previous page); null at the start of the topic
     * @param end     where the topic ended when it was read
     */
    public record Page(List<DeadLetter> items, Long earlier, long end) {
    }

    private final dev.cube.kafka.KafkaClientConfig kafka;

    public DeadLetters(dev.cube.kafka.KafkaClientConfig kafka) {
        this.kafka = kafka;
    }

    /** The last {@code limit} dead letters before offset {@code before} (the end of the topic when null). */
    public Page before(Long before, int limit) {
        try (EventLogReader reader = new EventLogReader(kafka, "cube-manager-dead-letters", Topics.DEAD_LETTERS.name())) {
            long end = reader.ends().getOrDefault(0, 0L);
            long until = before == null ? end : Math.min(before, end);
            // Transaction markers take offsets too: read twice as many offsets back, keep the last records.
            long from = Math.max(0, until - 2L * limit);
            List<DeadLetter> read = new ArrayList<>();
            reader.read(Map.of(0, from), Optional.empty(), record -> {
                if (record.offset() < until) {
                    read.add(of(record));
                }
            }, EventLogReader.Progress.NONE);
            List<DeadLetter> items = read.size() > limit ? read.subList(read.size() - limit, read.size()) : read;
            long first = items.isEmpty() ? from : items.getFirst().offset();
            return new Page(List.copyOf(items), first > 0 ? first : null, end);
        }
    }

    private static DeadLetter of(LoggedEvent record) {
        Map<String, byte[]> original = new LinkedHashMap<>();
        record.headers().forEach((name, value) -> {
            if (!name.startsWith("cube.dlq.")) {
                original.put(name, value);
            }
        });
        String topic = text(record.headers().get(DeadLetterHeaders.TOPIC));
        Source source = topic == null ? null : new Source(topic, number(record.headers().get(DeadLetterHeaders.PARTITION)) == null ? null
                : number(record.headers().get(DeadLetterHeaders.PARTITION)).intValue(), number(record.headers().get(DeadLetterHeaders.OFFSET)));
        return new DeadLetter(record.offset(), record.logTime(), record.key(), text(record.headers().get(DeadLetterHeaders.REASON)),
                text(record.headers().get(DeadLetterHeaders.FIELD)), source, original, record.value());
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static Long number(byte[] bytes) {
        try {
            return bytes == null ? null : Long.valueOf(text(bytes).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
