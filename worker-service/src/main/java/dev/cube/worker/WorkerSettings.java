package dev.cube.worker;

import dev.cube.events.WorkerEvent.Capacity;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link Worker} runs.
 *
 * @param workerId          this worker's id: the key of its orders and heartbeats
 * @param bootstrapServers  the Kafka cluster
 * @param address           where the worker's published ports are reachable, told to the manager in heartbeats
 * @param capacity          what the worker offers: cores, MB of memory, MB of disk
 * @param heartbeatInterval how often a heartbeat is sent
 * @param exitCheckInterval how often the worker looks for containers that have exited
 * @param stopGrace         how long a stopped container gets between SIGTERM and SIGKILL
 * @param healthCheckTimeout how long a health check's GET may take before it counts as failed
 *                          (never longer than the check's interval)
 * @param probeHost         the host a health check's GET goes to, at a task's published host port:
 *                          {@code 127.0.0.1} when the worker runs on the engine's host; the host's
 *                          address as seen from the worker's container when it runs in one
 *                          ({@code host.docker.internal} in docker-compose.yml)
 * @param parallelism       how many attempts may have an engine call (create, start, stop) under way at once
 * @param kafkaProperties   the operator's Kafka client properties (SASL, TLS, ...), added to the worker's clients
 *                          (see {@code dev.cube.kafka.KafkaClientConfig})
 * @param originKey         this worker's origin key (base64, from {@code cube worker-key}), with which it signs what
 *                          it writes so that the manager knows it comes from this worker; {@code null}: it signs nothing
 * @param stopAfterDisconnect how long the worker goes on running its containers when Kafka acknowledges nothing it
 *                          sends (it is cut off, or the cluster is down) before it stops them all (each removed once its output is shipped), as
 *                          Nomad's {@code stop_after_client_disconnect}; {@link Duration#ZERO} (the default): never
 */
public record WorkerSettings(String workerId, String bootstrapServers, String address, Capacity capacity,
                             Duration heartbeatInterval, Duration exitCheckInterval, Duration stopGrace,
                             Duration healthCheckTimeout, String probeHost, int parallelism,
                             Map<String, String> kafkaProperties, String originKey, Duration stopAfterDisconnect) {

    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(3);
    public static final Duration DEFAULT_EXIT_CHECK_INTERVAL = Duration.ofMillis(500);
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_HEALTH_CHECK_TIMEOUT = Duration.ofSeconds(2);
    public static final String DEFAULT_PROBE_HOST = "127.0.0.1";
    public static final int DEFAULT_PARALLELISM = 4;

    public WorkerSettings {
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        if (workerId.isBlank()) {
            throw new IllegalArgumentException("the worker id must not be blank");
        }
        capacity = capacity == null ? machineCapacity() : capacity;
        heartbeatInterval = heartbeatInterval == null ? DEFAULT_HEARTBEAT_INTERVAL : heartbeatInterval;
        exitCheckInterval = exitCheckInterval == null ? DEFAULT_EXIT_CHECK_INTERVAL : exitCheckInterval;
        stopGrace = stopGrace == null ? DEFAULT_STOP_GRACE : stopGrace;
        healthCheckTimeout = healthCheckTimeout == null ? DEFAULT_HEALTH_CHECK_TIMEOUT : healthCheckTimeout;
        probeHost = probeHost == null || probeHost.isBlank() ? DEFAULT_PROBE_HOST : probeHost.strip();
        if (probeHost.contains("/") || probeHost.contains("@") || probeHost.contains(" ")) {
            throw new IllegalArgumentException("the probe host must be a host name or an address, not '" + probeHost + "'");
        }
        if (!dev.cube.events.wire.EventRules.isWorkerId(workerId)) {
            throw new IllegalArgumentException("the worker id '" + workerId + "' must be 1 to 253 letters, digits, '.', '_' or '-', starting with a letter or a digit");
        }
        parallelism = parallelism < 1 ? DEFAULT_PARALLELISM : parallelism;
        kafkaProperties = Map.copyOf(kafkaProperties == null ? Map.of() : kafkaProperties);
        originKey = originKey == null || originKey.isBlank() ? null : originKey.strip();
        stopAfterDisconnect = stopAfterDisconnect == null || stopAfterDisconnect.isNegative() ? Duration.ZERO : stopAfterDisconnect;
    }

    /** The same settings, never stopping containers for being cut off from Kafka. */
    public WorkerSettings(String workerId, String bootstrapServers, String address, Capacity capacity,
                          Duration heartbeatInterval, Duration exitCheckInterval, Duration stopGrace,
                          Duration healthCheckTimeout, String probeHost, int parallelism,
                          Map<String, String> kafkaProperties, String originKey) {
        this(workerId, bootstrapServers, address, capacity, heartbeatInterval, exitCheckInterval, stopGrace, healthCheckTimeout,
                probeHost, parallelism, kafkaProperties, originKey, Duration.ZERO);
    }

    /** The same settings, stopping its containers once Kafka has acknowledged nothing for {@code after} (zero: never). */
    public WorkerSettings withStopAfterDisconnect(Duration after) {
        return new WorkerSettings(workerId, bootstrapServers, address, capacity, heartbeatInterval, exitCheckInterval, stopGrace,
                healthCheckTimeout, probeHost, parallelism, kafkaProperties, originKey, after);
    }

    /** The same settings without Kafka client properties or an origin key. */
    public WorkerSettings(String workerId, String bootstrapServers, String address, Capacity capacity,
                          Duration heartbeatInterval, Duration exitCheckInterval, Duration stopGrace,
                          Duration healthCheckTimeout, String probeHost, int parallelism) {
        this(workerId, bootstrapServers, address, capacity, heartbeatInterval, exitCheckInterval, stopGrace, healthCheckTimeout,
                probeHost, parallelism, Map.of(), null);
    }

    /** The same settings with the operator's Kafka client properties (see {@code dev.cube.kafka.KafkaClientConfig}). */
    public WorkerSettings withKafkaProperties(Map<String, String> properties) {
        return new WorkerSettings(workerId, bootstrapServers, address, capacity, heartbeatInterval, exitCheckInterval, stopGrace,
                healthCheckTimeout, probeHost, parallelism, properties, originKey, stopAfterDisconnect);
    }

    /** The same settings, signing with {@code key} (base64), this worker's origin key. */
    public WorkerSettings withOriginKey(String key) {
        return new WorkerSettings(workerId, bootstrapServers, address, capacity, heartbeatInterval, exitCheckInterval, stopGrace,
                healthCheckTimeout, probeHost, parallelism, kafkaProperties, key, stopAfterDisconnect);
    }

    /** The same settings with the defaults for what came later than these fields. */
    public WorkerSettings(String workerId, String bootstrapServers, String address, Capacity capacity,
                          Duration heartbeatInterval, Duration exitCheckInterval, Duration stopGrace,
                          Duration healthCheckTimeout, String probeHost) {
        this(workerId, bootstrapServers, address, capacity, heartbeatInterval, exitCheckInterval, stopGrace, healthCheckTimeout, probeHost, 0);
    }

    /** Settings with the machine's capacity, its host name as address, and default intervals. */
    public static WorkerSettings of(String workerId, String bootstrapServers) {
        return new WorkerSettings(workerId, bootstrapServers, hostname(), null, null, null, null, null, null);
    }

    public WorkerSettings withHeartbeatInterval(Duration interval) {
        return new WorkerSettings(workerId, bootstrapServers, address, capacity, interval, exitCheckInterval, stopGrace,
                healthCheckTimeout, probeHost, parallelism, kafkaProperties, originKey, stopAfterDisconnect);
    }

    public WorkerSettings withStopGrace(Duration grace) {
        return new WorkerSettings(workerId, bootstrapServers, address, capacity, heartbeatInterval, exitCheckInterval, grace,
                healthCheckTimeout, probeHost, parallelism, kafkaProperties, originKey, stopAfterDisconnect);
    }

    public WorkerSettings withProbeHost(String host) {
        return new WorkerSettings(workerId, bootstrapServers, address, capacity, heartbeatInterval, exitCheckInterval, stopGrace,
                healthCheckTimeout, host, parallelism, kafkaProperties, originKey, stopAfterDisconnect);
    }

    /** All cores, all physical memory and the size of the root file system, in cores and MB. */
    public static Capacity machineCapacity() {
        long memoryMb = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memoryMb = os.getTotalMemorySize() / (1024 * 1024);
        }
        long diskMb = new File("/").getTotalSpace() / (1024 * 1024);
        return new Capacity(Runtime.getRuntime().availableProcessors(), memoryMb, diskMb);
    }

    /** This machine's host name. */
    public static String hostname() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
