package dev.cube.core.worker;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Log time: how silence is measured, and why a gap in the log counts against no one. */
class LogClockTest {

    static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
    static final Duration GAP = Duration.ofSeconds(5);
    static final Duration LOST_AFTER = Duration.ofSeconds(20);

    private static LogClock records(int... seconds) {
        LogClock clock = LogClock.START;
        for (int s : seconds) {
            clock = clock.advance(T0.plusSeconds(s), GAP);
        }
        return clock;
    }

    @Test
    void aWorkerIsSilentForTooLongOnlyWhenTheLogShowsTheTimePass() {
        LogClock ticking = records(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21);

        assertThat(ticking.silentFor(T0, LOST_AFTER)).as("21 s of log time after its last heartbeat").isTrue();
        assertThat(ticking.silentFor(T0.plusSeconds(2), LOST_AFTER)).as("19 s").isFalse();
    }

    @Test
    void aGapInTheLogGivesEveryWorkerAFreshPeriodFromItsEnd() {
        LogClock afterOutage = records(0, 1, 2, 62, 63);

        assertThat(afterOutage.gapEnd()).isEqualTo(T0.plusSeconds(62));
        assertThat(afterOutage.silentFor(T0, LOST_AFTER)).as("silent since 0, but the broker was down from 2 to 62").isFalse();
        assertThat(records(0, 1, 2, 62, 63, 66, 70, 74, 78, 82, 83).silentFor(T0, LOST_AFTER)).as("21 s after the gap").isTrue();
    }

    @Test
    void recordsCloserThanTheGapDoNotMakeOne() {
        LogClock steady = records(0, 4, 8, 12, 16, 20, 24);

        assertThat(steady.gapEnd()).isEqualTo(T0);
        assertThat(steady.silentFor(T0.plusSeconds(3), LOST_AFTER)).isTrue();
    }

    @Test
    void anOlderRecordDoesNotMoveTheClockBack() {
        LogClock clock = records(0, 10).advance(T0.plusSeconds(3), GAP);

        assertThat(clock.last()).isEqualTo(T0.plusSeconds(10));
    }

    @Test
    void beforeAnyRecordNoOneIsSilent() {
        assertThat(LogClock.START.silentFor(T0, LOST_AFTER)).isFalse();
        assertThat(records(0).silentFor(null, LOST_AFTER)).isFalse();
    }
}
