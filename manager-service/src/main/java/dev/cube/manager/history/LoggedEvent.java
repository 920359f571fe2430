package dev.cube.manager.history;

import java.time.Instant;
import java.util.Map;

/**
 * One record of {@code cube.task-events} as read from the log.
 *
 * @param logTime the broker's timestamp (LogAppendTime): monotonic within a partition
 * @param headers the record's headers in their order, the last value of each name (binary-mode events carry their attributes there)
 */
public record LoggedEvent(int partition, long offset, Instant logTime, String key, Map<String, byte[]> headers, byte[] value) {
}
