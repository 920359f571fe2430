package dev.cube.worker.runtime;

import dev.cube.events.TaskEvent;
import dev.cube.events.output.OutputRecord;
import dev.cube.events.spec.TaskSpec;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A {@link ContainerRuntime} that runs nothing: containers are entries in a map, with the lifecycle
 * and labels a real engine gives them. For the supervisor's unit tests and the bench's hollow workers;
 * never what a worker uses unless told to. A container "exits" when its lifetime (a function of its
 * spec, none = runs until stopped) has passed on the given clock, or when a test says so with
 * {@link #exit}. Images named in {@link #missingImages} cannot be had. A container writes what a test
 * makes it {@link #write}, stamped with the clock; its output is followed as the engine's is, and
 * delivered to followers on the thread that wrote it (or that made the container stop). Thread-safe.
 */
public final class InMemoryContainerRuntime implements ContainerRuntime {

    private record Entry(String id, String workerId, String taskId, int attempt, TaskSpec spec, Instant startedAt,
                         ContainerStatus status, Integer exitCode, boolean oomKilled) {
        Entry with(ContainerStatus status, Integer exitCode, boolean oomKilled) {
            return new Entry(id, workerId, taskId, attempt, spec, startedAt, status, exitCode, oomKilled);
        }
    }

    private final Clock clock;
    private final Function<TaskSpec, Optional<Duration>> lifetime;
    private final Map<String, Entry> containers = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> byWorker = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong creates = new AtomicLong();
    private final Set<String> missingImages = ConcurrentHashMap.newKeySet();
    private final Map<String, Output> outputs = new ConcurrentHashMap<>();
    private volatile boolean down;

    /**
     * @param lifetime how long a container with this spec runs before it exits with code 0; empty: until stopped
     */
    public InMemoryContainerRuntime(Clock clock, Function<TaskSpec, Optional<Duration>> lifetime) {
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /** Containers run until stopped or told to exit. */
    public InMemoryContainerRuntime(Clock clock) {
        this(clock, spec -> Optional.empty());
    }

    /** Images that cannot be had: starting a task with one fails as a missing image does. */
    public Set<String> missingImages() {
        return missingImages;
    }

    /** Makes every call fail as when the engine does not answer, or answer again. */
    public void setDown(boolean down) {
        this.down = down;
    }

    /** How many containers were ever created. */
    public long created() {
        return creates.get();
    }

    /** Makes the container of the attempt exit with {@code code} now. */
    public void exit(String taskId, int attempt, int code, boolean oomKilled) {
        find(taskId, attempt).ifPresent(c -> {
            containers.computeIfPresent(c.id(), (id, e) -> e.with(ContainerStatus.EXITED, code, oomKilled));
            output(c.id()).end();
        });
    }

    /** Makes the running container of the attempt write {@code lines} on {@code stream}, stamped now. */
    public void write(String taskId, int attempt, OutputRecord.Stream stream, String... lines) {
        ContainerInfo container = find(taskId, attempt).filter(c -> c.status() == ContainerStatus.RUNNING)
                .orElseThrow(() -> new IllegalStateException("no running container for " + taskId + "/" + attempt));
        Output output = output(container.id());
        for (String line : lines) {
            output.write(new OutputLine(clock.instant(), stream, line));
        }
    }

    /** How many followers the container's output has now. */
    public int followers(String taskId, int attempt) {
        return find(taskId, attempt).map(c -> output(c.id()).followers()).orElse(0);
    }

    @Override
    public AutoCloseable followOutput(String containerId, Instant since, OutputListener listener) {
        check();
        Entry entry = containers.get(containerId);
        if (entry == null) {
            listener.ended(new ContainerRuntimeException("no such container: " + containerId));
            return () -> { };
        }
        return output(containerId).follow(since, listener, current(entry).status().hasFinished());
    }

    private Output output(String containerId) {
        return outputs.computeIfAbsent(containerId, id -> new Output());
    }

    /** A container's output so far and who follows it; every change under its own lock, listeners called under it. */
    private static final class Output {
        private final List<OutputLine> lines = new ArrayList<>();
        private final List<OutputListener> followers = new ArrayList<>();
        private boolean ended;

        synchronized void write(OutputLine line) {
            lines.add(line);
            for (OutputListener follower : List.copyOf(followers)) {
                follower.line(line);
            }
        }

        synchronized AutoCloseable follow(Instant since, OutputListener listener, boolean finished) {
            Instant from = since == null ? null : Instant.ofEpochSecond(since.getEpochSecond());
            for (OutputLine line : List.copyOf(lines)) {
                if (from == null || !line.time().isBefore(from)) {
                    listener.line(line);
                }
            }
            if (ended || finished) {
                listener.ended(null);
                return () -> { };
            }
            followers.add(listener);
            return () -> {
                synchronized (this) {
                    followers.remove(listener);
                }
            };
        }

        synchronized void end() {
            ended = true;
            List<OutputListener> told = List.copyOf(followers);
            followers.clear();
            told.forEach(follower -> follower.ended(null));
        }

        synchronized int followers() {
            return followers.size();
        }
    }

    /** Removes a container behind the worker's back, as someone running {@code docker rm -f} would. */
    public void vanish(String taskId, int attempt) {
        find(taskId, attempt).ifPresent(c -> remove(c.id()));
    }

    private void remove(String containerId) {
        Entry removed = containers.remove(containerId);
        if (removed != null) {
            Set<String> of = byWorker.get(removed.workerId());
            if (of != null) {
                of.remove(containerId);
            }
        }
        Output output = outputs.remove(containerId);
        if (output != null) {
            output.end();
        }
    }

    @Override
    public Optional<ContainerInfo> find(String taskId, int attempt) {
        check();
        return containers.values().stream().filter(e -> e.taskId().equals(taskId) && e.attempt() == attempt).findFirst().map(this::info);
    }

    @Override
    public List<ContainerInfo> listOwnedBy(String workerId) {
        check();
        List<ContainerInfo> out = new ArrayList<>();
        for (String id : byWorker.getOrDefault(workerId, Set.of())) {
            Entry entry = containers.get(id);
            if (entry != null) {
                out.add(info(entry));
            }
        }
        return out;
    }

    @Override
    public ContainerInfo start(String workerId, String taskId, int attempt, TaskSpec spec) {
        check();
        Optional<ContainerInfo> existing = find(taskId, attempt);
        if (existing.isPresent()) {
            return existing.get();
        }
        if (missingImages.contains(spec.image())) {
            throw new ImageUnavailableException(spec.image(), "it is not on the (in-memory) engine and cannot be pulled");
        }
        creates.incrementAndGet();
        String id = "mem-" + ids.incrementAndGet();
        Entry entry = new Entry(id, workerId, taskId, attempt, spec, clock.instant(), ContainerStatus.RUNNING, null, false);
        containers.put(id, entry);
        byWorker.computeIfAbsent(workerId, w -> ConcurrentHashMap.newKeySet()).add(id);
        return info(entry);
    }

    @Override
    public Optional<ContainerInfo> inspect(String containerId) {
        check();
        return Optional.ofNullable(containers.get(containerId)).map(this::info);
    }

    @Override
    public Optional<ContainerInfo> stop(String containerId, Duration grace) {
        check();
        Entry stopped = containers.computeIfPresent(containerId, (id, e) -> current(e).status().hasFinished() ? current(e)
                : e.with(ContainerStatus.EXITED, 143, false));
        if (stopped != null) {
            output(containerId).end();
        }
        return Optional.ofNullable(stopped).map(this::info);
    }

    @Override
    public void stopAndRemove(String containerId, Duration grace) {
        check();
        remove(containerId);
    }

    /** The ids of the tasks that have a container, in whatever state. */
    public Set<String> taskIds() {
        Set<String> ids = new HashSet<>();
        containers.values().forEach(e -> ids.add(e.taskId()));
        return ids;
    }

    @Override
    public void close() {
    }

    private void check() {
        if (down) {
            throw new EngineUnavailableException("memory:", null);
        }
    }

    private Entry current(Entry entry) {
        if (entry.status() != ContainerStatus.RUNNING) {
            return entry;
        }
        Optional<Duration> life = lifetime.apply(entry.spec());
        if (life.isPresent() && !clock.instant().isBefore(entry.startedAt().plus(life.get()))) {
            Entry exited = entry.with(ContainerStatus.EXITED, 0, false);
            if (containers.replace(entry.id(), entry, exited)) {
                Output output = outputs.get(entry.id());
                if (output != null) {
                    output.end();
                }
            }
            return exited;
        }
        return entry;
    }

    private ContainerInfo info(Entry entry) {
        Entry now = current(entry);
        List<TaskEvent.PublishedPort> ports = new ArrayList<>();
        int next = 32768;
        for (TaskSpec.PortMapping mapping : now.spec().ports()) {
            ports.add(new TaskEvent.PublishedPort(mapping.containerPort(), mapping.hostPort() == null ? next++ : mapping.hostPort(), "0.0.0.0"));
        }
        return new ContainerInfo(now.id(), now.taskId(), now.attempt(), now.status(), now.exitCode(), now.oomKilled(),
                now.status() == ContainerStatus.RUNNING ? ports : List.of(), ContainerHealthCheck.of(now.spec()).orElse(null), false);
    }
}
