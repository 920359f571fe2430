package dev.cube.manager.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStateMachine;
import dev.cube.events.wire.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProjectionCheckTest {

    private static final TaskSpec SPEC = new TaskSpec(null, "cube/busybox:local", null, null, null, null, null, null, null, null, null);

    @Test
    void equalStatesHaveNoDifference() {
        TaskState state = running("a");
        assertThat(ProjectionCheck.compare(Map.of("a", Json.MAPPER.valueToTree(state.forReaders())), Map.of("a", state))).isEmpty();
    }

    @Test
    void eachDifferingFieldIsNamedWithBothValues() {
        TaskState rebuilt = running("a");
        ObjectNode live = Json.MAPPER.valueToTree(rebuilt.forReaders());
        live.put("state", "Completed");
        live.put("exitCode", 0);

        List<ProjectionCheck.Difference> differences = ProjectionCheck.compare(Map.of("a", live), Map.of("a", rebuilt));

        assertThat(differences).containsExactly(
                new ProjectionCheck.Difference("a", "exitCode", "0", "absent"),
                new ProjectionCheck.Difference("a", "state", "Completed", "Running"));
    }

    @Test
    void aStateReadBackFromTheTopicEqualsTheSameStateRebuiltWhateverTheJsonNumberTypes() throws Exception {
        TaskSpec sized = new TaskSpec(null, "cube/busybox:local", null, null, 0.1, 32L, 100L, null, null, null, null);
        Instant t = Instant.parse("2026-01-31T12:00:00Z");
        TaskState state = TaskStateMachine.fold(null, List.of(CubeEvent.of("/t", "a", t, new TaskEvent.Submitted(sized))));
        JsonNode live = Json.MAPPER.readTree(dev.cube.events.topics.Topics.TASK_STATE.valueSerde().serializer().serialize("cube.task-state", state));

        assertThat(ProjectionCheck.compare(Map.of("a", live), Map.of("a", state))).isEmpty();
    }

    @Test
    void aTaskOnOneSideOnlyIsADifference() {
        JsonNode live = Json.MAPPER.valueToTree(running("only-live"));
        List<ProjectionCheck.Difference> differences = ProjectionCheck.compare(Map.of("only-live", live), Map.of("only-rebuilt", running("only-rebuilt")));
        assertThat(differences).extracting(ProjectionCheck.Difference::taskId).containsExactly("only-live", "only-rebuilt");
        assertThat(differences.getFirst().rebuilt()).isEqualTo("absent");
        assertThat(differences.getLast().live()).isEqualTo("absent");
    }

    private static TaskState running(String id) {
        Instant t = Instant.parse("2026-01-31T12:00:00Z");
        return TaskStateMachine.fold(null, List.of(
                CubeEvent.of("/t", id, t, new TaskEvent.Submitted(SPEC)),
                CubeEvent.of("/t", id, t, new TaskEvent.Scheduled("w1", 1)),
                CubeEvent.of("/t", id, t, new TaskEvent.Running("w1", 1, "c1", List.of()))));
    }
}
