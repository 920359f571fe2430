package dev.cube.worker.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.LogContainerCmd;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerPort;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.cube.events.TaskEvent.PublishedPort;
import dev.cube.events.output.OutputRecord;
import dev.cube.events.spec.TaskSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * {@link ContainerRuntime} on a Docker engine, through docker-java. Containers are named
 * {@code cube-<taskId>-<attempt>}, run with an init process, and carry the task's labels plus
 * Cube's own ({@link #TASK_ID_LABEL}, {@link #ATTEMPT_LABEL}, {@link #WORKER_ID_LABEL}).
 * Every container is confined by the worker's {@link Confinement} (no-new-privileges, capabilities,
 * pids and memory limits, a capped log, ports bound to one address); a spec it refuses makes no
 * container ({@link TaskRefusedException}). Disk limits are not enforced: Docker needs a storage driver that supports them.
 */
public final class DockerContainerRuntime implements ContainerRuntime {

    public static final Duration DEFAULT_PULL_TIMEOUT = Duration.ofMinutes(5);
    /** How many containers' output may be followed at once by default: each follow holds a connection to the engine. */
    public static final int DEFAULT_OUTPUT_CONNECTIONS = 64;

    private static final Logger log = LoggerFactory.getLogger(DockerContainerRuntime.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String host;
    private final DockerClient client;
    private final DockerClient output;
    private final Duration pullTimeout;
    private final Confinement confinement;
    /**
     * Finished containers of the workers listed, as inspected once. A running or created container is described by
     * the listing; a finished one needs an inspection (exit code, OOM kill) but does not change any more (Cube never
     * starts an exited container again), so it is inspected once, not at every pass: during a burst most of a
     * worker's loop went to inspecting the same exited containers (JFR, docs/benchmarks.md). An entry goes when its
     * container leaves its worker's listing, or shows up not finished (started again by hand).
     */
    private final Map<String, Finished> finished = new ConcurrentHashMap<>();

    private DockerContainerRuntime(String host, DockerClient client, DockerClient output, Duration pullTimeout, Confinement confinement) {
        this.host = host;
        this.client = client;
        this.output = output;
        this.pullTimeout = pullTimeout;
        this.confinement = confinement;
    }

    /** The same, confining containers as {@link Confinement#DEFAULT}. */
    public static DockerContainerRuntime connect(String dockerHost, Duration pullTimeout) {
        return connect(dockerHost, pullTimeout, Confinement.DEFAULT);
    }

    /** The same, confining every container as {@code confinement} says. */
    public static DockerContainerRuntime connect(String dockerHost, Duration pullTimeout, Confinement confinement) {
        return connect(dockerHost, pullTimeout, DEFAULT_OUTPUT_CONNECTIONS, confinement);
    }

    /**
     * The same, with at most {@code outputConnections} containers' output followed at once: output is
     * followed on connections of its own, so that long streams never hold up the engine calls.
     */
    public static DockerContainerRuntime connect(String dockerHost, Duration pullTimeout, int outputConnections) {
        return connect(dockerHost, pullTimeout, outputConnections, Confinement.DEFAULT);
    }

    /**
     * Connects to the engine at {@code dockerHost} (null: {@code DOCKER_HOST}, else the default
     * local socket) and checks that it answers; at most {@code outputConnections} containers' output
     * is followed at once, and every container is confined as {@code confinement} says (the
     * operator's settings, see {@link Confinement}).
     *
     * @throws EngineUnavailableException when it does not
     */
    public static DockerContainerRuntime connect(String dockerHost, Duration pullTimeout, int outputConnections, Confinement confinement) {
        DefaultDockerClientConfig.Builder builder = DefaultDockerClientConfig.createDefaultConfigBuilder();
        if (dockerHost != null && !dockerHost.isBlank()) {
            builder.withDockerHost(dockerHost);
        }
        DockerClientConfig config = builder.build();
        String host = config.getDockerHost().toString();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(32)
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofMinutes(2))
                .build();
        DockerClient client = DockerClientImpl.getInstance(config, http);
        try {
            client.pingCmd().exec();
        } catch (RuntimeException e) {
            closeQuietly(client);
            throw new EngineUnavailableException(host, e);
        }
        // No response time-out: a container may stay quiet for hours; the stream ends when it stops.
        ApacheDockerHttpClient streams = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(Math.max(1, outputConnections))
                .connectionTimeout(Duration.ofSeconds(5))
                .build();
        return new DockerContainerRuntime(host, client, DockerClientImpl.getInstance(config, streams),
                pullTimeout == null ? DEFAULT_PULL_TIMEOUT : pullTimeout, confinement == null ? Confinement.DEFAULT : confinement);
    }

    /** The engine's address, e.g. {@code unix:///var/run/docker.sock}. */
    public String host() {
        return host;
    }

    /** The docker-java client, for tests and tools that need more than this port offers. */
    public DockerClient client() {
        return client;
    }

    public static String containerName(String taskId, int attempt) {
        return "cube-" + taskId + "-" + attempt;
    }

    @Override
    public Optional<ContainerInfo> find(String taskId, int attempt) {
        List<Container> found = call("list containers of task " + taskId, () -> client.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(TASK_ID_LABEL, taskId, ATTEMPT_LABEL, String.valueOf(attempt)))
                .exec());
        return found.stream().findFirst().flatMap(c -> inspect(c.getId()));
    }

    @Override
    public List<ContainerInfo> listOwnedBy(String workerId) {
        List<Container> found = call("list containers of worker " + workerId, () -> client.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(WORKER_ID_LABEL, workerId))
                .exec());
        List<ContainerInfo> out = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        for (Container c : found) {
            listed.add(c.getId());
            ContainerStatus status = ContainerStatus.of(c.getState());
            Finished known = status.hasFinished() ? finished.get(c.getId()) : finished.remove(c.getId());
            if (status == ContainerStatus.RUNNING || status == ContainerStatus.CREATED) {
                out.add(fromListing(c, status));
            } else if (status.hasFinished() && known != null) {
                out.add(known.info());
            } else {
                inspect(c.getId()).ifPresent(info -> {
                    if (info.status().hasFinished()) {
                        finished.put(info.id(), new Finished(workerId, info));
                    }
                    out.add(info);
                });
            }
        }
        finished.values().removeIf(f -> f.workerId().equals(workerId) && !listed.contains(f.info().id()));
        return out;
    }

    /** A finished container as inspected once, with the worker that owns it. */
    private record Finished(String workerId, ContainerInfo info) {
    }

    @Override
    public ContainerInfo start(String workerId, String taskId, int attempt, TaskSpec spec) {
        // Create first and ask questions only when the engine objects: a name conflict means this
        // attempt has a container already (a redelivered order), a 404 means the image must be pulled.
        Optional<String> refusal = confinement.refusal(spec);
        if (refusal.isPresent()) {
            throw new TaskRefusedException(refusal.get());
        }
        String id;
        try {
            id = create(workerId, taskId, attempt, spec);
        } catch (ContainerRuntimeException e) {
            if (e.getCause() instanceof ConflictException) {
                ContainerInfo existing = find(taskId, attempt).orElseThrow(() -> e);
                return startIfCreated(existing);
            }
            if (e.getCause() instanceof NotFoundException) {
                ensureImage(spec.image());
                id = create(workerId, taskId, attempt, spec);
            } else {
                throw e;
            }
        }
        try {
            String created = id;
            run("start container " + id, () -> client.startContainerCmd(created).exec());
        } catch (ContainerRuntimeException e) {
            removeQuietly(id);
            throw e;
        }
        if (spec.ports().isEmpty()) {
            return new ContainerInfo(id, taskId, attempt, ContainerStatus.RUNNING, null, false, List.of());
        }
        String started = id;
        return inspect(id).orElseThrow(() -> new ContainerRuntimeException("container " + started + " vanished right after it started"));
    }

    private String create(String workerId, String taskId, int attempt, TaskSpec spec) {
        return call("create container for " + taskId, () -> createCommand(workerId, taskId, attempt, spec).exec().getId());
    }

    private ContainerInfo startIfCreated(ContainerInfo info) {
        if (info.status() != ContainerStatus.CREATED) {
            return info;
        }
        run("start container " + info.id(), () -> client.startContainerCmd(info.id()).exec());
        return inspect(info.id()).orElse(info);
    }

    private CreateContainerCmd createCommand(String workerId, String taskId, int attempt, TaskSpec spec) {
        Map<String, String> labels = new HashMap<>(spec.labels());
        labels.put(TASK_ID_LABEL, taskId);
        labels.put(ATTEMPT_LABEL, String.valueOf(attempt));
        labels.put(WORKER_ID_LABEL, workerId);
        ContainerHealthCheck.of(spec).ifPresent(check -> labels.putAll(check.labels()));

        List<ExposedPort> exposed = new ArrayList<>();
        Ports bindings = new Ports();
        for (TaskSpec.PortMapping mapping : spec.ports()) {
            ExposedPort port = new ExposedPort(mapping.containerPort(), InternetProtocol.parse(mapping.protocol()));
            exposed.add(port);
            bindings.bind(port, mapping.hostPort() == null ? Ports.Binding.bindIp(confinement.publishAddress())
                    : Ports.Binding.bindIpAndPort(confinement.publishAddress(), mapping.hostPort()));
        }

        HostConfig hostConfig = HostConfig.newHostConfig().withInit(true).withPortBindings(bindings)
                .withCapDrop(Capability.ALL)
                .withCapAdd(confinement.capabilities().stream().map(Capability::valueOf).toArray(Capability[]::new))
                .withMemory(confinement.memoryMb(spec) * 1024 * 1024)
                .withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE,
                        Map.of("max-size", confinement.logMaxSize(), "max-file", String.valueOf(confinement.logMaxFiles()))));
        if (confinement.noNewPrivileges()) {
            hostConfig.withSecurityOpts(List.of("no-new-privileges"));
        }
        if (confinement.pidsLimit() > 0) {
            hostConfig.withPidsLimit(confinement.pidsLimit());
        }
        if (spec.cpuOrZero() > 0) {
            hostConfig.withNanoCPUs(Math.round(spec.cpuOrZero() * 1e9));
        }

        CreateContainerCmd cmd = client.createContainerCmd(spec.image())
                .withName(containerName(taskId, attempt))
                .withLabels(labels)
                .withEnv(spec.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                .withExposedPorts(exposed)
                .withHostConfig(hostConfig);
        if (!spec.command().isEmpty()) {
            cmd.withCmd(spec.command());
        }
        return cmd;
    }

    private void ensureImage(String image) {
        try {
            client.inspectImageCmd(image).exec();
            return;
        } catch (NotFoundException absent) {
            log.info("Pulling image {}", image);
        } catch (DockerException e) {
            throw new ImageUnavailableException(image, engineMessage(e));
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
        String[] repositoryAndTag = splitTag(image);
        PullImageResultCallback callback = new PullImageResultCallback();
        try {
            client.pullImageCmd(repositoryAndTag[0]).withTag(repositoryAndTag[1]).exec(callback);
            if (!callback.awaitCompletion(pullTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ImageUnavailableException(image, "the pull did not finish within " + pullTimeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageUnavailableException(image, "interrupted while pulling");
        } catch (DockerException e) {
            throw new ImageUnavailableException(image, engineMessage(e));
        } catch (ImageUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            if (isConnectionFailure(e)) {
                throw unavailable(e);
            }
            throw new ImageUnavailableException(image, firstLine(e.getMessage()));
        } finally {
            closeQuietly(callback);
        }
    }

    /** {@code name[:tag]} or {@code name@digest} as repository and tag (or digest); {@code latest} when there is neither. */
    static String[] splitTag(String image) {
        int at = image.indexOf('@');
        if (at >= 0) {
            return new String[]{image.substring(0, at), image.substring(at + 1)};
        }
        int colon = image.lastIndexOf(':');
        if (colon > image.lastIndexOf('/')) {
            return new String[]{image.substring(0, colon), image.substring(colon + 1)};
        }
        return new String[]{image, "latest"};
    }

    @Override
    public Optional<ContainerInfo> inspect(String containerId) {
        InspectContainerResponse response;
        try {
            response = client.inspectContainerCmd(containerId).exec();
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (DockerException e) {
            throw new ContainerRuntimeException("cannot inspect container " + containerId + ": " + engineMessage(e), e);
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
        Map<String, String> labels = response.getConfig() == null || response.getConfig().getLabels() == null
                ? Map.of() : response.getConfig().getLabels();
        InspectContainerResponse.ContainerState state = response.getState();
        ContainerStatus status = ContainerStatus.of(state == null ? null : state.getStatus());
        Integer exitCode = status.hasFinished() && state.getExitCodeLong() != null ? state.getExitCodeLong().intValue() : null;
        boolean oomKilled = state != null && Boolean.TRUE.equals(state.getOOMKilled());
        boolean unhealthy = state != null && state.getHealth() != null && "unhealthy".equals(state.getHealth().getStatus());
        List<PublishedPort> ports = new ArrayList<>();
        if (response.getNetworkSettings() != null && response.getNetworkSettings().getPorts() != null) {
            Map<String, PublishedPort> unique = new LinkedHashMap<>();
            response.getNetworkSettings().getPorts().getBindings().forEach((exposed, bound) -> {
                if (bound == null) {
                    return;
                }
                for (Ports.Binding binding : bound) {
                    Integer hostPort = parseInt(binding.getHostPortSpec());
                    if (hostPort != null) {
                        unique.putIfAbsent(exposed.getPort() + "/" + hostPort,
                                new PublishedPort(exposed.getPort(), hostPort, binding.getHostIp()));
                    }
                }
            });
            ports.addAll(unique.values());
        }
        return Optional.of(new ContainerInfo(response.getId(), labels.get(TASK_ID_LABEL), attemptOf(labels),
                status, exitCode, oomKilled, ports, ContainerHealthCheck.fromLabels(labels).orElse(null), unhealthy));
    }

    private static ContainerInfo fromListing(Container c, ContainerStatus status) {
        Map<String, String> labels = c.getLabels() == null ? Map.of() : c.getLabels();
        Map<String, PublishedPort> unique = new LinkedHashMap<>();
        if (c.getPorts() != null) {
            for (ContainerPort port : c.getPorts()) {
                if (port.getPrivatePort() != null && port.getPublicPort() != null) {
                    unique.putIfAbsent(port.getPrivatePort() + "/" + port.getPublicPort(),
                            new PublishedPort(port.getPrivatePort(), port.getPublicPort(), port.getIp()));
                }
            }
        }
        boolean unhealthy = c.getStatus() != null && c.getStatus().contains("(unhealthy)");
        return new ContainerInfo(c.getId(), labels.get(TASK_ID_LABEL), attemptOf(labels), status, null, false,
                List.copyOf(unique.values()), ContainerHealthCheck.fromLabels(labels).orElse(null), unhealthy);
    }

    @Override
    public Optional<ContainerInfo> stop(String containerId, Duration grace) {
        stopQuietly(containerId, grace);
        return inspect(containerId);
    }

    @Override
    public void stopAndRemove(String containerId, Duration grace) {
        stopQuietly(containerId, grace);
        try {
            client.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException gone) {
            // already removed
        } catch (ConflictException e) {
            log.debug("Container {} is already being removed: {}", containerId, engineMessage(e));
        } catch (DockerException e) {
            throw new ContainerRuntimeException("cannot remove container " + containerId + ": " + engineMessage(e), e);
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    private void stopQuietly(String containerId, Duration grace) {
        try {
            client.stopContainerCmd(containerId).withTimeout((int) Math.max(0, grace.toSeconds())).exec();
        } catch (NotModifiedException | NotFoundException alreadyStoppedOrGone) {
            // nothing to stop
        } catch (DockerException e) {
            log.warn("Stopping container {} failed ({}); it will be removed by force", containerId, engineMessage(e));
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    @Override
    public AutoCloseable followOutput(String containerId, Instant since, OutputListener listener) {
        LogContainerCmd command = output.logContainerCmd(containerId).withStdOut(true).withStdErr(true)
                .withFollowStream(true).withTimestamps(true);
        if (since != null) {
            command.withSince((int) Math.max(1, since.getEpochSecond()));
        }
        Follow follow = new Follow(listener);
        try {
            command.exec(follow);
        } catch (RuntimeException e) {
            follow.onError(e);
        }
        return follow;
    }

    /** docker-java's callback for one followed stream: frames become lines; the end is told once, unless closed first. */
    private static final class Follow implements ResultCallback<Frame> {
        private final OutputListener listener;
        private final AtomicBoolean over = new AtomicBoolean();
        private volatile Closeable stream;

        Follow(OutputListener listener) {
            this.listener = listener;
        }

        @Override
        public void onStart(Closeable stream) {
            this.stream = stream;
            if (over.get()) {
                closeQuietly(stream);
            }
        }

        @Override
        public void onNext(Frame frame) {
            if (!over.get()) {
                lines(frame.getStreamType(), frame.getPayload()).forEach(listener::line);
            }
        }

        @Override
        public void onError(Throwable error) {
            if (over.compareAndSet(false, true)) {
                listener.ended(error);
            }
        }

        @Override
        public void onComplete() {
            if (over.compareAndSet(false, true)) {
                listener.ended(null);
            }
        }

        @Override
        public void close() {
            over.set(true);
            Closeable open = stream;
            if (open != null) {
                closeQuietly(open);
            }
        }
    }

    /**
     * The lines of one frame of a log stream with timestamps: each is {@code <RFC 3339 time> <text>},
     * ending with a newline unless the engine split a long line (then the next frame goes on with it).
     * A line whose time cannot be read keeps its whole text, stamped now.
     */
    static List<OutputLine> lines(StreamType type, byte[] payload) {
        OutputRecord.Stream stream = type == StreamType.STDERR ? OutputRecord.Stream.STDERR : OutputRecord.Stream.STDOUT;
        String text = new String(payload, StandardCharsets.UTF_8);
        List<OutputLine> lines = new ArrayList<>();
        int from = 0;
        while (from < text.length()) {
            int newline = text.indexOf('\n', from);
            int end = newline < 0 ? text.length() : newline;
            String line = text.substring(from, end);
            int space = line.indexOf(' ');
            Instant time = null;
            if (space > 0) {
                try {
                    time = Instant.parse(line.substring(0, space));
                } catch (DateTimeParseException notATime) {
                    // kept whole below
                }
            }
            lines.add(time == null ? new OutputLine(Instant.now(), stream, line) : new OutputLine(time, stream, line.substring(space + 1)));
            from = newline < 0 ? text.length() : newline + 1;
        }
        return lines;
    }

    @Override
    public void close() {
        closeQuietly(output);
        closeQuietly(client);
    }

    private <T> T call(String doing, Supplier<T> request) {
        try {
            return request.get();
        } catch (DockerException e) {
            throw new ContainerRuntimeException("cannot " + doing + ": " + engineMessage(e), e);
        } catch (RuntimeException e) {
            if (isConnectionFailure(e)) {
                throw unavailable(e);
            }
            throw new ContainerRuntimeException("cannot " + doing + ": " + firstLine(e.getMessage()), e);
        }
    }

    private void run(String doing, Runnable request) {
        call(doing, () -> {
            request.run();
            return null;
        });
    }

    private void removeQuietly(String id) {
        try {
            client.removeContainerCmd(id).withForce(true).exec();
        } catch (RuntimeException e) {
            log.warn("Could not remove container {} after a failed start: {}", id, firstLine(e.getMessage()));
        }
    }

    private EngineUnavailableException unavailable(RuntimeException e) {
        return e instanceof EngineUnavailableException u ? u : new EngineUnavailableException(host, e);
    }

    private static boolean isConnectionFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** The engine's own message out of docker-java's {@code Status 404: {"message":"..."}}. */
    static String engineMessage(DockerException e) {
        String text = e.getMessage() == null ? "" : e.getMessage().trim();
        int brace = text.indexOf('{');
        if (brace >= 0) {
            try {
                JsonNode node = JSON.readTree(text.substring(brace));
                if (node.hasNonNull("message")) {
                    return node.get("message").asText();
                }
            } catch (IOException notJson) {
                // fall through to the raw text
            }
        }
        return firstLine(text);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static int attemptOf(Map<String, String> labels) {
        Integer attempt = parseInt(labels.get(ATTEMPT_LABEL));
        return attempt == null ? 0 : attempt;
    }

    private static Integer parseInt(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.debug("Closing {} failed", closeable, e);
        }
    }
}
