package dev.cube.events.wire;

import dev.cube.events.CubeEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.spec.TaskSpecValidator;
import dev.cube.events.spec.Violation;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Negative or absurd resources, in a task's spec or a worker's heartbeat, are refused with the field and the reason. */
class AbsurdResourcesTest {

    static final Instant T = Instant.parse("2026-12-01T12:00:00Z");

    @Test
    void aSpecAskingForMoreThanAnyMachineHasIsRefused() {
        TaskSpec huge = new TaskSpec(null, "img", null, null, 1.0, Long.MAX_VALUE, Long.MAX_VALUE, null, null, null, null);
        assertThat(TaskSpecValidator.validate(huge, "")).extracting(Violation::field).containsExactly("memory", "disk");
        TaskSpec negative = new TaskSpec(null, "img", null, null, -1.0, -5L, -1L, null, null, null, null);
        assertThat(TaskSpecValidator.validate(negative, "")).extracting(Violation::field).containsExactly("cpu", "memory", "disk");
    }

    @Test
    void aHeartbeatOfferingNegativeOrAbsurdCapacityIsRefused() {
        assertThat(heartbeat(new WorkerEvent.Capacity(-1, 1024, 1024), null)).extracting(Violation::field).containsExactly("data.capacity.cpu");
        assertThat(heartbeat(new WorkerEvent.Capacity(Double.NaN, -1, Long.MAX_VALUE), null)).extracting(Violation::field)
                .containsExactly("data.capacity.cpu", "data.capacity.memory", "data.capacity.disk");
        assertThat(heartbeat(new WorkerEvent.Capacity(2, 1024, 1024), new WorkerEvent.Stats(-0.5, -1, 0, Double.NaN, -3)))
                .extracting(Violation::field)
                .containsExactly("data.stats.cpuUsage", "data.stats.memoryUsed", "data.stats.loadAverage", "data.stats.containers");
        assertThat(heartbeat(new WorkerEvent.Capacity(2, 1024, 1024), new WorkerEvent.Stats(0.5, 100, 100, 1.5, 3))).isEmpty();
    }

    @Test
    void theDecoderNamesTheFieldOfANegativeCapacity() {
        String json = """
                {"specversion":"1.0","id":"h1","source":"/x","type":"dev.cube.worker.heartbeat","subject":"w1","time":"2026-12-01T12:00:00Z",
                 "data":{"workerId":"w1","capacity":{"cpu":2,"memory":-1024,"disk":0}}}""";
        assertThatThrownBy(() -> CloudEventCodec.decode(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("data.capacity.memory"));
    }

    private static java.util.List<Violation> heartbeat(WorkerEvent.Capacity capacity, WorkerEvent.Stats stats) {
        return EventRules.violations(CubeEvent.of("/x", "w1", T, new WorkerEvent.Heartbeat("w1", null, capacity, null, stats)).data());
    }

}
