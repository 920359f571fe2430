package dev.cube.worker.supervisor;

import dev.cube.events.desired.DesiredAttempt;
import dev.cube.worker.runtime.ContainerInfo;
import dev.cube.worker.runtime.ContainerStatus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a worker must do so that its containers match its desired set: a pure function of the desired
 * attempts, the containers the engine shows, and what this worker already did. Level-triggered, as the
 * kubelet's sync is: planning again with nothing changed plans nothing new, so reading the log again,
 * restarting the worker or the manager, or a redelivered record cannot run a finished attempt again.
 *
 * <ul>
 * <li>an attempt desired to run with no container: start it, unless it already started (the log holds
 *     its {@code running}, or this worker reported it): then its container vanished, report it failed;</li>
 * <li>a created container desired to run: start it; a running one the log does not know runs: report it;</li>
 * <li>an exited container desired to run: report how it ended, once, and keep it (its exit code and
 *     output stay readable) until its attempt leaves the desired set;</li>
 * <li>an attempt desired to stop: stop its container if it runs, then report it stopped, once;</li>
 * <li>a container whose attempt is not in the desired set (ended, moved, lost, never known): remove it.</li>
 * </ul>
 */
public final class Reconciler {

    private Reconciler() {
    }

    /** What was done for an attempt, so that it is not done again. */
    public enum Done {
        REPORTED_RUNNING, REPORTED_EXIT, REPORTED_STOPPED, REPORTED_VANISHED, FAILED_TO_START
    }

    /** What this worker remembers: what it did per attempt key, and which attempts have an action under way. */
    public interface Memory {
        boolean did(String key, Done done);

        boolean busy(String key);
    }

    public sealed interface Action {
        String key();
    }

    /** Create and start the attempt's container (or start it if it was only created), then report it running. */
    public record Start(DesiredAttempt desired) implements Action {
        public String key() {
            return desired.key();
        }
    }

    /** The container runs but the log does not say so yet: report it running. */
    public record ReportRunning(DesiredAttempt desired, ContainerInfo container) implements Action {
        public String key() {
            return desired.key();
        }
    }

    /** The container exited: report how. */
    public record ReportExit(DesiredAttempt desired, ContainerInfo container) implements Action {
        public String key() {
            return desired.key();
        }
    }

    /** The engine's own health check says the container is unhealthy: stop it and report it failed. */
    public record FailUnhealthy(DesiredAttempt desired, ContainerInfo container, String reason) implements Action {
        public String key() {
            return desired.key();
        }
    }

    /** Stop the container (keeping it), then report the attempt stopped. */
    public record Stop(DesiredAttempt desired, ContainerInfo container) implements Action {
        public String key() {
            return desired.key();
        }
    }

    /** Nothing of the attempt runs: report it stopped. */
    public record ReportStopped(DesiredAttempt desired) implements Action {
        public String key() {
            return desired.key();
        }
    }

    /** The attempt started but its container is gone: report it failed rather than run it a second time. */
    public record ReportVanished(DesiredAttempt desired) implements Action {
        public String key() {
            return desired.key();
        }
    }

    /** Stop (if it runs) and remove a container that nothing wants any more. */
    public record Remove(ContainerInfo container, String key) implements Action {
    }

    public static List<Action> plan(Map<String, DesiredAttempt> desired, List<ContainerInfo> containers, Memory memory) {
        List<Action> actions = new ArrayList<>();
        Map<String, ContainerInfo> byKey = new HashMap<>();
        for (ContainerInfo container : containers) {
            if (container.taskId() == null || container.attempt() < 1) {
                actions.add(new Remove(container, "unlabelled/" + container.id()));
                continue;
            }
            byKey.put(DesiredAttempt.key(container.taskId(), container.attempt()), container);
        }
        byKey.forEach((key, container) -> {
            if (memory.busy(key)) {
                return;
            }
            DesiredAttempt wanted = desired.get(key);
            if (wanted == null) {
                actions.add(new Remove(container, key));
            } else if (wanted.goal() == DesiredAttempt.Goal.STOP) {
                if (!container.status().hasFinished()) {
                    actions.add(new Stop(wanted, container));
                } else if (!memory.did(key, Done.REPORTED_STOPPED)) {
                    actions.add(new ReportStopped(wanted));
                }
            } else {
                runningOne(wanted, container, memory, actions);
            }
        });
        desired.forEach((key, wanted) -> {
            if (byKey.containsKey(key) || memory.busy(key)) {
                return;
            }
            if (wanted.goal() == DesiredAttempt.Goal.STOP) {
                if (!memory.did(key, Done.REPORTED_STOPPED)) {
                    actions.add(new ReportStopped(wanted));
                }
            } else if (memory.did(key, Done.FAILED_TO_START) || memory.did(key, Done.REPORTED_VANISHED)) {
                // Said already; the attempt leaves the desired set once the fold has it.
            } else if (wanted.started() || memory.did(key, Done.REPORTED_RUNNING) || memory.did(key, Done.REPORTED_EXIT)) {
                actions.add(new ReportVanished(wanted));
            } else {
                actions.add(new Start(wanted));
            }
        });
        return actions;
    }

    private static void runningOne(DesiredAttempt wanted, ContainerInfo container, Memory memory, List<Action> actions) {
        String key = wanted.key();
        ContainerStatus status = container.status();
        if (status.hasFinished()) {
            if (!memory.did(key, Done.REPORTED_EXIT)) {
                actions.add(new ReportExit(wanted, container));
            }
        } else if (status == ContainerStatus.CREATED) {
            actions.add(new Start(wanted));
        } else if (status == ContainerStatus.RUNNING) {
            if (container.unhealthy() && !memory.did(key, Done.REPORTED_EXIT)) {
                actions.add(new FailUnhealthy(wanted, container, "Docker health check reported unhealthy"));
            } else if (!wanted.started() && !memory.did(key, Done.REPORTED_RUNNING)) {
                actions.add(new ReportRunning(wanted, container));
            }
        }
    }
}
