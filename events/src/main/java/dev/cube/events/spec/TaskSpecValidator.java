package dev.cube.events.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The rules a {@link TaskSpec} must satisfy, wherever it comes from (HTTP or an outside producer). */
public final class TaskSpecValidator {

    public static final int MAX_NAME_LENGTH = 128;
    public static final int MAX_IMAGE_LENGTH = 255;
    public static final int MAX_COMMAND_ARGS = 256;
    public static final int MAX_ENTRIES = 256;
    public static final long MIN_MEMORY_MB = 6;
    /** The most memory a task may ask for: 16 TiB, in MB. More is not a machine but an overflow waiting to happen. */
    public static final long MAX_MEMORY_MB = 16L * 1024 * 1024;
    /** The most disk a task may ask for: 1 PiB, in MB. */
    public static final long MAX_DISK_MB = 1024L * 1024 * 1024;
    public static final String RESERVED_LABEL_PREFIX = "dev.cube.";

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final Pattern IMAGE = Pattern.compile(
            "(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?" + COMPONENT + "(?:/" + COMPONENT + ")*"
                    + "(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?");

    private TaskSpecValidator() {
    }

    /** Every violation of {@code spec}, with field paths prefixed by {@code prefix} (empty for a bare spec). */
    public static List<Violation> validate(TaskSpec spec, String prefix) {
        List<Violation> out = new ArrayList<>();
        if (spec == null) {
            out.add(new Violation(prefix.isEmpty() ? "spec" : strip(prefix), "is required"));
            return out;
        }
        if (spec.name() != null) {
            if (spec.name().length() > MAX_NAME_LENGTH) {
                out.add(new Violation(prefix + "name", "must be at most " + MAX_NAME_LENGTH + " characters"));
            } else if (!NAME.matcher(spec.name()).matches()) {
                out.add(new Violation(prefix + "name", "must start with a letter or digit and contain only letters, digits, '_', '.' and '-'"));
            }
        }
        if (spec.image() == null || spec.image().isBlank()) {
            out.add(new Violation(prefix + "image", "is required"));
        } else if (spec.image().length() > MAX_IMAGE_LENGTH) {
            out.add(new Violation(prefix + "image", "must be at most " + MAX_IMAGE_LENGTH + " characters"));
        } else if (!IMAGE.matcher(spec.image()).matches()) {
            out.add(new Violation(prefix + "image", "is not a valid image reference: '" + spec.image() + "'"));
        }
        if (spec.command().size() > MAX_COMMAND_ARGS) {
            out.add(new Violation(prefix + "command", "must have at most " + MAX_COMMAND_ARGS + " arguments"));
        }
        for (int i = 0; i < spec.command().size(); i++) {
            if (spec.command().get(i) == null) {
                out.add(new Violation(prefix + "command[" + i + "]", "must not be null"));
            }
        }
        if (spec.cpu() != null && (spec.cpu() < 0 || spec.cpu().isNaN() || spec.cpu() > 1024)) {
            out.add(new Violation(prefix + "cpu", "must be between 0 and 1024 cores"));
        }
        if (spec.memory() != null && (spec.memory() < 0 || (spec.memory() > 0 && spec.memory() < MIN_MEMORY_MB))) {
            out.add(new Violation(prefix + "memory", "must be 0 (no limit) or at least " + MIN_MEMORY_MB + " MB"));
        } else if (spec.memory() != null && spec.memory() > MAX_MEMORY_MB) {
            out.add(new Violation(prefix + "memory", "must be at most " + MAX_MEMORY_MB + " MB (16 TiB)"));
        }
        if (spec.disk() != null && spec.disk() < 0) {
            out.add(new Violation(prefix + "disk", "must not be negative"));
        } else if (spec.disk() != null && spec.disk() > MAX_DISK_MB) {
            out.add(new Violation(prefix + "disk", "must be at most " + MAX_DISK_MB + " MB (1 PiB)"));
        }
        checkEntries(spec.env(), prefix + "env", false, out);
        checkEntries(spec.labels(), prefix + "labels", true, out);
        for (int i = 0; i < spec.ports().size(); i++) {
            TaskSpec.PortMapping port = spec.ports().get(i);
            String field = prefix + "ports[" + i + "]";
            if (port == null) {
                out.add(new Violation(field, "must not be null"));
                continue;
            }
            if (port.containerPort() == null) {
                out.add(new Violation(field + ".containerPort", "is required"));
            } else if (!isPort(port.containerPort())) {
                out.add(new Violation(field + ".containerPort", "must be between 1 and 65535"));
            }
            if (port.hostPort() != null && !isPort(port.hostPort())) {
                out.add(new Violation(field + ".hostPort", "must be between 1 and 65535"));
            }
            if (!port.protocol().equals("tcp") && !port.protocol().equals("udp")) {
                out.add(new Violation(field + ".protocol", "must be tcp or udp"));
            }
        }
        TaskSpec.RestartPolicy restart = spec.restartPolicy();
        if (restart.maxRestarts() < 0 || restart.maxRestarts() > 100) {
            out.add(new Violation(prefix + "restartPolicy.maxRestarts", "must be between 0 and 100"));
        }
        if (restart.backoffSeconds() != null && (restart.backoffSeconds() < 0 || restart.backoffSeconds() > 3600)) {
            out.add(new Violation(prefix + "restartPolicy.backoffSeconds", "must be between 0 and 3600"));
        }
        TaskSpec.HealthCheck health = spec.healthCheck();
        if (health != null) {
            if (health.path() == null || !health.path().startsWith("/")) {
                out.add(new Violation(prefix + "healthCheck.path", "is required and must start with '/'"));
            }
            if (health.port() != null && !isPort(health.port())) {
                out.add(new Violation(prefix + "healthCheck.port", "must be between 1 and 65535"));
            } else if (spec.ports().isEmpty()) {
                out.add(new Violation(prefix + "healthCheck", "needs a port to probe: the task publishes none (add one to ports)"));
            } else if (health.port() != null && spec.ports().stream().noneMatch(p -> p != null && health.port().equals(p.containerPort()))) {
                out.add(new Violation(prefix + "healthCheck.port", "must be one of the task's container ports"));
            }
            if (health.intervalSeconds() != null && (health.intervalSeconds() < 1 || health.intervalSeconds() > 3600)) {
                out.add(new Violation(prefix + "healthCheck.intervalSeconds", "must be between 1 and 3600"));
            }
        }
        return out;
    }

    private static void checkEntries(Map<String, String> entries, String field, boolean reservePrefix, List<Violation> out) {
        if (entries.size() > MAX_ENTRIES) {
            out.add(new Violation(field, "must have at most " + MAX_ENTRIES + " entries"));
        }
        for (var entry : entries.entrySet()) {
            if (entry.getKey().isBlank()) {
                out.add(new Violation(field, "keys must not be blank"));
            } else if (entry.getValue() == null) {
                out.add(new Violation(field + "." + entry.getKey(), "must not be null"));
            } else if (reservePrefix && entry.getKey().startsWith(RESERVED_LABEL_PREFIX)) {
                out.add(new Violation(field + "." + entry.getKey(), "the prefix '" + RESERVED_LABEL_PREFIX + "' is reserved for Cube"));
            }
        }
    }

    private static boolean isPort(int port) {
        return port >= 1 && port <= 65535;
    }

    private static String strip(String prefix) {
        return prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }
}
