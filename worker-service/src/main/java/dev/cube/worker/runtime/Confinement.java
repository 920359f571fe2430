package dev.cube.worker.runtime;

import dev.cube.events.spec.TaskSpec;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * How a worker confines the containers it runs: set by the operator on the worker, never by a task.
 * Every container runs with {@code no-new-privileges}, all capabilities dropped but {@link #capabilities},
 * at most {@link #pidsLimit} processes, a memory limit ({@link #defaultMemoryMb} when the task's spec
 * gives none), the engine's log capped at {@link #logMaxFiles} files of {@link #logMaxSize}, and its
 * published ports bound to {@link #publishAddress}. {@link #refusal} says which specs it does not run
 * at all. Immutable; the checks are pure.
 *
 * @param noNewPrivileges      whether processes may never gain privileges (setuid binaries, file capabilities)
 * @param capabilities         the capabilities added back after dropping all (names as Docker takes them, without {@code CAP_})
 * @param pidsLimit            the most processes a container may have; 0 or less: no limit
 * @param defaultMemoryMb      the memory limit of a task whose spec gives none (or 0), in MB
 * @param logMaxSize           the size of one file of the engine's json-file log ({@code 10m})
 * @param logMaxFiles          how many such files are kept
 * @param publishAddress       the host address published ports are bound to ({@code 127.0.0.1}; {@code 0.0.0.0} for every interface)
 * @param allowPrivilegedPorts whether a task may publish a host port below 1024
 * @param allowedImages        the images a task may run: an exact reference, or a prefix ending in {@code /} or {@code *}
 *                             ({@code registry.example.com/}, {@code cube/*}); empty: any
 */
public record Confinement(boolean noNewPrivileges, List<String> capabilities, long pidsLimit, long defaultMemoryMb,
                          String logMaxSize, int logMaxFiles, String publishAddress, boolean allowPrivilegedPorts,
                          List<String> allowedImages) {

    /** The capabilities a container keeps by default: enough for an image that starts as root to own its files and drop to another user; no raw sockets, no mknod, no chroot. */
    public static final List<String> DEFAULT_CAPABILITIES = List.of("CHOWN", "DAC_OVERRIDE", "FOWNER", "KILL", "SETGID", "SETUID", "NET_BIND_SERVICE");
    public static final long DEFAULT_PIDS_LIMIT = 1024;
    public static final long DEFAULT_MEMORY_MB = 512;
    public static final String DEFAULT_LOG_MAX_SIZE = "10m";
    public static final int DEFAULT_LOG_MAX_FILES = 3;
    public static final String DEFAULT_PUBLISH_ADDRESS = "127.0.0.1";
    public static final int FIRST_UNPRIVILEGED_PORT = 1024;

    /** Cube's defaults. */
    public static final Confinement DEFAULT = new Confinement(true, DEFAULT_CAPABILITIES, DEFAULT_PIDS_LIMIT, DEFAULT_MEMORY_MB,
            DEFAULT_LOG_MAX_SIZE, DEFAULT_LOG_MAX_FILES, DEFAULT_PUBLISH_ADDRESS, false, List.of());

    public Confinement {
        capabilities = capabilities == null ? List.of() : capabilities.stream().map(String::strip).filter(c -> !c.isEmpty())
                .map(c -> c.toUpperCase(Locale.ROOT)).map(c -> c.startsWith("CAP_") ? c.substring(4) : c).distinct().toList();
        if (defaultMemoryMb < dev.cube.events.spec.TaskSpecValidator.MIN_MEMORY_MB) {
            throw new IllegalArgumentException("the default memory limit must be at least " + dev.cube.events.spec.TaskSpecValidator.MIN_MEMORY_MB + " MB");
        }
        logMaxSize = logMaxSize == null || logMaxSize.isBlank() ? DEFAULT_LOG_MAX_SIZE : logMaxSize.strip();
        if (!logMaxSize.matches("[0-9]+[kmg]?")) {
            throw new IllegalArgumentException("the log's max size is a number with k, m or g, like 10m; not '" + logMaxSize + "'");
        }
        logMaxFiles = logMaxFiles < 1 ? DEFAULT_LOG_MAX_FILES : logMaxFiles;
        publishAddress = publishAddress == null || publishAddress.isBlank() ? DEFAULT_PUBLISH_ADDRESS : publishAddress.strip();
        allowedImages = allowedImages == null ? List.of() : allowedImages.stream().map(String::strip).filter(i -> !i.isEmpty()).toList();
    }

    /** The memory limit of a container of {@code spec}, in MB: the spec's, or the default. */
    public long memoryMb(TaskSpec spec) {
        return spec.memoryOrZero() > 0 ? spec.memoryOrZero() : defaultMemoryMb;
    }

    /** The capabilities Docker would grant that this worker's containers do not keep (for docs and tests: Docker's default set). */
    public Set<String> dropped() {
        Set<String> docker = new java.util.TreeSet<>(List.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
                "NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"));
        docker.removeAll(capabilities);
        return docker;
    }

    /** Why this worker does not run {@code spec}, or empty when it does. */
    public Optional<String> refusal(TaskSpec spec) {
        if (!allowedImages.isEmpty() && allowedImages.stream().noneMatch(allowed -> imageMatches(allowed, spec.image()))) {
            return Optional.of("the image " + spec.image() + " is not allowed on this worker (cube.worker.allowed-images: "
                    + String.join(", ", allowedImages) + ")");
        }
        if (!allowPrivilegedPorts) {
            for (TaskSpec.PortMapping port : spec.ports()) {
                if (port.hostPort() != null && port.hostPort() > 0 && port.hostPort() < FIRST_UNPRIVILEGED_PORT) {
                    return Optional.of("host port " + port.hostPort() + " is below " + FIRST_UNPRIVILEGED_PORT
                            + ": this worker publishes no privileged port (cube.worker.allow-privileged-ports); publish " + port.containerPort()
                            + " on a host port from 1024 up, or on one the engine picks");
                }
            }
        }
        return Optional.empty();
    }

    static boolean imageMatches(String allowed, String image) {
        if (allowed.endsWith("*")) {
            return image.startsWith(allowed.substring(0, allowed.length() - 1));
        }
        if (allowed.endsWith("/")) {
            return image.startsWith(allowed);
        }
        return image.equals(allowed) || (!allowed.contains(":") && !allowed.contains("@") && image.startsWith(allowed + ":"))
                || (!allowed.contains("@") && image.startsWith(allowed + "@"));
    }
}
