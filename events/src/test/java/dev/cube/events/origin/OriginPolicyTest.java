package dev.cube.events.origin;

import dev.cube.events.CubeEvent;
import dev.cube.events.EventData;
import dev.cube.events.ManagerEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStateMachine;
import dev.cube.events.state.Evolution;
import dev.cube.events.topics.Topics;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OriginPolicyTest {

    static final String SECRET = "a-cluster-secret-for-tests-only";
    static final Instant T = Instant.parse("2026-12-01T12:00:00Z");
    final Origin manager = Origin.MANAGER;
    final Origin w1 = new Origin.Worker("w1");
    final Origin w2 = new Origin.Worker("w2");
    final Origin nobody = new Origin.Unproven("it carries no origin proof");

    @Test
    void anyoneMaySubmitAndStop() {
        TaskSpec spec = new TaskSpec(null, "img", null, null, null, null, null, null, null, null, null);
        assertThat(OriginPolicy.refusal(event("t", new TaskEvent.Submitted(spec)), nobody, null)).isEmpty();
        assertThat(OriginPolicy.refusal(event("t", new TaskEvent.StopRequested(null)), nobody, placedOn("w1"))).isEmpty();
    }

    @Test
    void onlyTheManagerPlacesLosesAndTicks() {
        for (EventData data : List.<EventData>of(new TaskEvent.Scheduled("w1", 1), new TaskEvent.Unplaced("full"), new TaskEvent.Lost("w1", 1, null),
                new WorkerEvent.Lost("w1", T, null), new WorkerEvent.Draining("w1", null), new ManagerEvent.Tick("cube-manager"))) {
            assertThat(OriginPolicy.refusal(event("t", data), manager, null)).as(data.toString()).isEmpty();
            assertThat(OriginPolicy.refusal(event("t", data), w1, null)).as(data.toString()).get().asString().contains("manager only");
            assertThat(OriginPolicy.refusal(event("t", data), nobody, null)).as(data.toString()).isPresent();
        }
    }

    @Test
    void aWorkerReportsOnlyWhatRunsOnItAndHeartbeatsOnlyForItself() {
        TaskState onW1 = placedOn("w1");
        assertThat(OriginPolicy.refusal(event("t", new TaskEvent.Running("w1", 1, "c", List.of())), w1, onW1)).isEmpty();
        assertThat(OriginPolicy.refusal(event("t", new TaskEvent.Running("w1", 1, "c", List.of())), w2, onW1)).isPresent();
        assertThat(OriginPolicy.refusal(event("t", new TaskEvent.Completed(1, 0)), w1, onW1)).isEmpty();
        assertThat(OriginPolicy.refusal(event("t", new TaskEvent.Stopped(1, null)), w2, onW1)).get().asString()
                .isEqualTo("dev.cube.task.stopped is written by the worker of the task's attempt (w1) only, and this record is worker w2's");
        assertThat(OriginPolicy.refusal(event("t", new TaskEvent.Failed(1, 1, "x", false)), manager, onW1)).isPresent();
        assertThat(OriginPolicy.refusal(event("w1", new WorkerEvent.Heartbeat("w1", null, new WorkerEvent.Capacity(1, 1, 1), null, null)), w1, null)).isEmpty();
        assertThat(OriginPolicy.refusal(event("w1", new WorkerEvent.Left("w1", null)), w2, null)).isPresent();
    }

    @Test
    void withoutASecretNothingIsChecked() {
        assertThat(OriginPolicy.refusal(event("t", new TaskEvent.Scheduled("w1", 1)), Origin.UNCHECKED, null)).isEmpty();
        assertThat(OriginCheck.OFF.origin("cube.task-events", new RecordHeaders(), new byte[]{1})).isEqualTo(Origin.UNCHECKED);
    }

    @Test
    void aSignedRecordProvesItsOriginAndNothingElseDoes() {
        OriginCheck check = OriginCheck.withSecret(SECRET);
        CubeEvent running = event("t", new TaskEvent.Running("w1", 1, "c", List.of()));
        RecordHeaders headers = new RecordHeaders();
        byte[] value = SigningSerializer.asWorker(Topics.TASK_EVENTS.valueSerde().serializer(), "w1",
                OriginProof.encodeKey(OriginProof.workerKey(SECRET, "w1"))).serialize("cube.task-events", headers, running);

        assertThat(check.origin("cube.task-events", headers, value)).isEqualTo(new Origin.Worker("w1"));
        assertThat(check.origin("cube.workers", headers, value)).as("another topic").isInstanceOf(Origin.Unproven.class);
        byte[] altered = new String(value, StandardCharsets.UTF_8).replace("\"c\"", "\"d\"").getBytes(StandardCharsets.UTF_8);
        assertThat(check.origin("cube.task-events", headers, altered)).isInstanceOf(Origin.Unproven.class);
        RecordHeaders claimsManager = new RecordHeaders(headers.toArray());
        claimsManager.remove(OriginProof.ORIGIN_HEADER);
        claimsManager.add(OriginProof.ORIGIN_HEADER, "manager".getBytes(StandardCharsets.UTF_8));
        assertThat(check.origin("cube.task-events", claimsManager, value)).isInstanceOf(Origin.Unproven.class);
        assertThat(OriginCheck.withSecret("another-cluster-secret!").origin("cube.task-events", headers, value)).isInstanceOf(Origin.Unproven.class);
    }

    @Test
    void aClusterSecretAndAKeyHaveAMinimumLength() {
        assertThatThrownBy(() -> OriginCheck.withSecret("short")).hasMessageContaining("at least 16 bytes");
        assertThatThrownBy(() -> OriginProof.decodeKey("c2hvcnQ")).hasMessageContaining("at least 16 bytes");
        assertThat(OriginProof.workerKey(SECRET, "w1")).isNotEqualTo(OriginProof.workerKey(SECRET, "w2")).isNotEqualTo(OriginProof.managerKey(SECRET));
    }

    private static TaskState placedOn(String worker) {
        TaskSpec spec = new TaskSpec(null, "img", null, null, null, null, null, null, null, null, null);
        TaskState state = ((Evolution.Applied) TaskStateMachine.evolve(null, event("t", new TaskEvent.Submitted(spec)))).state();
        return ((Evolution.Applied) TaskStateMachine.evolve(state, event("t", new TaskEvent.Scheduled(worker, 1)))).state();
    }

    private static CubeEvent event(String subject, EventData data) {
        return CubeEvent.of("/test", subject, T, data);
    }
}
