package dev.cube.events.state;

import dev.cube.events.CubeEvent;
import dev.cube.events.EventData;
import dev.cube.events.TaskEvent;
import dev.cube.events.spec.TaskSpec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "given" of a state machine test: one task's past events, each with its own id and a time one
 * second after the previous one, folded by the real {@link TaskStateMachine}.
 */
final class TaskHistory {

    static final String TASK = "task-1";
    static final Instant T0 = Instant.parse("2026-01-31T12:00:00Z");
    static final TaskSpec SPEC = TaskSpec.of("web", "cube/busybox:local", List.of("sleep", "60"));

    private final List<CubeEvent> events = new ArrayList<>();
    private TaskState state;

    /** Folds {@code past} and insists that each one applied, so that a test never starts from a state it did not mean. */
    TaskHistory given(TaskEvent... past) {
        for (TaskEvent data : past) {
            Evolution evolution = TaskStateMachine.evolve(state, next(data));
            assertThat(evolution).as("past event %s", data).isInstanceOf(Evolution.Applied.class);
            state = evolution.state();
        }
        return this;
    }

    /** Folds {@code events} whatever becomes of each (applied, duplicate, ignored or rejected). */
    TaskHistory fold(TaskEvent... events) {
        for (TaskEvent data : events) {
            state = TaskStateMachine.evolve(state, next(data)).state();
        }
        return this;
    }

    TaskState state() {
        return state;
    }

    List<CubeEvent> events() {
        return List.copyOf(events);
    }

    /** The next event of this history: a new id, one second later. */
    CubeEvent next(EventData data) {
        CubeEvent event = new CubeEvent("event-" + (events.size() + 1), "/cube/test", TASK, timeOf(events.size() + 1), 1, data);
        events.add(event);
        return event;
    }

    /** When the {@code n}th event (1-based) of a history happened. */
    static Instant timeOf(int n) {
        return T0.plusSeconds(n);
    }

    static TaskEvent.Submitted submitted() {
        return new TaskEvent.Submitted(SPEC);
    }

    static TaskEvent.Unplaced unplaced(String reason) {
        return new TaskEvent.Unplaced(reason);
    }

    static TaskEvent.Scheduled scheduled(String workerId, int attempt) {
        return new TaskEvent.Scheduled(workerId, attempt);
    }

    static TaskEvent.Running running(String workerId, int attempt, String containerId, TaskEvent.PublishedPort... ports) {
        return new TaskEvent.Running(workerId, attempt, containerId, Arrays.asList(ports));
    }

    static TaskEvent.PublishedPort port(int containerPort, int hostPort) {
        return new TaskEvent.PublishedPort(containerPort, hostPort, "0.0.0.0");
    }

    static TaskEvent.Completed completed(int attempt) {
        return new TaskEvent.Completed(attempt, 0);
    }

    static TaskEvent.Failed failed(int attempt, Integer exitCode, String reason) {
        return new TaskEvent.Failed(attempt, exitCode, reason, false);
    }

    static TaskEvent.StopRequested stopRequested(String reason) {
        return new TaskEvent.StopRequested(reason);
    }

    static TaskEvent.Stopped stopped(int attempt, String reason) {
        return new TaskEvent.Stopped(attempt, reason);
    }

    static TaskEvent.Lost lost(String workerId, int attempt) {
        return new TaskEvent.Lost(workerId, attempt, null);
    }
}
