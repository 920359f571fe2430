package dev.cube.manager.projection;

import dev.cube.core.task.TaskControl;
import dev.cube.core.task.TaskDecider;
import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.desired.DesiredAttempt;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.state.DesiredState;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStateMachine;
import dev.cube.events.state.TaskStatus;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The task store's binary format: what is written is read back equal, and a record of another format is refused by name. */
class FoldedTaskSerdeTest {

    static final Instant T0 = Instant.parse("2026-12-01T12:00:00.123456789Z");
    final FoldedTaskSerde serde = new FoldedTaskSerde();

    @Test
    void everyFieldOfAStateAndOfTheViewItOwesComesBackEqual() {
        TaskSpec spec = new TaskSpec("web", "cube/busybox:local", List.of("httpd", "-f"), Map.of("A", "1", "É", "ü"), 0.5, 64L, 10L,
                List.of(new TaskSpec.PortMapping(80, 8080, null)), new TaskSpec.RestartPolicy(TaskSpec.RestartPolicy.Mode.ON_FAILURE, 3, 2),
                null, Map.of("team", "core"));
        TaskState state = fold(CubeEvent.of("/t", "t-1", T0, new TaskEvent.Submitted(spec)),
                CubeEvent.of("/cube/manager", "t-1", T0.plusSeconds(1), new TaskEvent.Scheduled("w-1", 1)),
                CubeEvent.withDerivedId("t-1/1/running", "/cube/worker/w-1", "t-1", T0.plusSeconds(2),
                        new TaskEvent.Running("w-1", 1, "c0ffee", List.of(new TaskEvent.PublishedPort(80, 32768, "0.0.0.0")))),
                CubeEvent.withDerivedId("t-1/1/failed", "/cube/worker/w-1", "t-1", T0.plusSeconds(3), new TaskEvent.Failed(1, 137, "killed", false)));
        TaskDecider.View told = new TaskDecider.View(java.util.Optional.of(
                new DesiredAttempt("w-1", "t-1", 1, DesiredAttempt.Goal.STOP, spec, true, "stop requested")),
                TaskControl.waiting("t-1", 2, spec.resources(), 2000, "exited with code 137"));

        for (FoldedTask folded : List.of(new FoldedTask(state, 0, 41, T0.toEpochMilli(), 40, told),
                new FoldedTask(state, 7, 7, 0, -1, null),
                new FoldedTask(state, 3, 9, 5, 8, new TaskDecider.View(java.util.Optional.empty(), TaskControl.placed("t-1", 1, "w-1", spec.resources()))),
                new FoldedTask(state, 3, 9, 5, 8, TaskDecider.view("t-1", null)))) {
            FoldedTask read = serde.deserializer().deserialize("t", serde.serializer().serialize("t", folded));
            assertThat(read).isEqualTo(folded);
        }
        assertThat(state.exitCode()).isEqualTo(137);
        assertThat(state.ports()).isNotEmpty();
    }

    @Test
    void theEnumsAreWrittenByTheirPlaceSoTheirOrderIsPartOfTheFormat() {
        assertThat(TaskStatus.values()).containsExactly(TaskStatus.Pending, TaskStatus.Scheduled, TaskStatus.Running, TaskStatus.Completed,
                TaskStatus.Failed, TaskStatus.Stopped, TaskStatus.Lost);
        assertThat(DesiredState.values()).containsExactly(DesiredState.Running, DesiredState.Stopped);
        assertThat(DesiredAttempt.Goal.values()).containsExactly(DesiredAttempt.Goal.RUN, DesiredAttempt.Goal.STOP);
        assertThat(TaskControl.Need.values()).containsExactly(TaskControl.Need.NONE, TaskControl.Need.WAITING, TaskControl.Need.PLACED);
    }

    @Test
    void aRecordOfAnotherFormatVersionIsRefusedSayingWhatToDo() {
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[]{9, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("format version 9").hasMessageContaining("rebuild");
    }

    private static TaskState fold(CubeEvent... events) {
        TaskState s = null;
        for (CubeEvent event : events) {
            s = TaskStateMachine.evolve(s, event).state();
        }
        return s;
    }
}
