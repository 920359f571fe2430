package dev.cube.worker.supervisor;

import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.desired.DesiredAttempt;
import dev.cube.events.wire.EventRules;
import dev.cube.worker.runtime.ContainerInfo;
import dev.cube.worker.runtime.ContainerRuntime;
import dev.cube.worker.runtime.ContainerRuntimeException;
import dev.cube.worker.runtime.ContainerStatus;
import dev.cube.worker.runtime.EngineUnavailableException;
import dev.cube.worker.runtime.ImageUnavailableException;
import dev.cube.worker.supervisor.Reconciler.Action;
import dev.cube.worker.supervisor.Reconciler.Done;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Converges one worker's containers on its desired set, and reports what becomes of them: the part of
 * a worker that knows nothing of Kafka. {@link #converge} lists the worker's containers, asks the
 * {@link Reconciler} what to do and does it: engine calls run on a small pool (several attempts at once,
 * one action per attempt at a time), and each report is appended through the {@link Reporter} with an id
 * derived from what it says ({@code <task>/<attempt>/running}, {@code .../completed}, {@code .../failed},
 * {@code .../stopped}), so that saying it again is a harmless duplicate. What the worker did is
 * remembered only to avoid saying it twice; after a restart the worker finds the same facts on the
 * engine and in its desired set, and converges the same way.
 *
 * <p>Containers' output is shipped by an {@link OutputShipping} shown the containers at every pass; a
 * container is removed only once its output is all shipped (or the shipping gave up), and a running one
 * is stopped first, so that what it writes while it stops is shipped too.
 *
 * <p>{@link #converge} is called by one thread (the worker's loop); the actions complete on the pool.
 */
public final class Supervisor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    private static final Duration REPORT_TIMEOUT = Duration.ofSeconds(60);

    /** Appends an event to {@code cube.task-events}; the future completes when the log acknowledged it. */
    public interface Reporter {
        CompletableFuture<?> report(CubeEvent event);
    }

    /**
     * @param parallelism how many attempts may have an engine call under way at once
     */
    public record Settings(Duration stopGrace, int parallelism, Duration healthCheckTimeout, String probeHost) {
    }

    private final String workerId;
    private final String source;
    private final ContainerRuntime runtime;
    private final Reporter reporter;
    private final Settings settings;
    private final Clock clock;
    private final ExecutorService pool;
    private final boolean ownsPool;
    private final HealthProbes health;
    private final OutputShipping output;
    private final Map<String, Set<Done>> done = new ConcurrentHashMap<>();
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    private final Map<String, String> healthFailures = new ConcurrentHashMap<>();
    private volatile int containers;
    /** What the worker says of its engine in its heartbeats while it does not answer; null while it answers. */
    private volatile WorkerEvent.Engine engineDown;

    /** A supervisor whose containers' output is shipped by no one. */
    public Supervisor(String workerId, ContainerRuntime runtime, Reporter reporter, Settings settings, Clock clock) {
        this(workerId, runtime, reporter, settings, clock, OutputShipping.NONE);
    }

    /** A supervisor whose containers' output {@code output} ships (it is not closed with the supervisor). */
    public Supervisor(String workerId, ContainerRuntime runtime, Reporter reporter, Settings settings, Clock clock, OutputShipping output) {
        this(workerId, runtime, reporter, settings, clock, Executors.newFixedThreadPool(Math.max(1, settings.parallelism()),
                r -> Thread.ofPlatform().daemon().name("cube-worker-" + workerId + "-engine").unstarted(r)), true, output);
    }

    /** A supervisor whose engine calls run on {@code engineCalls}, shared with others (the bench's hollow workers); closing it leaves it open. */
    public Supervisor(String workerId, ContainerRuntime runtime, Reporter reporter, Settings settings, Clock clock, ExecutorService engineCalls) {
        this(workerId, runtime, reporter, settings, clock, engineCalls, false, OutputShipping.NONE);
    }

    private Supervisor(String workerId, ContainerRuntime runtime, Reporter reporter, Settings settings, Clock clock,
                       ExecutorService engineCalls, boolean ownsPool, OutputShipping output) {
        this.output = output;
        this.ownsPool = ownsPool;
        this.workerId = workerId;
        this.source = "/cube/worker/" + workerId;
        this.runtime = runtime;
        this.reporter = reporter;
        this.settings = settings;
        this.clock = clock;
        this.pool = engineCalls;
        this.health = new HealthProbes(settings.healthCheckTimeout(), settings.probeHost());
    }

    /** How many containers of this worker the engine showed at the last pass that still run or may run. */
    public int containerCount() {
        return containers;
    }

    /** Whether the engine answered at the last pass. */
    public boolean engineAnswers() {
        return engineDown == null;
    }

    /**
     * What the heartbeat says of the engine: null while it answers, else since when (this supervisor's clock, at
     * the first pass that found it down) and what the listing said.
     */
    public WorkerEvent.Engine engine() {
        return engineDown;
    }

    /**
     * One pass: what the engine shows against {@code desired}, and what follows. Returns at once; the
     * engine calls it starts go on in the background.
     */
    public void converge(Map<String, DesiredAttempt> desired) {
        // What was done and what is under way, taken before the engine is asked: an action that ends after this
        // counts as under way, so the plan never pairs a listing older than an action with that action's memory.
        Reconciler.Memory memory = snapshot();
        List<ContainerInfo> listed;
        try {
            listed = runtime.listOwnedBy(workerId);
        } catch (EngineUnavailableException e) {
            if (engineDown == null) {
                LOG.warn("Worker {}: {}; its containers are left as they are and it takes no new work until it answers", workerId, e.getMessage());
                engineDown = WorkerEvent.Engine.unreachable(clock.instant(), reasonOf(e));
            }
            return;
        }
        if (engineDown != null) {
            LOG.info("Worker {}: the Docker engine answers again (it did not since {})", workerId, engineDown.since());
            engineDown = null;
        }
        containers = (int) listed.stream().filter(c -> !c.status().hasFinished()).count();
        forget(desired, listed);
        output.observe(listed);
        failUnhealthy(desired, listed);
        for (Action action : Reconciler.plan(desired, listed, memory)) {
            launch(action);
        }
    }

    /** Carries out {@code action} in the background, one action per attempt at a time. */
    private void launch(Action action) {
        if (!busy.add(action.key())) {
            return;
        }
        CompletableFuture<?> done;
        try {
            done = carryOut(action);
        } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e);
        }
        done.whenComplete((ignored, error) -> {
            busy.remove(action.key());
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof EngineUnavailableException) {
                LOG.warn("Worker {}: {}; {} waits", workerId, cause.getMessage(), action.key());
            } else if (cause != null) {
                LOG.warn("Worker {}: {} for {} failed: {}", workerId, action.getClass().getSimpleName(), action.key(), cause.toString());
            }
        });
    }

    private Reconciler.Memory snapshot() {
        Set<String> busyNow = Set.copyOf(busy);
        Map<String, Set<Done>> doneNow = new HashMap<>();
        done.forEach((key, what) -> doneNow.put(key, EnumSet.copyOf(what)));
        return new Reconciler.Memory() {
            @Override
            public boolean did(String key, Done what) {
                Set<Done> of = doneNow.get(key);
                return of != null && of.contains(what);
            }

            @Override
            public boolean busy(String key) {
                return busyNow.contains(key);
            }
        };
    }

    private static String reasonOf(EngineUnavailableException e) {
        String message = e.getMessage() == null ? "the container engine does not answer" : e.getMessage();
        return message.length() <= EventRules.MAX_REASON_LENGTH ? message : message.substring(0, EventRules.MAX_REASON_LENGTH);
    }

    /** Forgets what was done for attempts that are neither desired nor on the engine any more: memory stays bounded. */
    private void forget(Map<String, DesiredAttempt> desired, List<ContainerInfo> listed) {
        Set<String> keep = new HashSet<>(desired.keySet());
        listed.stream().filter(c -> c.taskId() != null).forEach(c -> keep.add(DesiredAttempt.key(c.taskId(), c.attempt())));
        done.keySet().removeIf(key -> !keep.contains(key) && !busy.contains(key));
        Set<String> ids = listed.stream().map(ContainerInfo::id).collect(Collectors.toSet());
        healthFailures.keySet().retainAll(ids);
    }

    /** Starts the HTTP health probes that are due, and acts on the ones that failed. */
    private void failUnhealthy(Map<String, DesiredAttempt> desired, List<ContainerInfo> listed) {
        List<ContainerInfo> running = new ArrayList<>();
        for (ContainerInfo c : listed) {
            if (c.status() == ContainerStatus.RUNNING && c.taskId() != null) {
                DesiredAttempt wanted = desired.get(DesiredAttempt.key(c.taskId(), c.attempt()));
                if (wanted != null && wanted.goal() == DesiredAttempt.Goal.RUN) {
                    running.add(c);
                }
            }
        }
        for (HealthProbes.Failure failure : health.failures()) {
            String key = DesiredAttempt.key(failure.taskId(), failure.attempt());
            DesiredAttempt wanted = desired.get(key);
            ContainerInfo container = running.stream().filter(c -> c.id().equals(failure.containerId())).findFirst().orElse(null);
            if (wanted != null && container != null) {
                launch(new Reconciler.FailUnhealthy(wanted, container, failure.reason()));
            }
        }
        health.probeDue(running, System.nanoTime());
    }

    /**
     * Starts what {@code action} says; the future completes once all of it is done, its report included.
     * Engine calls run on the pool; a report is only a send to the log, made from the calling thread.
     */
    private CompletableFuture<?> carryOut(Action action) {
        return switch (action) {
            case Reconciler.Start start -> onPool(() -> start(start.desired()));
            case Reconciler.ReportRunning report -> report(report.key(), Done.REPORTED_RUNNING, "running", running(report.container()));
            case Reconciler.ReportExit report -> {
                String healthFailure = healthFailures.get(report.container().id());
                TaskEvent outcome = healthFailure != null
                        ? new TaskEvent.Failed(report.container().attempt(), report.container().exitCode(), healthFailure, false)
                        : outcome(report.container());
                LOG.info("Task {} attempt {} {}", report.desired().taskId(), report.desired().attempt(),
                        outcome instanceof TaskEvent.Failed f ? "failed: " + f.reason() : "completed");
                yield report(report.key(), Done.REPORTED_EXIT, outcome instanceof TaskEvent.Completed ? "completed" : "failed", outcome);
            }
            case Reconciler.FailUnhealthy unhealthy -> onPool(() -> failUnhealthy(unhealthy));
            case Reconciler.Stop stop -> onPool(() -> {
                runtime.stop(stop.container().id(), settings.stopGrace());
                LOG.info("Stopped task {} attempt {} (container {}): {}", stop.desired().taskId(), stop.desired().attempt(),
                        shortId(stop.container().id()), reason(stop.desired()));
                return reportStopped(stop.desired());
            });
            case Reconciler.ReportStopped stopped -> reportStopped(stopped.desired());
            case Reconciler.ReportVanished vanished -> {
                LOG.warn("Task {} attempt {} started but its container is gone: reporting it failed", vanished.desired().taskId(),
                        vanished.desired().attempt());
                yield report(vanished.key(), Done.REPORTED_VANISHED, "failed", new TaskEvent.Failed(vanished.desired().attempt(), null,
                        "its container is gone from the engine", false));
            }
            case Reconciler.Remove remove -> remove(remove);
        };
    }

    /**
     * Stops the container if it runs, waits (off the pool) until its output is shipped, then removes it.
     * The attempt is busy meanwhile, so nothing else is planned for it.
     */
    private CompletableFuture<?> remove(Reconciler.Remove remove) {
        ContainerInfo container = remove.container();
        CompletableFuture<?> stopped = container.status().hasFinished() ? CompletableFuture.completedFuture(null) : onPool(() -> {
            LOG.info("Stopping container {} of {}: its attempt is not in the desired set", shortId(container.id()), remove.key());
            runtime.stop(container.id(), settings.stopGrace());
            return CompletableFuture.completedFuture(null);
        });
        return stopped.thenCompose(ignored -> output.shipped(container)).thenCompose(ignored -> onPool(() -> {
            LOG.info("Removing container {} of {}: its attempt is not in the desired set", shortId(container.id()), remove.key());
            runtime.stopAndRemove(container.id(), Duration.ZERO);
            health.forget(container.id());
            return CompletableFuture.completedFuture(null);
        }));
    }

    /** Runs an engine call on the pool; the future completes when the report it leads to (if any) is acknowledged. */
    private CompletableFuture<?> onPool(java.util.function.Supplier<CompletableFuture<?>> work) {
        return CompletableFuture.supplyAsync(work, pool).thenCompose(report -> report);
    }

    private CompletableFuture<?> start(DesiredAttempt desired) {
        ContainerInfo container;
        try {
            container = runtime.start(workerId, desired.taskId(), desired.attempt(), desired.spec());
        } catch (EngineUnavailableException e) {
            throw e;
        } catch (ContainerRuntimeException e) {
            String reason = e instanceof ImageUnavailableException || e instanceof dev.cube.worker.runtime.TaskRefusedException ? e.getMessage()
                    : "cannot start the container: " + e.getMessage();
            LOG.info("Task {} attempt {} failed to start: {}", desired.taskId(), desired.attempt(), reason);
            return report(desired.key(), Done.FAILED_TO_START, "failed", new TaskEvent.Failed(desired.attempt(), null, reason, false));
        }
        LOG.info("Task {} attempt {} runs in container {}{}", desired.taskId(), desired.attempt(), shortId(container.id()), describe(container));
        if (container.status() == ContainerStatus.RUNNING && !desired.started()) {
            return report(desired.key(), Done.REPORTED_RUNNING, "running", running(container));
        }
        return CompletableFuture.completedFuture(null);
    }

    private CompletableFuture<?> failUnhealthy(Reconciler.FailUnhealthy unhealthy) {
        ContainerInfo container = unhealthy.container();
        if (unhealthy.reason().startsWith("Docker") && runtime.inspect(container.id()).filter(ContainerInfo::unhealthy).isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        LOG.info("Task {} attempt {} is unhealthy ({}): stopping container {}", container.taskId(), container.attempt(), unhealthy.reason(),
                shortId(container.id()));
        healthFailures.put(container.id(), unhealthy.reason());
        health.forget(container.id());
        ContainerInfo stopped = runtime.stop(container.id(), settings.stopGrace()).orElse(container);
        return report(unhealthy.key(), Done.REPORTED_EXIT, "failed",
                new TaskEvent.Failed(container.attempt(), stopped.exitCode(), unhealthy.reason(), false));
    }

    private CompletableFuture<?> reportStopped(DesiredAttempt desired) {
        return report(desired.key(), Done.REPORTED_STOPPED, "stopped", new TaskEvent.Stopped(desired.attempt(), reason(desired)));
    }

    /** Appends the report; once the log acknowledged it, it is remembered as done. A report that failed is said again later. */
    private CompletableFuture<?> report(String key, Done what, String kind, TaskEvent data) {
        String taskId = key.substring(0, key.lastIndexOf('/'));
        int attempt = Integer.parseInt(key.substring(key.lastIndexOf('/') + 1));
        CubeEvent event = CubeEvent.withDerivedId(taskId + "/" + attempt + "/" + kind, source, taskId, clock.instant(), data);
        return reporter.report(event).orTimeout(REPORT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .thenRun(() -> done.computeIfAbsent(key, k -> EnumSet.noneOf(Done.class)).add(what))
                .exceptionally(error -> {
                    LOG.warn("Worker {} could not append {}: {}; it will say it again", workerId, event.id(), error.toString());
                    return null;
                });
    }

    /** How an exited container ended, as a report of its attempt. */
    public static TaskEvent outcome(ContainerInfo container) {
        Integer code = container.exitCode();
        if (container.oomKilled()) {
            return new TaskEvent.Failed(container.attempt(), code,
                    "OOM-killed: the container exceeded its memory limit" + (code == null ? "" : " (exit code " + code + ")"), true);
        }
        if (container.status() == ContainerStatus.DEAD || code == null) {
            return new TaskEvent.Failed(container.attempt(), code, "the container died and its exit code is unknown", false);
        }
        if (code == 0) {
            return new TaskEvent.Completed(container.attempt(), 0);
        }
        return new TaskEvent.Failed(container.attempt(), code, "exited with code " + code, false);
    }

    private TaskEvent.Running running(ContainerInfo container) {
        return new TaskEvent.Running(workerId, container.attempt(), container.id(), container.ports());
    }

    private static String reason(DesiredAttempt desired) {
        return desired.reason() == null || desired.reason().isBlank() ? "stop requested" : desired.reason();
    }

    private static String shortId(String containerId) {
        return containerId == null || containerId.length() <= 12 ? containerId : containerId.substring(0, 12);
    }

    private static String describe(ContainerInfo container) {
        return container.ports().isEmpty() ? "" : container.ports().stream()
                .map(p -> " " + p.containerPort() + "->" + p.hostIp() + ":" + p.hostPort())
                .collect(Collectors.joining(",", " publishing", ""));
    }

    /** Lets the actions under way finish (at most {@code wait}); containers keep running. */
    public void close(Duration wait) {
        if (ownsPool) {
            pool.shutdown();
            try {
                if (!pool.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    pool.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                pool.shutdownNow();
            }
        }
        awaitIdle(wait);
        health.close();
    }

    /** Waits (at most {@code wait}) until no action is under way, reports included. */
    private void awaitIdle(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!busy.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
