package dev.cube.worker.runtime;

import java.util.Locale;

/** The engine's state of a container. {@link #EXITED} and {@link #DEAD} are final: nothing runs any more. */
public enum ContainerStatus {
    CREATED, RUNNING, PAUSED, RESTARTING, REMOVING, EXITED, DEAD, UNKNOWN;

    public boolean hasFinished() {
        return this == EXITED || this == DEAD;
    }

    public static ContainerStatus of(String engineState) {
        if (engineState == null) {
            return UNKNOWN;
        }
        try {
            return valueOf(engineState.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }
}
