package dev.cube.worker.supervisor;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static dev.cube.worker.supervisor.Fence.State.CATCHING_UP;
import static dev.cube.worker.supervisor.Fence.State.CONNECTED;
import static dev.cube.worker.supervisor.Fence.State.CUT_OFF;
import static org.assertj.core.api.Assertions.assertThat;

class FenceTest {

    static final Instant ACKED = Instant.parse("2026-12-02T08:00:00Z");
    final Fence fence = new Fence(Duration.ofSeconds(10));

    @Test
    void aWorkerAcknowledgedWithinTheLimitFollowsItsDesiredSet() {
        assertThat(fence.next(CONNECTED, ACKED, ACKED.plusSeconds(10), false)).isEqualTo(CONNECTED);
    }

    @Test
    void aWorkerAcknowledgedNothingForLongerThanTheLimitIsCutOffWhateverItWas() {
        Instant later = ACKED.plusSeconds(10).plusMillis(1);
        assertThat(fence.next(CONNECTED, ACKED, later, true)).isEqualTo(CUT_OFF);
        assertThat(fence.next(CATCHING_UP, ACKED, later, true)).isEqualTo(CUT_OFF);
        assertThat(fence.next(CUT_OFF, ACKED, later, true)).isEqualTo(CUT_OFF);
    }

    @Test
    void aWorkerAcknowledgedAgainRunsNothingUntilItHasReadItsDesiredSetToTheEnd() {
        Instant now = ACKED.plusSeconds(1);
        assertThat(fence.next(CUT_OFF, ACKED, now, true)).as("no end offset taken yet when it comes back").isEqualTo(CATCHING_UP);
        assertThat(fence.next(CATCHING_UP, ACKED, now, false)).isEqualTo(CATCHING_UP);
        assertThat(fence.next(CATCHING_UP, ACKED, now, true)).isEqualTo(CONNECTED);
    }

    @Test
    void withoutALimitAWorkerIsNeverCutOff() {
        Fence never = new Fence(Duration.ZERO);
        assertThat(never.enabled()).isFalse();
        assertThat(never.next(CONNECTED, ACKED, ACKED.plus(Duration.ofDays(1)), false)).isEqualTo(CONNECTED);
    }
}
