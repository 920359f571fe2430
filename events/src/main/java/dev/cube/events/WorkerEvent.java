package dev.cube.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * Everything that can happen to a worker. What a worker says of itself ({@link Heartbeat}, {@link Left})
 * and the scheduler's {@link Lost} are keyed by worker id on {@code cube.workers}; what an operator asks
 * ({@link Draining}, {@link Undrained}) is keyed by worker id on {@code cube.worker-admin}, so that a
 * later heartbeat never compacts a drain away.
 */
public sealed interface WorkerEvent extends EventData {

    String workerId();

    /**
     * A worker is alive: sent when it starts and then every few seconds, with its live stats and, when
     * its container engine does not answer, {@code engine} saying so (absent: the engine answers). Every
     * heartbeat states the whole of it: a worker whose engine does not answer takes no new work until a
     * heartbeat without {@code engine} (or with {@code answers} true) comes.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Heartbeat(String workerId, String address, Capacity capacity, Instant startedAt, Stats stats, Engine engine) implements WorkerEvent {
        public Heartbeat(String workerId, String address, Capacity capacity, Instant startedAt) {
            this(workerId, address, capacity, startedAt, null, null);
        }

        public Heartbeat(String workerId, String address, Capacity capacity, Instant startedAt, Stats stats) {
            this(workerId, address, capacity, startedAt, stats, null);
        }

        /** Whether the worker's engine answers: what a heartbeat without {@code engine} means. */
        public boolean engineAnswers() {
            return engine == null || !Boolean.FALSE.equals(engine.answers());
        }
    }

    /** An operator asked that the worker take no new work and hand its tasks over, until {@link Undrained}. Written by the manager's API. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Draining(String workerId, String reason) implements WorkerEvent {
    }

    /** An operator asked that a draining worker take work again. Written by the manager's API. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Undrained(String workerId, String reason) implements WorkerEvent {
    }

    /**
     * The log showed more than the worker's TTL plus grace pass without a heartbeat from it; its
     * attempts were declared lost. Written by the scheduler; {@code lastSeen} is the log time of the
     * last heartbeat it had (a heartbeat after that one means the worker is back).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Lost(String workerId, Instant lastSeen, String reason) implements WorkerEvent {
    }

    /** A worker shut down cleanly and takes no more work. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Left(String workerId, String reason) implements WorkerEvent {
    }

    /** What a worker offers: cpu in cores, memory and disk in MB. */
    record Capacity(double cpu, long memory, long disk) {
    }

    /**
     * Whether the worker's container engine answered at its last look: {@code since} is when (the worker's
     * clock) it first found it not answering, {@code reason} what it saw; both only when it does not answer.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Engine(Boolean answers, Instant since, String reason) {
        public static Engine unreachable(Instant since, String reason) {
            return new Engine(false, since, reason);
        }
    }

    /**
     * What a worker measured at the heartbeat: cpu usage of the machine from 0 to 1, memory and
     * disk in use in MB, the one-minute load average, and how many containers of Cube it runs.
     */
    record Stats(double cpuUsage, long memoryUsed, long diskUsed, double loadAverage, int containers) {
    }
}
