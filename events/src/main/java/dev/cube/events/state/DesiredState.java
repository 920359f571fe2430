package dev.cube.events.state;

/** What the user wants of a task, apart from what is observed ({@link TaskStatus}). */
public enum DesiredState {
    Running, Stopped
}
