package dev.cube.worker.output;

import dev.cube.events.output.OutputRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A journal in memory, as the log would keep it: every record appended, in order. It can refuse the
 * next few records (as a log that is down does), or hold its acknowledgements until told.
 */
final class InMemoryJournal implements OutputJournal {

    final List<OutputRecord> records = new CopyOnWriteArrayList<>();
    final AtomicInteger refuseNext = new AtomicInteger();
    final AtomicInteger tails = new AtomicInteger();
    private final AtomicReference<CompletableFuture<Void>> gate = new AtomicReference<>(CompletableFuture.completedFuture(null));

    @Override
    public CompletableFuture<?> append(OutputRecord record) {
        if (refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return CompletableFuture.failedFuture(new IllegalStateException("the log is down"));
        }
        records.add(record);
        return gate.get().thenApply(ignored -> record);
    }

    @Override
    public List<OutputRecord> tail(String taskId, int attempt, Instant firstLine) {
        tails.incrementAndGet();
        return records.stream().filter(r -> r.taskId().equals(taskId) && r.attempt() == attempt).toList();
    }

    /** Acknowledges nothing until {@link #open()}. */
    void hold() {
        gate.set(new CompletableFuture<>());
    }

    void open() {
        gate.get().complete(null);
    }

    /** The attempt's records as a reader takes them: each number once, in order. */
    List<OutputRecord> read(String taskId, int attempt) {
        List<OutputRecord> out = new ArrayList<>();
        long seen = 0;
        for (OutputRecord record : records) {
            if (record.taskId().equals(taskId) && record.attempt() == attempt && record.seq() > seen) {
                seen = record.seq();
                out.add(record);
            }
        }
        return out;
    }

    /** The text of the attempt's lines as a reader takes them. */
    List<String> lines(String taskId, int attempt) {
        return read(taskId, attempt).stream().filter(r -> r.kind() == OutputRecord.Kind.LINE).map(OutputRecord::line).toList();
    }
}
