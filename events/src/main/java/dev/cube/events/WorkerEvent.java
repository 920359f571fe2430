package dev.cube.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/** What workers say about themselves. Keyed by worker id on {@code cube.workers}. */
public sealed interface WorkerEvent extends EventData {

    String workerId();

    /** A worker is alive and can take work: sent when it starts and then every few seconds. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Heartbeat(String workerId, String address, Capacity capacity, Instant startedAt) implements WorkerEvent {
    }

    /** A worker shut down cleanly and takes no more work. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Left(String workerId, String reason) implements WorkerEvent {
    }

    /** What a worker offers: cpu in cores, memory and disk in MB. */
    record Capacity(double cpu, long memory, long disk) {
    }
}
