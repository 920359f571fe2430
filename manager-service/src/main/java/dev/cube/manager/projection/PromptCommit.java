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
 *
 * <p>Only while the processor keeps up: each write says the log time of what led to it, and when even
 * the newest of them is more than {@link #BEHIND} old, the processor is working through a backlog
 * (a burst of submissions, a queue of waiting tasks), where every commit stops the stream thread for a
 * transaction and the tasks have waited anyway; those writes are left to the commit interval, in fewer,
 * larger transactions (docs/benchmarks.md, 2026-12-02 evening: a 1,000,000-task burst spent most of the
 * stream thread in commits). The log time is the broker's; a manager whose clock is more than that ahead
 * of its broker's commits on the interval only, which is slower, never wrong.
 * One per processor; not thread-safe (a stream thread calls it).
 */
final class PromptCommit {

    /** How old the newest write's cause may be for a commit to be requested at once. */
    static final Duration BEHIND = Duration.ofSeconds(1);

    private final long gapMillis;
    private long last = Long.MIN_VALUE / 2;
    private boolean wanted;
    private long newestCause = Long.MIN_VALUE;

    PromptCommit(Duration gap) {
        this.gapMillis = gap.toMillis();
    }

    /** Something someone waits for was written, because of a record of log time {@code causeLogTime} (epoch ms). */
    void wanted(long causeLogTime) {
        if (gapMillis > 0) {
            wanted = true;
            newestCause = Math.max(newestCause, causeLogTime);
        }
    }

    /** Requests the commit if one is wanted, the processor keeps up with the log and the last request is at least the gap ago. */
    void maybeRequest(ProcessorContext<?, ?> context) {
        if (!wanted) {
            return;
        }
        long now = context.currentSystemTimeMs();
        if (now - newestCause > BEHIND.toMillis()) {
            // Behind: the interval commits these.
            wanted = false;
            newestCause = Long.MIN_VALUE;
            return;
        }
        if (now - last >= gapMillis) {
            context.commit();
            last = now;
            wanted = false;
            newestCause = Long.MIN_VALUE;
        }
    }
}
