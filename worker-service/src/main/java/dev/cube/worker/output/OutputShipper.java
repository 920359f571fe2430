package dev.cube.worker.output;

import dev.cube.events.output.OutputRecord;
import dev.cube.worker.runtime.ContainerInfo;
import dev.cube.worker.runtime.ContainerRuntime;
import dev.cube.worker.runtime.OutputLine;
import dev.cube.worker.runtime.OutputListener;
import dev.cube.worker.supervisor.OutputShipping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Ships what a worker's containers write to the {@link OutputJournal}, from each container's start until
 * it stops: every line, in the engine's order, numbered per attempt ({@code seq}), then an {@code end}
 * record; past {@link Settings#maxLines} lines, a {@code cut} record and nothing more but the end.
 *
 * <p>No line is shipped twice by design and none is lost. The containers of the first
 * {@link #observe} are the ones a worker finds when it starts (a previous run of it may have shipped some
 * of their output): for each, at its first line, the journal's tail of the attempt says how far it was
 * shipped, and shipping goes on after that in the engine's order ({@link Resumption}). A container that
 * appears later was started by this run: nothing of it can have been shipped. When the journal refuses a
 * record, shipping starts again after the last record it acknowledged; whatever was then sent twice has
 * a number readers have seen, and they drop it.
 *
 * <p>Threads: following a container's output takes one of the runtime's streams, at most
 * {@link Settings#maxFollows} at once (the others wait their turn, those the supervisor waits for first);
 * lines are shipped from the runtime's thread of each stream; one timer thread of its own starts and
 * restarts follows. Nothing here runs on, or blocks, the supervisor's loop or its engine calls.
 */
public final class OutputShipper implements OutputShipping, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutputShipper.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    /**
     * @param maxLines   how many lines of one attempt are shipped at most; more are cut
     * @param maxFollows how many containers' output is followed at once
     * @param removeWait how long {@link #shipped} waits for a container's output before it gives up
     */
    public record Settings(int maxLines, int maxFollows, Duration removeWait) {
        public static final int DEFAULT_MAX_LINES = 100_000;
        public static final int DEFAULT_MAX_FOLLOWS = 64;
        public static final Duration DEFAULT_REMOVE_WAIT = Duration.ofMinutes(2);
        public static final Settings DEFAULT = new Settings(DEFAULT_MAX_LINES, DEFAULT_MAX_FOLLOWS, DEFAULT_REMOVE_WAIT);

        public Settings {
            maxLines = maxLines < 1 ? DEFAULT_MAX_LINES : maxLines;
            maxFollows = maxFollows < 1 ? DEFAULT_MAX_FOLLOWS : maxFollows;
            removeWait = removeWait == null || removeWait.isNegative() ? DEFAULT_REMOVE_WAIT : removeWait;
        }
    }

    private final String workerId;
    private final ContainerRuntime runtime;
    private final OutputJournal journal;
    private final Settings settings;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final Map<String, Shipment> shipments = new ConcurrentHashMap<>();
    private final Deque<Shipment> waiting = new ArrayDeque<>();
    private int following;
    private volatile boolean observed;
    private volatile boolean closed;

    public OutputShipper(String workerId, ContainerRuntime runtime, OutputJournal journal, Settings settings, Clock clock) {
        this.workerId = workerId;
        this.runtime = runtime;
        this.journal = journal;
        this.settings = settings;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("cube-worker-" + workerId + "-output").unstarted(r));
    }

    @Override
    public void observe(List<ContainerInfo> containers) {
        if (closed) {
            return;
        }
        boolean inherited = !observed;
        observed = true;
        Set<String> present = new HashSet<>();
        List<Shipment> fresh = new ArrayList<>();
        for (ContainerInfo container : containers) {
            if (container.taskId() == null || container.attempt() < 1) {
                continue;
            }
            present.add(container.id());
            shipments.computeIfAbsent(container.id(), id -> {
                Shipment shipment = new Shipment(container, inherited);
                fresh.add(shipment);
                return shipment;
            });
        }
        shipments.values().removeIf(shipment -> shipment.done.isDone() && !present.contains(shipment.containerId));
        fresh.forEach(shipment -> admit(shipment, false));
    }

    @Override
    public CompletableFuture<Void> shipped(ContainerInfo container) {
        if (container.taskId() == null || container.attempt() < 1 || closed) {
            return CompletableFuture.completedFuture(null);
        }
        List<Shipment> fresh = new ArrayList<>(1);
        Shipment shipment = shipments.computeIfAbsent(container.id(), id -> {
            Shipment created = new Shipment(container, true);
            fresh.add(created);
            return created;
        });
        if (fresh.isEmpty()) {
            hurry(shipment);
        } else {
            admit(shipment, true);
        }
        CompletableFuture<Void> wait = shipment.done.copy();
        wait.completeOnTimeout(null, settings.removeWait().toMillis(), TimeUnit.MILLISECONDS);
        return wait.thenRun(() -> {
            if (!shipment.done.isDone()) {
                LOG.warn("Worker {}: the output of {} attempt {} is not all shipped after {}; its container goes all the same",
                        workerId, shipment.taskId, shipment.attempt, settings.removeWait());
            }
        });
    }

    /** How many containers' output is being followed now. */
    public synchronized int following() {
        return following;
    }

    private void admit(Shipment shipment, boolean urgent) {
        synchronized (this) {
            if (following >= settings.maxFollows()) {
                if (urgent) {
                    waiting.addFirst(shipment);
                } else {
                    waiting.addLast(shipment);
                }
                return;
            }
            following++;
            shipment.holdsTurn = true;
        }
        later(shipment::follow, Duration.ZERO);
    }

    private synchronized void hurry(Shipment shipment) {
        if (waiting.remove(shipment)) {
            waiting.addFirst(shipment);
        }
    }

    private void release(Shipment shipment) {
        Shipment next;
        synchronized (this) {
            waiting.remove(shipment);
            if (!shipment.holdsTurn) {
                return;
            }
            shipment.holdsTurn = false;
            following--;
            next = waiting.pollFirst();
            if (next != null) {
                following++;
                next.holdsTurn = true;
            }
        }
        if (next != null) {
            later(next::follow, Duration.ZERO);
        }
    }

    private void later(Runnable work, Duration delay) {
        if (closed) {
            return;
        }
        try {
            timer.schedule(work, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException shutDown) {
            // closing
        }
    }

    /** Stops following (containers keep running and keep their output: the next run of the worker goes on with it). */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        shipments.values().forEach(Shipment::stopFollowing);
    }

    /** The shipping of one container's output. Its state changes under its own lock; the journal and the engine are called outside it. */
    private final class Shipment {
        final String containerId;
        final String taskId;
        final int attempt;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        boolean holdsTurn;
        private boolean known;
        private OutputCursor sent = OutputCursor.START;
        private OutputCursor acked = OutputCursor.START;
        private Resumption resumption = new Resumption(OutputCursor.START);
        private int generation;
        private AutoCloseable stream;

        Shipment(ContainerInfo container, boolean inherited) {
            this.containerId = container.id();
            this.taskId = container.taskId();
            this.attempt = container.attempt();
            this.known = !inherited;
        }

        /** Follows the container's output from after what the journal acknowledged. */
        void follow() {
            int gen;
            Instant from;
            synchronized (this) {
                if (done.isDone() || closed) {
                    return;
                }
                gen = ++generation;
                sent = acked;
                resumption = new Resumption(acked);
                from = known ? acked.followFrom() : null;
            }
            AutoCloseable handle;
            try {
                handle = runtime.followOutput(containerId, from, new Listener(gen));
            } catch (RuntimeException e) {
                LOG.debug("Worker {}: cannot follow the output of container {} now: {}", workerId, containerId, e.toString());
                retry(gen);
                return;
            }
            synchronized (this) {
                if (gen == generation && !closed && !done.isDone()) {
                    stream = handle;
                    return;
                }
            }
            closeQuietly(handle);
        }

        void line(int gen, OutputLine line) {
            boolean lookUp;
            synchronized (this) {
                if (gen != generation || done.isDone()) {
                    return;
                }
                lookUp = !known;
            }
            if (lookUp && !lookUp(gen, line.time())) {
                return;
            }
            OutputRecord record;
            OutputCursor next;
            synchronized (this) {
                if (gen != generation || done.isDone() || resumption.shipped(line.time()) || sent.cut()) {
                    return;
                }
                if (sent.seq() >= settings.maxLines()) {
                    next = sent.afterCut();
                    record = OutputRecord.cut(taskId, attempt, next.seq(), workerId, clock.instant(),
                            "the attempt wrote more than " + settings.maxLines() + " lines; the rest was not shipped");
                    LOG.info("Worker {}: the output of {} attempt {} is cut after {} lines", workerId, taskId, attempt, settings.maxLines());
                } else {
                    next = sent.afterLine(line.time());
                    record = OutputRecord.line(taskId, attempt, next.seq(), workerId, line.time(), line.stream(), line.text());
                }
                sent = next;
            }
            send(gen, record, next);
        }

        /** Reads how far a previous run shipped this attempt; false when there is nothing more to do in this generation. */
        private boolean lookUp(int gen, Instant firstLine) {
            List<OutputRecord> tail = null;
            boolean warned = false;
            while (tail == null) {
                synchronized (this) {
                    if (gen != generation || done.isDone() || closed) {
                        return false;
                    }
                }
                try {
                    tail = journal.tail(taskId, attempt, firstLine);
                } catch (RuntimeException e) {
                    if (!warned) {
                        LOG.warn("Worker {}: cannot read how far the output of {} attempt {} was shipped ({}); trying again", workerId,
                                taskId, attempt, e.toString());
                        warned = true;
                    }
                    try {
                        Thread.sleep(RETRY);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
            }
            OutputCursor found = OutputCursor.after(tail);
            synchronized (this) {
                if (gen != generation || done.isDone()) {
                    return false;
                }
                known = true;
                sent = found;
                acked = found;
                resumption = new Resumption(found);
                if (found.seq() > 0) {
                    LOG.info("Worker {}: the output of {} attempt {} was shipped up to record {}{}", workerId, taskId, attempt, found.seq(),
                            found.ended() ? ", its end" : "; going on after it");
                }
                if (!found.ended()) {
                    return true;
                }
            }
            finish();
            return false;
        }

        void ended(int gen, Throwable error) {
            synchronized (this) {
                if (gen != generation || done.isDone() || closed) {
                    return;
                }
                stream = null;
            }
            Optional<ContainerInfo> now;
            try {
                now = runtime.inspect(containerId);
            } catch (RuntimeException e) {
                retry(gen);
                return;
            }
            if (now.isPresent() && !now.get().status().hasFinished()) {
                // The stream broke off (a time-out, the engine restarting) while the container runs: follow it again.
                LOG.debug("Worker {}: the output stream of container {} ended ({}) while it runs; following it again", workerId, containerId,
                        error == null ? "closed" : error.toString());
                retry(gen);
                return;
            }
            OutputRecord record;
            OutputCursor next;
            synchronized (this) {
                if (gen != generation || done.isDone()) {
                    return;
                }
                known = true;
                next = sent.afterEnd();
                record = OutputRecord.end(taskId, attempt, next.seq(), workerId, clock.instant());
                sent = next;
            }
            send(gen, record, next);
        }

        private void send(int gen, OutputRecord record, OutputCursor after) {
            journal.append(record).whenComplete((ok, error) -> {
                if (error == null) {
                    acknowledged(after);
                } else {
                    refused(gen, error);
                }
            });
        }

        private void acknowledged(OutputCursor after) {
            synchronized (this) {
                if (after.seq() > acked.seq()) {
                    acked = after;
                }
                if (!after.ended()) {
                    return;
                }
            }
            finish();
        }

        private void refused(int gen, Throwable error) {
            synchronized (this) {
                if (gen != generation || done.isDone() || closed) {
                    return;
                }
                generation++;
                LOG.warn("Worker {}: the log refused output of {} attempt {} ({}); shipping again after record {}", workerId, taskId, attempt,
                        error.toString(), acked.seq());
            }
            stopFollowing();
            later(this::follow, RETRY);
        }

        private void retry(int gen) {
            later(() -> {
                synchronized (this) {
                    if (gen != generation) {
                        return;
                    }
                }
                follow();
            }, RETRY);
        }

        private void finish() {
            if (done.complete(null)) {
                stopFollowing();
                release(this);
            }
        }

        void stopFollowing() {
            AutoCloseable open;
            synchronized (this) {
                open = stream;
                stream = null;
            }
            if (open != null) {
                closeQuietly(open);
            }
        }

        private final class Listener implements OutputListener {
            private final int gen;

            Listener(int gen) {
                this.gen = gen;
            }

            @Override
            public void line(OutputLine line) {
                Shipment.this.line(gen, line);
            }

            @Override
            public void ended(Throwable error) {
                Shipment.this.ended(gen, error);
            }
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.debug("Closing an output stream failed", e);
        }
    }
}
