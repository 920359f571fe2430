package dev.cube.worker;

import dev.cube.events.TaskEvent;
import dev.cube.events.topics.Topics;
import dev.cube.worker.runtime.ContainerInfo;
import dev.cube.worker.runtime.ContainerStatus;
import dev.cube.worker.supervisor.Supervisor;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerTest {

    static ContainerInfo exited(Integer code, boolean oom, ContainerStatus status) {
        return new ContainerInfo("c1", "t1", 2, status, code, oom, List.of());
    }

    @Test
    void shouldReadItsDesiredAttemptsFromThePartitionKafkasDefaultPartitionerPicksForItsId() {
        for (String id : List.of("w1", "worker-2", "host.example.com", "Ünïcode")) {
            assertThat(Worker.desiredPartition(id, Topics.DESIRED_ATTEMPTS.partitions()))
                    .isEqualTo(BuiltInPartitioner.partitionForKey(id.getBytes(StandardCharsets.UTF_8), Topics.DESIRED_ATTEMPTS.partitions()));
        }
    }

    @Test
    void shouldCallExitCodeZeroCompleted() {
        assertThat(Supervisor.outcome(exited(0, false, ContainerStatus.EXITED))).isEqualTo(new TaskEvent.Completed(2, 0));
    }

    @Test
    void shouldCallANonZeroExitFailedWithItsCode() {
        assertThat(Supervisor.outcome(exited(3, false, ContainerStatus.EXITED)))
                .isEqualTo(new TaskEvent.Failed(2, 3, "exited with code 3", false));
    }

    @Test
    void shouldSayOomKilledEvenWhenTheExitCodeIsZero() {
        TaskEvent outcome = Supervisor.outcome(exited(0, true, ContainerStatus.EXITED));
        assertThat(outcome).isInstanceOfSatisfying(TaskEvent.Failed.class, f -> {
            assertThat(f.oomKilled()).isTrue();
            assertThat(f.reason()).startsWith("OOM-killed");
        });
    }

    @Test
    void shouldFailADeadContainer() {
        assertThat(Supervisor.outcome(exited(null, false, ContainerStatus.DEAD)))
                .isInstanceOfSatisfying(TaskEvent.Failed.class, f -> assertThat(f.exitCode()).isNull());
    }
}
