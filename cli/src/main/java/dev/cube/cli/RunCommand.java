package dev.cube.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.spec.TaskSpec.RestartPolicy;
import dev.cube.events.wire.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code cube run}: submits a task, from a spec file or from options, and prints its id. */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        description = {"Submit a task to the manager and print its id.",
                "Either give a spec file (-f task.json, or -f - for stdin) or describe the task with options:",
                "  cube run --image cube/busybox:local -p 18080:8080 --wait -- httpd -f -p 8080 -h /www"},
        usageHelpAutoWidth = true)
public final class RunCommand implements Callable<Integer> {

    /** States in which {@code --wait} stops waiting. */
    static final Set<String> SETTLED = Set.of("Running", "Completed", "Failed", "Stopped", "Lost");
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);

    @Mixin
    ManagerOptions manager;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "A task spec in JSON; '-' reads stdin.")
    String file;

    @Option(names = "--image", paramLabel = "IMAGE", description = "The container image, e.g. cube/busybox:local.")
    String image;

    @Option(names = "--name", paramLabel = "NAME", description = "A name for the task.")
    String name;

    @Option(names = "--cpu", paramLabel = "CORES", description = "CPU cores the task needs, e.g. 0.5.")
    Double cpu;

    @Option(names = "--memory", paramLabel = "MB", description = "Memory the task needs, in MB.")
    Long memory;

    @Option(names = "--disk", paramLabel = "MB", description = "Disk the task needs, in MB.")
    Long disk;

    @Option(names = {"-p", "--port"}, paramLabel = "[HOST:]CONTAINER[/PROTO]", converter = PortConverter.class,
            description = {"Publish a container port, in Docker's order: 18080:8080 publishes container port 8080 on host port 18080;",
                    "8080 alone lets the engine pick the host port. PROTO is tcp (default) or udp. Repeatable."})
    List<TaskSpec.PortMapping> ports = new ArrayList<>();

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "An environment variable. Repeatable.")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "A label. Repeatable.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--restart", paramLabel = "POLICY", converter = RestartModeConverter.class, completionCandidates = RestartModes.class,
            description = "never, on-failure or always (default: never).")
    RestartPolicy.Mode restart;

    @Option(names = "--max-restarts", paramLabel = "N", description = "Restarts allowed by on-failure/always.")
    Integer maxRestarts;

    @Option(names = "--health-path", paramLabel = "PATH",
            description = "An HTTP path that answers 200 while the task is healthy, e.g. /health.")
    String healthPath;

    @Option(names = "--health-port", paramLabel = "PORT",
            description = "The container port of the health check (default: the first --port).")
    Integer healthPort;

    @Option(names = "--wait", description = {"Wait until the task is Running or finished, and print its id and state.",
                    "Each change of state is shown on stderr as it happens; stdout has only the last line.",
                    "Exits 1 if it ends Failed, Stopped or Lost, or is still on its way after --timeout."})
    boolean await;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "6m", converter = DurationConverter.class,
            description = {"How long --wait waits, e.g. 90s or 10m (default: ${DEFAULT-VALUE}: long enough for a worker",
                    "to pull an image, which it gives up after cube.docker.pull-timeout, 5m by default)."})
    Duration timeout;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command and its arguments, after '--'.")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() {
        String specJson = specJson();
        ManagerClient client = manager.client();
        String id = client.submit(specJson);
        PrintWriter out = spec.commandLine().getOut();
        if (!await) {
            out.println(id);
            out.flush();
            return 0;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("submitted " + id + ", waiting up to " + DurationConverter.format(timeout) + " for it to run");
        err.flush();
        String state = awaitSettled(client, id, timeout, err);
        out.println(id + " " + state);
        out.flush();
        return state.equals("Running") || state.equals("Completed") ? 0 : Cube.EXIT_FAILED;
    }

    /** The body to POST: the spec file as given, or the spec the options describe. */
    String specJson() {
        if (file != null) {
            if (hasInlineSpec()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "give either -f FILE or --image and the other task options, not both");
            }
            return readSpecFile();
        }
        if (image == null || image.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing --image (or -f FILE)");
        }
        try {
            return Json.MAPPER.writeValueAsString(toSpec());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a task spec must always serialise", e);
        }
    }

    TaskSpec toSpec() {
        List<TaskSpec.PortMapping> mappings = List.copyOf(ports);
        RestartPolicy restartPolicy = restart == null && maxRestarts == null ? null : new RestartPolicy(restart, maxRestarts, null);
        TaskSpec.HealthCheck healthCheck = null;
        if (healthPath != null) {
            Integer port = healthPort != null ? healthPort : mappings.isEmpty() ? null : mappings.getFirst().containerPort();
            healthCheck = new TaskSpec.HealthCheck(healthPath, port, null);
        }
        return new TaskSpec(name, image, command, env, cpu, memory, disk, mappings, restartPolicy, healthCheck, labels);
    }

    private boolean hasInlineSpec() {
        return image != null || name != null || cpu != null || memory != null || disk != null || !ports.isEmpty()
                || !env.isEmpty() || !labels.isEmpty() || restart != null || maxRestarts != null || healthPath != null
                || healthPort != null || !command.isEmpty();
    }

    private String readSpecFile() {
        String text;
        try {
            text = file.equals("-")
                    ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CubeCliException("cannot read the task spec " + (file.equals("-") ? "from stdin" : file) + ": " + e.getMessage(), e);
        }
        try {
            JsonNode root = Json.MAPPER.readTree(text);
            if (root == null || !root.isObject()) {
                throw new CubeCliException(describeFile() + " is not a JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new CubeCliException(describeFile() + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        return text;
    }

    private String describeFile() {
        return file.equals("-") ? "the task spec on stdin" : "the task spec " + file;
    }

    /**
     * Polls the task until it settles, telling {@code progress} each change as it is seen; a task
     * the manager does not list yet is polled again.
     */
    static String awaitSettled(ManagerClient client, String id, Duration timeout, PrintWriter progress) {
        Instant deadline = Instant.now().plus(timeout);
        String state = "unknown";
        String told = null;
        while (true) {
            Optional<JsonNode> task = client.task(id);
            if (task.isPresent()) {
                state = task.get().path("state").asText("unknown");
                String now = describe(task.get());
                if (!now.equals(told)) {
                    progress.println(now);
                    progress.flush();
                    told = now;
                }
                if (SETTLED.contains(state)) {
                    return state;
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new CubeCliException("task " + id + " is still " + state + " after " + DurationConverter.format(timeout)
                        + (state.equals("Scheduled") ? " (its worker may still be pulling the image: give --timeout more)" : ""));
            }
            ManagerClient.sleep(POLL_INTERVAL);
        }
    }

    /** A task's state in one line: {@code Scheduled: attempt 1 on w1}, {@code Failed: exit 3, exited with code 3}. */
    static String describe(JsonNode task) {
        String state = task.path("state").asText("unknown");
        List<String> parts = new ArrayList<>();
        if (task.path("attempt").asInt() > 0 && !state.equals("Pending")) {
            parts.add("attempt " + task.get("attempt").asInt() + (task.hasNonNull("workerId") ? " on " + task.get("workerId").asText() : ""));
        }
        if (state.equals("Running")) {
            if (task.hasNonNull("containerId")) {
                parts.add("container " + TaskTable.shortContainerId(task.get("containerId").asText()));
            }
            List<String> published = Ports.published(task);
            if (!published.isEmpty()) {
                parts.add("published " + String.join(", ", published));
            }
        }
        if (task.hasNonNull("exitCode")) {
            parts.add("exit " + task.get("exitCode").asText());
        }
        if (task.hasNonNull("reason")) {
            parts.add(task.get("reason").asText());
        }
        return parts.isEmpty() ? state : state + ": " + String.join(", ", parts);
    }

    /** Reads {@code -p} as Docker does: {@code HOST:CONTAINER}, or {@code CONTAINER} alone, each with an optional {@code /tcp} or {@code /udp}. */
    static final class PortConverter implements CommandLine.ITypeConverter<TaskSpec.PortMapping> {
        private static final String EXPECTED = "expected [HOST:]CONTAINER[/tcp|/udp], e.g. 8080 or 18080:8080 (host 18080 to container 8080)";

        @Override
        public TaskSpec.PortMapping convert(String value) {
            String ports = value.trim();
            String protocol = null;
            int slash = ports.indexOf('/');
            if (slash >= 0) {
                protocol = ports.substring(slash + 1).toLowerCase(Locale.ROOT);
                ports = ports.substring(0, slash);
                if (!protocol.equals("tcp") && !protocol.equals("udp")) {
                    throw new CommandLine.TypeConversionException("'" + value + "': the protocol must be tcp or udp; " + EXPECTED);
                }
            }
            String[] parts = ports.split(":", -1);
            if (parts.length > 2) {
                throw new CommandLine.TypeConversionException("'" + value
                        + "': Cube publishes on every interface of the worker, so no IP can be given; " + EXPECTED);
            }
            Integer host = parts.length == 2 ? port(value, parts[0], "host") : null;
            int container = port(value, parts[parts.length - 1], "container");
            return new TaskSpec.PortMapping(container, host, protocol);
        }

        private static int port(String value, String text, String which) {
            int port;
            try {
                port = Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "': the " + which + " port '" + text + "' is not a number; " + EXPECTED);
            }
            if (port < 1 || port > 65535) {
                throw new CommandLine.TypeConversionException("'" + value + "': the " + which + " port must be between 1 and 65535; " + EXPECTED);
            }
            return port;
        }
    }

    /** The restart modes as {@link RestartModeConverter} reads them, for shell completion. */
    static final class RestartModes implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of("never", "on-failure", "always").iterator();
        }
    }

    /** Reads the restart modes as users and the JSON contract spell them: never, on-failure, always. */
    static final class RestartModeConverter implements CommandLine.ITypeConverter<RestartPolicy.Mode> {
        @Override
        public RestartPolicy.Mode convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT).replace('_', '-')) {
                case "never" -> RestartPolicy.Mode.NEVER;
                case "on-failure" -> RestartPolicy.Mode.ON_FAILURE;
                case "always" -> RestartPolicy.Mode.ALWAYS;
                default -> throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a restart policy: use never, on-failure or always");
            };
        }
    }
}
