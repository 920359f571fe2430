package dev.cube.manager.stream;

import dev.cube.events.CubeEvent;
import dev.cube.events.EventType;
import dev.cube.events.ManagerEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.spec.TaskSpec;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class EventFilterTest {

    static final Instant AT = Instant.parse("2026-01-31T12:00:00Z");

    static CubeEvent event(String source, String subject, dev.cube.events.EventData data) {
        return CubeEvent.of(source, subject, AT, data);
    }

    static final CubeEvent SUBMITTED = event("/cube/api", "t1", new TaskEvent.Submitted(TaskSpec.of(null, "cube/busybox:local", List.of("true"))));
    static final CubeEvent SCHEDULED = event("/cube/manager", "t1", new TaskEvent.Scheduled("w1", 1));
    static final CubeEvent COMPLETED = event("/cube/worker/w1", "t1", new TaskEvent.Completed(1, 0));
    static final CubeEvent OTHER_TASK = event("/cube/worker/w2", "t2", new TaskEvent.Completed(1, 0));
    static final CubeEvent HEARTBEAT = event("/cube/worker/w1", "w1", new WorkerEvent.Heartbeat("w1", null, new WorkerEvent.Capacity(1, 1024, 0), null));
    static final CubeEvent DRAINING = event("/cube/api", "w1", new WorkerEvent.Draining("w1", null));
    static final CubeEvent TICK = event("/cube/manager", "manager/m", new ManagerEvent.Tick("m"));

    @Test
    void withNothingNamedEveryEventButHeartbeatsAndTicks() {
        EventFilter all = new EventFilter(null, Set.of(), null);

        assertThat(List.of(SUBMITTED, SCHEDULED, COMPLETED, OTHER_TASK, HEARTBEAT, DRAINING, TICK)).filteredOn(all::matches)
                .containsExactly(SUBMITTED, SCHEDULED, COMPLETED, OTHER_TASK, DRAINING);
    }

    @Test
    void aTasksEventsOnly() {
        EventFilter task = new EventFilter("t1", Set.of(), null);

        assertThat(List.of(SUBMITTED, SCHEDULED, COMPLETED, OTHER_TASK, DRAINING)).filteredOn(task::matches).containsExactly(SUBMITTED, SCHEDULED, COMPLETED);
        assertThat(task.wantsWorkerTopics()).isFalse();
    }

    @Test
    void theEventsConcerningAWorkerAreThoseNamingItOrComingFromIt() {
        EventFilter worker = new EventFilter(null, Set.of(), "w1");

        assertThat(List.of(SUBMITTED, SCHEDULED, COMPLETED, OTHER_TASK, DRAINING)).filteredOn(worker::matches).containsExactly(SCHEDULED, COMPLETED, DRAINING);
    }

    @Test
    void typesAreNamedWholeAfterDevCubeOrByTheirLastWord() {
        assertThat(EventFilter.types("dev.cube.task.completed, task.failed,stop-requested"))
                .hasValue(Set.of(EventType.TASK_COMPLETED, EventType.TASK_FAILED, EventType.TASK_STOP_REQUESTED));
        assertThat(EventFilter.types("lost")).hasValue(Set.of(EventType.TASK_LOST, EventType.WORKER_LOST));
        assertThat(EventFilter.types("")).hasValue(Set.of());
        assertThat(EventFilter.types("completed,teleported")).isEmpty();
    }

    @Test
    void heartbeatsComeWhenAskedFor() {
        EventFilter heartbeats = new EventFilter(null, EventFilter.types("heartbeat").orElseThrow(), null);

        assertThat(List.of(SUBMITTED, HEARTBEAT, TICK)).filteredOn(heartbeats::matches).containsExactly(HEARTBEAT);
    }
}
