package dev.cube.manager.projection;

import dev.cube.core.placement.Allocation;
import dev.cube.core.placement.PlacementStage;
import dev.cube.core.task.TaskControl;
import dev.cube.events.spec.Resources;
import dev.cube.events.wire.Json;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.Positive;
import net.jqwik.api.constraints.StringLength;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The control view's and the placement stage's entry's binary layouts: what is written is read back
 * equal, what was written as JSON before is still read, and bytes of another layout are refused by name.
 */
class ControlSerdesTest {

    @Property(tries = 300)
    void everyControlViewAndEntryComesBackEqual(@ForAll @AlphaChars @NumericChars @Chars({'-', '/'}) @StringLength(min = 1, max = 40) String taskId, @ForAll TaskControl.Need need,
                                                @ForAll @Positive int attempt, @ForAll @AlphaChars @StringLength(max = 20) String worker,
                                                @ForAll boolean withResources, @ForAll double cpu, @ForAll @LongRange(min = 0) long memory,
                                                @ForAll long backoff, @ForAll boolean withReason, @ForAll boolean decided,
                                                @ForAll @LongRange(min = 0, max = 4_000_000_000L) long notBeforeSeconds, @ForAll @LongRange(min = 0) long seq) {
        TaskControl control = new TaskControl(taskId, need, attempt, worker.isEmpty() ? null : worker,
                withResources ? new Resources(cpu, memory, 7) : null, backoff, withReason ? "exited with code 1 — é" : null);
        assertThat(roundTrip(control)).isEqualTo(control);

        PlacementStage.TaskEntry entry = new PlacementStage.TaskEntry(control, decided ? new PlacementStage.Placement(attempt, "w-9") : null,
                Instant.ofEpochSecond(notBeforeSeconds, 123_456_789), seq, withReason ? "no-room" : null);
        assertThat(roundTrip(entry)).isEqualTo(entry);
    }

    @Test
    void anAllocationComesBackEqualWithEveryAttemptItHolds() throws Exception {
        Allocation allocation = Allocation.EMPTY.with(new Allocation.Held("t-1", 1, new Resources(0.5, 64, 10)))
                .with(new Allocation.Held("t-1", 2, new Resources(0.5, 64, 10))).with(new Allocation.Held("t-2", 7, Resources.NONE));
        for (Allocation a : java.util.List.of(allocation, Allocation.EMPTY)) {
            assertThat(ControlSerdes.ALLOCATION.deserializer().deserialize("a", ControlSerdes.ALLOCATION.serializer().serialize("a", a))).isEqualTo(a);
        }
        assertThat(ControlSerdes.ALLOCATION.deserializer().deserialize("a", Json.MAPPER.writeValueAsBytes(allocation))).isEqualTo(allocation);
        assertThat(ControlSerdes.ALLOCATION.deserializer().deserialize("a", ControlSerdes.ALLOCATION.serializer().serialize("a", allocation)).total())
                .isEqualTo(new Resources(1.0, 128, 20));
    }

    @Test
    void aViewOrEntryWrittenAsJsonByAnEarlierManagerIsStillRead() throws Exception {
        TaskControl control = TaskControl.placed("t-1", 2, "w-1", new Resources(0.5, 64, 10));
        PlacementStage.TaskEntry entry = new PlacementStage.TaskEntry(TaskControl.waiting("t-2", 1, Resources.NONE, 500, "restart"),
                null, Instant.parse("2026-12-02T10:00:00Z"), 42, "no-room");

        assertThat(ControlSerdes.CONTROL.deserializer().deserialize("c", Json.MAPPER.writeValueAsBytes(control))).isEqualTo(control);
        assertThat(ControlSerdes.ENTRY.deserializer().deserialize("s", Json.MAPPER.writeValueAsBytes(entry))).isEqualTo(entry);
    }

    @Test
    void theBinaryFormIsSmallerThanTheJsonItReplaced() throws Exception {
        TaskControl control = TaskControl.placed("0f8fad5b-d9cb-469f-a165-70867728950e", 1, "w-17", new Resources(0.25, 64, 0));
        assertThat(ControlSerdes.CONTROL.serializer().serialize("c", control).length).isLessThan(Json.MAPPER.writeValueAsBytes(control).length / 2);
    }

    @Test
    void bytesOfAnotherLayoutAreRefusedByName() {
        assertThatThrownBy(() -> ControlSerdes.CONTROL.deserializer().deserialize("c", new byte[]{9, 1, 2}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("control view").hasMessageContaining("version 9");
        byte[] cut = ControlSerdes.ENTRY.serializer().serialize("s", new PlacementStage.TaskEntry(TaskControl.none("t"), null, null, 1, null));
        assertThatThrownBy(() -> ControlSerdes.ENTRY.deserializer().deserialize("s", java.util.Arrays.copyOf(cut, cut.length - 2)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("placement task entry");
    }

    private static TaskControl roundTrip(TaskControl control) {
        return ControlSerdes.CONTROL.deserializer().deserialize("c", ControlSerdes.CONTROL.serializer().serialize("c", control));
    }

    private static PlacementStage.TaskEntry roundTrip(PlacementStage.TaskEntry entry) {
        return ControlSerdes.ENTRY.deserializer().deserialize("s", ControlSerdes.ENTRY.serializer().serialize("s", entry));
    }
}
