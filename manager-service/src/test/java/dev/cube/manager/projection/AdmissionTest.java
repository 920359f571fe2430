package dev.cube.manager.projection;

import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.topics.Topic;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AdmissionTest {

    private static final int PARTITIONS = 4;

    private static CubeEvent stopOf(String taskId, Map<String, Object> extensions) {
        return new CubeEvent("e-1", "/my/script", taskId, Instant.parse("2026-01-31T12:00:00Z"), 1,
                new TaskEvent.StopRequested(null), extensions);
    }

    private static Admission admit(String key, CubeEvent event) {
        return Admission.of(key, Topic.partitionOf(key, PARTITIONS), PARTITIONS, () -> event);
    }

    @Test
    void anEventWhosePartitionKeyIsItsRecordKeyIsAdmittedWithItsExtensions() {
        CubeEvent event = stopOf("task-1", Map.of("partitionkey", "task-1", "traceparent", "00-abc-def-01"));

        assertThat(admit("task-1", event)).isEqualTo(new Admission.Admitted(event));
    }

    @Test
    void anEventWithoutAPartitionKeyIsAdmitted() {
        CubeEvent event = stopOf("task-1", Map.of());

        assertThat(admit("task-1", event)).isEqualTo(new Admission.Admitted(event));
    }

    @Test
    void anEventWhosePartitionKeyIsAnotherKeyIsRefusedSayingSo() {
        assertThat(admit("task-1", stopOf("task-1", Map.of("partitionkey", "task-2"))))
                .isEqualTo(new Admission.Refused("partitionkey", "the partitionkey 'task-2' must equal the record key 'task-1' (the task id)"));
    }
}
