package dev.cube.worker;

import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.wire.CloudEventCodec;
import dev.cube.events.CubeEvent;
import dev.cube.events.topics.Topics;
import dev.cube.worker.runtime.ContainerInfo;
import dev.cube.worker.runtime.ContainerStatus;
import dev.cube.worker.runtime.InMemoryContainerRuntime;
import dev.cube.worker.stats.MachineStats;
import dev.cube.worker.supervisor.Supervisor;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

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

    @Test
    void itsHeartbeatSaysWhileTheEngineDoesNotAnswerAndStopsSayingItOnceItAnswers() {
        Instant now = Instant.parse("2026-12-02T09:00:00Z");
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        InMemoryContainerRuntime runtime = new InMemoryContainerRuntime(clock);
        MachineStats machine = containers -> new WorkerEvent.Stats(0.1, 100, 200, 0.2, containers);
        WorkerEvent.Capacity capacity = new WorkerEvent.Capacity(2, 2048, 10_000);
        try (Supervisor supervisor = new Supervisor("w1", runtime, event -> CompletableFuture.completedFuture(null),
                new Supervisor.Settings(Duration.ofMillis(100), 1, Duration.ofSeconds(1), "127.0.0.1"), clock)) {
            supervisor.converge(Map.of());
            assertThat(Worker.heartbeatOf("w1", "10.0.0.7", capacity, now, machine, supervisor).engine()).isNull();

            runtime.setDown(true);
            supervisor.converge(Map.of());
            WorkerEvent.Heartbeat down = Worker.heartbeatOf("w1", "10.0.0.7", capacity, now, machine, supervisor);

            assertThat(down.engineAnswers()).isFalse();
            assertThat(down.engine().answers()).isFalse();
            assertThat(down.engine().since()).isEqualTo(now);
            assertThat(down.engine().reason()).contains("No Docker engine answers at memory:");
            assertThat(CloudEventCodec.toJson(CubeEvent.of("/cube/worker/w1", "w1", now, down)).get("data").get("engine").toString())
                    .isEqualTo("{\"answers\":false,\"since\":\"2026-12-02T09:00:00Z\",\"reason\":\"" + down.engine().reason() + "\"}");

            runtime.setDown(false);
            supervisor.converge(Map.of());
            WorkerEvent.Heartbeat back = Worker.heartbeatOf("w1", "10.0.0.7", capacity, now, machine, supervisor);
            assertThat(back.engine()).isNull();
            assertThat(CloudEventCodec.toJson(CubeEvent.of("/cube/worker/w1", "w1", now, back)).get("data").has("engine")).isFalse();
        }
    }
}
