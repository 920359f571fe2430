package dev.cube.manager.projection;

import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** When a processor asks Streams to commit at once: a fresh write someone waits for, at most once per gap, never while behind. */
class PromptCommitTest {

    static final long NOW = 1_000_000;
    final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    final PromptCommit prompt = new PromptCommit(Duration.ofMillis(10));

    @Test
    void aFreshWriteIsCommittedAtOnceAndTheNextOnlyAfterTheGap() {
        context.setCurrentSystemTimeMs(NOW);
        prompt.wanted(NOW - 5);
        prompt.maybeRequest(context);
        assertThat(context.committed()).isTrue();

        context.resetCommit();
        prompt.wanted(NOW);
        prompt.maybeRequest(context);
        assertThat(context.committed()).as("within the gap").isFalse();
        context.setCurrentSystemTimeMs(NOW + 10);
        prompt.maybeRequest(context);
        assertThat(context.committed()).as("once the gap has passed, the write still wanted").isTrue();
    }

    @Test
    void writesCausedByRecordsOlderThanASecondAreLeftToTheCommitInterval() {
        context.setCurrentSystemTimeMs(NOW);
        prompt.wanted(NOW - PromptCommit.BEHIND.toMillis() - 1);
        prompt.maybeRequest(context);
        assertThat(context.committed()).as("a backlog: the interval commits it").isFalse();

        prompt.wanted(NOW - 200);
        prompt.wanted(NOW - 5_000);
        prompt.maybeRequest(context);
        assertThat(context.committed()).as("the newest cause decides: one fresh write is waited for").isTrue();
    }

    @Test
    void aZeroGapNeverAsks() {
        PromptCommit off = new PromptCommit(Duration.ZERO);
        context.setCurrentSystemTimeMs(NOW);
        off.wanted(NOW);
        off.maybeRequest(context);
        assertThat(context.committed()).isFalse();
    }
}
