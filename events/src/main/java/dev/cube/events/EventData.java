package dev.cube.events;


/** The {@code data} of a Cube event: one record per logical event type (see {@link EventType}). */
public sealed interface EventData permits TaskEvent, WorkerEvent, ManagerEvent {
}
