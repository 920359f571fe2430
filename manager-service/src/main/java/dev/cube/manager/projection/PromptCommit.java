package dev.cube.manager.projection;

import org.apache.kafka.streams.processor.api.ProcessorContext;

import java.time.Duration;

/**
 * Asks Streams to commit soon after a processor wrote something another part of Cube waits for
 * (a control view for the placement stage, a decision for the fold, a desired attempt for a worker):
 * every such record crosses a read_committed hop, and with exactly_once_v2 a reader sees it only once
 * the transaction commits, so waiting for the commit interval would add up to one interval per hop
 * between a submission and its container. At most one request per {@code gap}: under load, commits
 * stay that far apart and batches stay large. A zero gap leaves commits to the interval alone.
 * One per processor; not thread-safe (a stream thread calls it).
 */
final class PromptCommit {

    private final long gapMillis;
    private long last = Long.MIN_VALUE / 2;
    private boolean wanted;

    PromptCommit(Duration gap) {
        this.gapMillis = gap.toMillis();
    }

    /** Something someone waits for was written. */
    void wanted() {
        wanted = gapMillis > 0;
    }

    /** Requests the commit if one is wanted and the last request is at least the gap ago. */
    void maybeRequest(ProcessorContext<?, ?> context) {
        if (!wanted) {
            return;
        }
        long now = context.currentSystemTimeMs();
        if (now - last >= gapMillis) {
            context.commit();
            last = now;
            wanted = false;
        }
    }
}
