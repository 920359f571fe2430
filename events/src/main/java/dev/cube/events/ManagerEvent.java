package dev.cube.events;

/** What a manager says on {@code cube.workers} about itself, keyed by {@code manager/<application id>}. */
public sealed interface ManagerEvent extends EventData {

    /**
     * The manager is alive and the log moves: written every second or so, so that the broker's clock
     * on {@code cube.workers} advances even when no worker writes there. Liveness is judged in that
     * clock ("log time"): a worker is lost only when the log shows time passing without its heartbeat.
     *
     * @param instance which manager wrote it (its application id)
     */
    record Tick(String instance) implements ManagerEvent {
    }
}
