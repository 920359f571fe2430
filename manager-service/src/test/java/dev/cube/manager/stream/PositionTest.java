package dev.cube.manager.stream;

import dev.cube.events.topics.Topics;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PositionTest {

    @Test
    void isWrittenAsPartitionsAndOffsetsAndReadBackTheSame() {
        Map<String, Map<Integer, Long>> next = new LinkedHashMap<>();
        next.put(Topics.TASK_EVENTS.name(), Map.of(0, 42L, 1, 17L, 2, 88L, 3, 5L));
        next.put(Topics.WORKERS.name(), Map.of(0, 1203L));
        next.put(Topics.WORKER_ADMIN.name(), Map.of(0, 4L));
        Position position = new Position(next);

        assertThat(position.toString()).isEqualTo("0:42,1:17,2:88,3:5,workers/0:1203,worker-admin/0:4");
        assertThat(Position.parse(position.toString())).hasValue(position);
    }

    @Test
    void afterARecordItsPartitionGoesOnFromTheNextOffsetAndTheOthersStay() {
        Position position = Position.parse("0:42,1:17").orElseThrow();

        Position after = position.after(Topics.TASK_EVENTS.name(), 1, 17);

        assertThat(after.toString()).isEqualTo("0:42,1:18");
        assertThat(position.toString()).isEqualTo("0:42,1:17");
        assertThat(after.of(Topics.TASK_EVENTS.name(), 1)).hasValue(18L);
        assertThat(after.of(Topics.TASK_EVENTS.name(), 3)).isEmpty();
    }

    @Test
    void nonsenseIsNoPosition() {
        for (String text : new String[]{"", "yesterday", "0:", ":4", "0:-1", "-1:3", "x:1", "elsewhere/0:1", "0:1,,1:2"}) {
            assertThat(Position.parse(text)).as(text).isEmpty();
        }
    }
}
