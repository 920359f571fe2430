package dev.cube.manager.history;

import dev.cube.events.CubeEvent;
import dev.cube.events.state.TaskState;

/**
 * One record of the log and what the fold made of it.
 *
 * @param event   the decoded event, null when the record is {@link Outcome#INVALID}
 * @param taskId  the task the record is about (its key)
 * @param reason  why, for every outcome but {@link Outcome#APPLIED} and {@link Outcome#DUPLICATE}
 * @param state   the task's state right after the record (unchanged unless applied; null if the task is unknown)
 */
public record Step(LoggedEvent record, String taskId, CubeEvent event, Outcome outcome, String reason, TaskState state) {
}
