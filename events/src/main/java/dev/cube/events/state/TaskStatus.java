package dev.cube.events.state;

import java.util.EnumSet;
import java.util.Set;

/** The observed state of a task: what Cube last learned from the log. */
public enum TaskStatus {
    Pending, Scheduled, Running, Completed, Failed, Stopped, Lost;

    /** States after which nothing runs and nothing will unless a restart schedules a new attempt. */
    public static final Set<TaskStatus> TERMINAL = EnumSet.of(Completed, Failed, Stopped);

    /** States in which an attempt may hold a container on a worker. */
    public static final Set<TaskStatus> ON_A_WORKER = EnumSet.of(Scheduled, Running);

    public boolean isTerminal() {
        return TERMINAL.contains(this);
    }
}
