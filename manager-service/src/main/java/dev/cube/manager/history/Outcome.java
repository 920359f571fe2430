package dev.cube.manager.history;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** What folding one record of the log did to its task. */
public enum Outcome {
    /** {@code evolve} applied the event: the state changed (or recorded it). */
    APPLIED,
    /** The event's id was applied before: nothing changed. */
    DUPLICATE,
    /** A late report about an earlier attempt: true once, no longer about the current attempt. Not an error. */
    IGNORED,
    /** The event does not apply to the task's state; the projection dead-lettered it. */
    REJECTED,
    /** Not a usable event (undecodable, key not the subject); the projection dead-lettered it. */
    INVALID,
    /** Found on another partition than its key's: a copy on the right partition is what counts (the manager relays it). */
    MISPLACED,
    /** The task's {@code submitted} precedes the start of this read: its state is not known here. */
    UNKNOWN_START;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
