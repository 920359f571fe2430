package dev.cube.core.task;

import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.state.Evolution;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStateMachine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Task states for the deciders' tests, folded from events by the one fold, so that no test starts from a state the fold cannot reach. */
final class Tasks {

    static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
    static final String TASK = "task-1";

    private Tasks() {
    }

    static TaskSpec spec(TaskSpec.RestartPolicy policy) {
        return new TaskSpec("web", "cube/busybox:local", List.of("sleep", "30"), null, 0.5, 256L, null, null, policy, null, null);
    }

    static TaskSpec spec() {
        return spec(null);
    }

    /** The state after these events, each of which must apply. */
    static TaskState stateAfter(TaskSpec spec, TaskEvent... events) {
        List<TaskEvent> all = new ArrayList<>();
        all.add(new TaskEvent.Submitted(spec));
        all.addAll(List.of(events));
        TaskState state = null;
        for (int i = 0; i < all.size(); i++) {
            Evolution evolution = TaskStateMachine.evolve(state, new CubeEvent("e-" + i, "/test", TASK, T0.plusSeconds(i), 1, all.get(i)));
            assertThat(evolution).as("event %s", all.get(i)).isInstanceOf(Evolution.Applied.class);
            state = evolution.state();
        }
        return state;
    }

    static TaskState stateAfter(TaskEvent... events) {
        return stateAfter(spec(), events);
    }
}
