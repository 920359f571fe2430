package dev.cube.worker.output;

import dev.cube.events.output.OutputRecord;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where a worker ships its containers' output ({@code cube.task-logs}), and where it finds what was
 * shipped before it restarted. Implementations are thread-safe.
 */
public interface OutputJournal {

    /**
     * Appends {@code record}; the future completes when the log has acknowledged it, or fails. It never
     * throws. It may block while the journal's buffer is full (for at most the journal's own time limit).
     */
    CompletableFuture<?> append(OutputRecord record);

    /**
     * The last records of the attempt on the log, in log order, enough to tell where its shipping stands
     * ({@link OutputCursor#isEnoughOf}); empty when the log has none. Blocks while it reads.
     *
     * @param firstLine the engine's time of the attempt's first line: no record of the attempt is older
     * @throws RuntimeException when the log cannot be read now
     */
    List<OutputRecord> tail(String taskId, int attempt, Instant firstLine);
}
