package dev.cube.core.placement;

import dev.cube.core.task.TaskControl;
import dev.cube.core.worker.LogClock;
import dev.cube.core.worker.WorkerEvolution;
import dev.cube.core.worker.WorkerState;
import dev.cube.core.worker.WorkerState.Liveness;
import dev.cube.core.worker.WorkerStateMachine;
import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.spec.Resources;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The scheduler's decisions, as a pure core: the single writer of every worker's allocation. It is
 * fed, in one order, with worker events (with their log times), the task fold's control views
 * ({@link TaskControl}) and the fold's "caught up" signals, and it answers with the events to append
 * ({@link Decision}s) and which of its state changed ({@link Step}). The Kafka Streams processor around
 * it stores that state and appends the decisions in the same transaction; nothing here reads a clock,
 * makes an id up or touches Kafka.
 *
 * <p>Rules (each has a test in {@code PlacementStageTest}):
 * <ul>
 * <li>A waiting attempt goes to the best candidate by the {@link Scheduler}, among the workers that are
 *     live, not draining, whose last heartbeat says their container engine answers, heard from within
 *     their TTL (in log time), and have room; the decision is a
 *     {@code scheduled} event whose id is {@code <task>/<attempt>/scheduled}. The stage finds it through the
 *     scheduler's {@link CandidateIndex}, which chooses what scoring every candidate would choose, looking
 *     only at the candidates it passes over ({@code PlacementStageIndexTest} holds it to that).</li>
 * <li>An attempt that fits nowhere waits, first come first placed, and its first attempt is told why
 *     ({@code unplaced}), once per kind of reason.</li>
 * <li>A restart waits its backoff, counted in log time from the view that asked for it.</li>
 * <li>Allocations are the attempts the fold says are placed, plus the stage's own decisions the fold
 *     has not confirmed yet; a view that supersedes a decision frees it.</li>
 * <li>A worker whose silence, in log time, exceeds TTL plus grace is declared lost ({@code lost} for each
 *     attempt it holds, then {@code dev.cube.worker.lost}); a gap in the log gives everyone a fresh period.</li>
 * <li>Each attempt held on a draining worker is placed again elsewhere as its next attempt.</li>
 * <li>A worker whose engine does not answer takes no new work, but keeps what it holds: it is alive (it
 *     heartbeats), so nothing is moved off it and it is not declared lost; the first heartbeat that says
 *     its engine answers makes it a candidate again. An attempt that waits because every live worker's
 *     engine is down is told so ({@code unplaced}).</li>
 * <li>Nothing is decided until every partition of the task fold has caught up with the log as it was when
 *     the fold started: a projection rebuilt from the log decides nothing that the log already holds.</li>
 * </ul>
 * Not thread-safe: one stream thread feeds it.
 */
public final class PlacementStage {

    /**
     * @param ttl        a worker silent for longer takes no new work
     * @param grace      a worker silent for longer than TTL plus grace is declared lost
     * @param gap        two records of {@code cube.workers} further apart than this make a gap in the log
     * @param partitions how many partitions the task fold has: the stage decides once all have caught up
     */
    public record Settings(Duration ttl, Duration grace, Duration gap, int partitions) {
        public Settings {
            Objects.requireNonNull(ttl, "ttl");
            Objects.requireNonNull(grace, "grace");
            Objects.requireNonNull(gap, "gap");
        }

        Duration lostAfter() {
            return ttl.plus(grace);
        }
    }

    /** A placement the stage decided and appended, which the task fold has not confirmed yet. */
    public record Placement(int attempt, String workerId) {
    }

    /**
     * What the stage keeps of one task: the fold's latest view, the stage's own unconfirmed decision,
     * and, while it waits, from when it may be placed, its place in the queue and the kind of reason it
     * was last told.
     */
    public record TaskEntry(TaskControl control, Placement decided, Instant notBefore, long seq, String toldReason) {
        TaskEntry withDecided(Placement placement) {
            return new TaskEntry(control, placement, notBefore, seq, toldReason);
        }

        TaskEntry withToldReason(String kind) {
            return new TaskEntry(control, decided, notBefore, seq, kind);
        }

        boolean waitsForAWorker() {
            return control.need() == TaskControl.Need.WAITING && decided == null;
        }
    }

    /** What the stage keeps besides workers and tasks. */
    public record Meta(LogClock clock, Instant now, List<Integer> caughtUp, long lastSeq) {
        public static final Meta START = new Meta(LogClock.START, null, List.of(), 0);
    }

    /** An event the stage decided to append; its id is derived from what it says, so deciding it twice is harmless. */
    public sealed interface Decision {
        String eventId();
    }

    /** An event for {@code cube.task-events}, keyed by {@code taskId}. */
    public record TaskDecision(String taskId, String eventId, TaskEvent event) implements Decision {
    }

    /** An event for {@code cube.workers}, keyed by {@code workerId}. */
    public record WorkerDecision(String workerId, String eventId, WorkerEvent event) implements Decision {
    }

    /** What one call decided and changed. */
    public static final class Step {
        private final List<Decision> decisions = new ArrayList<>();
        private final Set<String> workers = new LinkedHashSet<>();
        private final Set<String> tasks = new LinkedHashSet<>();
        private final Set<String> allocations = new LinkedHashSet<>();
        private boolean meta;
        private final Instant time;

        private Step(Instant time) {
            this.time = time;
        }

        /** The events to append, in order. */
        public List<Decision> decisions() {
            return decisions;
        }

        /** Workers whose state changed. */
        public Set<String> workers() {
            return workers;
        }

        /** Tasks whose entry changed or went ({@link #task(String)} is then empty). */
        public Set<String> tasks() {
            return tasks;
        }

        /** Workers whose allocation changed. */
        public Set<String> allocations() {
            return allocations;
        }

        /** Whether {@link #meta()} changed. */
        public boolean metaChanged() {
            return meta;
        }

        /** The log time of the step: the time to stamp its decisions with. */
        public Instant time() {
            return time;
        }
    }

    private enum ReasonKind {
        NO_WORKER, NO_ENGINE, NO_ROOM
    }

    private record Queued(Instant notBefore, long seq, String taskId) {
    }

    private static final Comparator<Queued> BY_DUE_TIME = Comparator.comparing(Queued::notBefore).thenComparingLong(Queued::seq);

    private final Settings settings;

    private final Map<String, WorkerState> workers = new HashMap<>();
    private final Map<String, TaskEntry> tasks = new HashMap<>();
    private LogClock clock = LogClock.START;
    private Instant now;
    private final Set<Integer> caughtUp = new TreeSet<>();
    private long lastSeq;

    // Derived from the above, rebuilt by restore().
    private final Map<String, Allocation> allocations = new HashMap<>();
    private final CandidateIndex candidates;
    private final Set<String> draining = new HashSet<>();
    private final Set<String> engineDown = new HashSet<>();
    private final TreeMap<Long, String> ready = new TreeMap<>();
    private final TreeSet<Queued> delayed = new TreeSet<>(BY_DUE_TIME);
    private final TreeMap<Instant, Set<String>> deadlines = new TreeMap<>();
    private boolean retryWanted = true;
    private long resumeAfter = Long.MIN_VALUE;

    public PlacementStage(Settings settings, Scheduler scheduler) {
        this.settings = settings;
        this.candidates = scheduler.newIndex();
    }

    // ---- state, as stored ----

    /** Restores what a previous run stored; derived indexes (allocations, queue, deadlines) are rebuilt from it. */
    public void restore(Collection<WorkerState> storedWorkers, Map<String, TaskEntry> storedTasks, Meta meta) {
        workers.clear();
        tasks.clear();
        allocations.clear();
        candidates.clear();
        draining.clear();
        engineDown.clear();
        ready.clear();
        delayed.clear();
        deadlines.clear();
        clock = meta.clock();
        now = meta.now();
        caughtUp.clear();
        caughtUp.addAll(meta.caughtUp());
        lastSeq = meta.lastSeq();
        storedWorkers.forEach(worker -> workers.put(worker.id(), worker));
        storedTasks.forEach((id, entry) -> {
            tasks.put(id, entry);
            holds(id, entry).forEach(hold -> allocations.merge(hold.workerId(), Allocation.EMPTY.with(hold.held()),
                    (a, b) -> a.with(hold.held())));
            enqueue(id, entry);
        });
        workers.values().forEach(worker -> {
            index(worker);
            setDraining(worker);
            setEngineDown(worker);
            refreshCandidate(worker.id());
        });
        retryWanted = true;
        resumeAfter = Long.MIN_VALUE;
    }

    public Meta meta() {
        return new Meta(clock, now, List.copyOf(caughtUp), lastSeq);
    }

    public Optional<WorkerState> worker(String id) {
        return Optional.ofNullable(workers.get(id));
    }

    public Optional<TaskEntry> task(String id) {
        return Optional.ofNullable(tasks.get(id));
    }

    public Allocation allocation(String workerId) {
        return allocations.getOrDefault(workerId, Allocation.EMPTY);
    }

    /** Whether every partition of the task fold has caught up, so that the stage decides. */
    public boolean deciding() {
        return caughtUp.size() >= settings.partitions();
    }

    // ---- inputs ----

    /** A record of {@code cube.workers} read at {@code logTime}: a worker's event, or (with {@code event} null) a manager's tick. */
    public Step onWorkersRecord(WorkerEvent event, Instant logTime) {
        clock = clock.advance(logTime, settings.gap());
        Step step = step(logTime);
        step.meta = true;
        if (event != null) {
            apply(event, logTime, step);
        }
        declareLost(step);
        return step;
    }

    /** An operator's request read from {@code cube.worker-admin}: it does not move log time for liveness. */
    public Step onAdminRecord(WorkerEvent event, Instant logTime) {
        Step step = step(logTime);
        apply(event, logTime, step);
        WorkerState worker = workers.get(event.workerId());
        if (worker != null && worker.draining() && deciding()) {
            moveOff(worker.id(), step);
        }
        return step;
    }

    /** The task fold's latest view of a task, sent at {@code logTime}. */
    public Step onControl(TaskControl control, Instant logTime) {
        Step step = step(logTime);
        String id = control.taskId();
        TaskEntry before = tasks.get(id);
        TaskEntry after = switch (control.need()) {
            case NONE -> null;
            case PLACED -> placed(before, control);
            case WAITING -> waiting(before, control, logTime);
        };
        commit(id, before, after, step);
        if (after != null && deciding()) {
            if (after.waitsForAWorker() && !after.notBefore().isAfter(now)) {
                tryPlace(id, step);
            } else if (control.need() == TaskControl.Need.PLACED) {
                WorkerState worker = workers.get(control.workerId());
                if (worker != null && worker.liveness() == Liveness.LOST) {
                    String reason = "attempt " + control.attempt() + " was placed on worker " + worker.id() + ", which was lost";
                    step.decisions.add(lostDecision(id, control.attempt(), worker.id(), reason));
                }
            }
        }
        return step;
    }

    /** The task fold's partition {@code partition} has read the log as it was when the fold started. */
    public Step onCaughtUp(int partition, Instant logTime) {
        Step step = step(logTime);
        if (caughtUp.add(partition)) {
            step.meta = true;
            retryWanted = true;
            if (deciding()) {
                declareLost(step);
                retry(Integer.MAX_VALUE, step);
            }
        }
        return step;
    }

    /**
     * Retries what waits, when something changed that may let it go (capacity freed, a worker joined,
     * a backoff passed), looking at {@code budget} waiting tasks at most; moves work off draining workers.
     */
    public Step retry(int budget) {
        Step step = step(now);
        retry(budget, step);
        return step;
    }

    private void retry(int budget, Step step) {
        if (!deciding()) {
            return;
        }
        while (!delayed.isEmpty() && now != null && !delayed.first().notBefore().isAfter(now)) {
            Queued due = delayed.pollFirst();
            ready.put(due.seq(), due.taskId());
            retryWanted = true;
        }
        if (retryWanted && !ready.isEmpty()) {
            int looked = 0;
            Iterator<Map.Entry<Long, String>> it = ready.tailMap(resumeAfter, false).entrySet().iterator();
            List<String> toTry = new ArrayList<>();
            Long last = null;
            while (it.hasNext() && looked < budget) {
                Map.Entry<Long, String> next = it.next();
                toTry.add(next.getValue());
                last = next.getKey();
                looked++;
            }
            boolean finished = !it.hasNext();
            toTry.forEach(id -> tryPlace(id, step));
            if (finished) {
                retryWanted = false;
                resumeAfter = Long.MIN_VALUE;
            } else {
                resumeAfter = last;
            }
        }
        for (String workerId : List.copyOf(draining)) {
            if (allocations.containsKey(workerId)) {
                moveOff(workerId, step);
            }
        }
    }

    // ---- rules ----

    private void apply(WorkerEvent event, Instant logTime, Step step) {
        WorkerEvolution evolution = WorkerStateMachine.evolve(workers.get(event.workerId()), event, logTime);
        if (evolution instanceof WorkerEvolution.Applied applied) {
            setWorker(applied.state(), step);
        }
    }

    private TaskEntry placed(TaskEntry before, TaskControl control) {
        Placement decided = before == null ? null : before.decided();
        if (decided != null && decided.attempt() <= control.attempt()) {
            // Confirmed (the same attempt, there), or superseded (another decision won, or a later attempt is placed).
            decided = null;
        }
        return new TaskEntry(control, decided, null, 0, null);
    }

    private TaskEntry waiting(TaskEntry before, TaskControl control, Instant logTime) {
        Placement decided = before == null || before.decided() == null || before.decided().attempt() != control.attempt()
                ? null : before.decided();
        boolean sameWait = before != null && before.control().need() == TaskControl.Need.WAITING
                && before.control().attempt() == control.attempt();
        if (sameWait) {
            return new TaskEntry(control, decided, before.notBefore(), before.seq(), before.toldReason());
        }
        return new TaskEntry(control, decided, logTime.plusMillis(control.backoffMillis()), ++lastSeq, null);
    }

    private void tryPlace(String taskId, Step step) {
        TaskEntry entry = tasks.get(taskId);
        if (entry == null || !entry.waitsForAWorker()) {
            return;
        }
        TaskControl control = entry.control();
        Optional<Candidate> chosen = candidates.pick(control.resources(), this::heardFromWithinTtl);
        if (chosen.isPresent()) {
            String workerId = chosen.get().workerId();
            commit(taskId, entry, entry.withDecided(new Placement(control.attempt(), workerId)), step);
            step.decisions.add(new TaskDecision(taskId, taskId + "/" + control.attempt() + "/scheduled",
                    new TaskEvent.Scheduled(workerId, control.attempt())));
            return;
        }
        if (control.attempt() != 1) {
            return;
        }
        ReasonKind kind = candidates.any(this::heardFromWithinTtl) ? ReasonKind.NO_ROOM
                : engineDownWithinTtl().isEmpty() ? ReasonKind.NO_WORKER : ReasonKind.NO_ENGINE;
        if (!kind.name().equals(entry.toldReason())) {
            commit(taskId, entry, entry.withToldReason(kind.name()), step);
            step.decisions.add(new TaskDecision(taskId, taskId + "/1/unplaced/" + kind.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    new TaskEvent.Unplaced(unplacedReason(control.resources(), kind))));
        }
    }

    private void moveOff(String workerId, Step step) {
        for (Allocation.Held held : List.copyOf(allocation(workerId).attempts().values())) {
            TaskEntry entry = tasks.get(held.taskId());
            if (entry == null || entry.decided() != null || entry.control().need() != TaskControl.Need.PLACED
                    || !workerId.equals(entry.control().workerId())) {
                continue;
            }
            Optional<Candidate> target = candidates.pick(held.resources(), this::heardFromWithinTtl);
            if (target.isEmpty()) {
                continue;
            }
            int next = held.attempt() + 1;
            String targetId = target.get().workerId();
            commit(held.taskId(), entry, entry.withDecided(new Placement(next, targetId)), step);
            step.decisions.add(new TaskDecision(held.taskId(), held.taskId() + "/" + next + "/scheduled", new TaskEvent.Scheduled(targetId, next)));
        }
    }

    private void declareLost(Step step) {
        if (!deciding() || clock.last() == null || !clock.silentFor(null, settings.lostAfter())) {
            // No worker can be overdue while the end of the last gap is within TTL plus grace.
            return;
        }
        Instant threshold = clock.last().minus(settings.lostAfter());
        List<String> overdue = new ArrayList<>();
        deadlines.headMap(threshold, false).values().forEach(overdue::addAll);
        for (String workerId : overdue) {
            WorkerState worker = workers.get(workerId);
            if (worker == null || !clock.silentFor(worker.lastSeen(), settings.lostAfter())) {
                continue;
            }
            if (worker.liveness() == Liveness.LEFT && !allocations.containsKey(workerId)) {
                unindex(worker);
                continue;
            }
            String reason = "worker " + workerId + " sent no heartbeat for more than " + settings.lostAfter().toSeconds() + " s of log time";
            for (Allocation.Held held : allocation(workerId).attempts().values()) {
                step.decisions.add(lostDecision(held.taskId(), held.attempt(), workerId, reason));
            }
            step.decisions.add(new WorkerDecision(workerId, workerId + "/lost/" + worker.lastSeen().toEpochMilli(),
                    new WorkerEvent.Lost(workerId, worker.lastSeen(), reason)));
            setWorker(new WorkerState(worker.id(), worker.address(), worker.capacity(), worker.startedAt(), worker.stats(),
                    worker.lastSeen(), Liveness.LOST, worker.draining(), reason, worker.engine()), step);
        }
    }

    private static TaskDecision lostDecision(String taskId, int attempt, String workerId, String reason) {
        return new TaskDecision(taskId, taskId + "/" + attempt + "/lost", new TaskEvent.Lost(workerId, attempt, reason));
    }

    // ---- bookkeeping ----

    private Step step(Instant logTime) {
        if (logTime != null && (now == null || logTime.isAfter(now))) {
            now = logTime;
        }
        return new Step(now);
    }

    private record Hold(String workerId, Allocation.Held held) {
    }

    private static Set<Hold> holds(String taskId, TaskEntry entry) {
        if (entry == null) {
            return Set.of();
        }
        Set<Hold> holds = new HashSet<>(2);
        TaskControl control = entry.control();
        Resources resources = control.resources() == null ? Resources.NONE : control.resources();
        if (control.need() == TaskControl.Need.PLACED) {
            holds.add(new Hold(control.workerId(), new Allocation.Held(taskId, control.attempt(), resources)));
        }
        if (entry.decided() != null) {
            holds.add(new Hold(entry.decided().workerId(), new Allocation.Held(taskId, entry.decided().attempt(), resources)));
        }
        return holds;
    }

    /** Replaces {@code before} by {@code after} (null: the task is gone), keeping allocations and the queue in step. */
    private void commit(String taskId, TaskEntry before, TaskEntry after, Step step) {
        Set<Hold> was = holds(taskId, before);
        Set<Hold> is = holds(taskId, after);
        for (Hold hold : was) {
            if (!is.contains(hold)) {
                Allocation left = allocation(hold.workerId()).without(hold.held().key());
                setAllocation(hold.workerId(), left, step);
                retryWanted = true;
            }
        }
        for (Hold hold : is) {
            if (!was.contains(hold)) {
                setAllocation(hold.workerId(), allocation(hold.workerId()).with(hold.held()), step);
            }
        }
        dequeue(taskId, before);
        if (after == null) {
            tasks.remove(taskId);
        } else {
            tasks.put(taskId, after);
            enqueue(taskId, after);
        }
        step.tasks.add(taskId);
        step.meta = true;
    }

    private void enqueue(String taskId, TaskEntry entry) {
        if (!entry.waitsForAWorker()) {
            return;
        }
        if (now != null && !entry.notBefore().isAfter(now)) {
            ready.put(entry.seq(), taskId);
        } else {
            delayed.add(new Queued(entry.notBefore(), entry.seq(), taskId));
        }
    }

    private void dequeue(String taskId, TaskEntry entry) {
        if (entry == null || entry.notBefore() == null) {
            return;
        }
        ready.remove(entry.seq());
        delayed.remove(new Queued(entry.notBefore(), entry.seq(), taskId));
    }

    private void setAllocation(String workerId, Allocation allocation, Step step) {
        if (allocation.taskCount() == 0) {
            allocations.remove(workerId);
        } else {
            allocations.put(workerId, allocation);
        }
        refreshCandidate(workerId);
        step.allocations.add(workerId);
    }

    private void setWorker(WorkerState worker, Step step) {
        WorkerState before = workers.put(worker.id(), worker);
        if (before != null) {
            unindex(before);
        }
        index(worker);
        setDraining(worker);
        setEngineDown(worker);
        refreshCandidate(worker.id());
        if (before == null || before.liveness() != worker.liveness() || before.draining() != worker.draining()
                || before.engineAnswers() != worker.engineAnswers() || !Objects.equals(before.capacity(), worker.capacity())) {
            retryWanted = true;
        }
        step.workers.add(worker.id());
    }

    private void index(WorkerState worker) {
        if ((worker.liveness() == Liveness.LIVE || worker.liveness() == Liveness.LEFT) && worker.lastSeen() != null) {
            deadlines.computeIfAbsent(worker.lastSeen(), t -> new LinkedHashSet<>()).add(worker.id());
        }
    }

    private void unindex(WorkerState worker) {
        if (worker.lastSeen() == null) {
            return;
        }
        Set<String> at = deadlines.get(worker.lastSeen());
        if (at != null && at.remove(worker.id()) && at.isEmpty()) {
            deadlines.remove(worker.lastSeen());
        }
    }

    private void setDraining(WorkerState worker) {
        if (worker.draining()) {
            draining.add(worker.id());
        } else {
            draining.remove(worker.id());
        }
    }

    /** Keeps {@link #engineDown}: the live workers, not draining, that would be candidates but for their engine. */
    private void setEngineDown(WorkerState worker) {
        if (worker.liveness() == Liveness.LIVE && !worker.draining() && !worker.engineAnswers() && worker.capacity() != null) {
            engineDown.add(worker.id());
        } else {
            engineDown.remove(worker.id());
        }
    }

    /** The workers heard from within their TTL that take no new work only because their engine does not answer, in id order. */
    private List<String> engineDownWithinTtl() {
        return engineDown.stream().filter(id -> !clock.silentFor(workers.get(id).lastSeen(), settings.ttl())).sorted().toList();
    }

    private void refreshCandidate(String workerId) {
        WorkerState worker = workers.get(workerId);
        if (worker == null || worker.liveness() != Liveness.LIVE || worker.draining() || !worker.engineAnswers() || worker.capacity() == null) {
            candidates.remove(workerId);
            return;
        }
        Allocation allocation = allocation(workerId);
        candidates.put(new Candidate(workerId, worker.capacity(), allocation.total(), allocation.taskCount(), worker.stats()));
    }

    /** Whether the candidate's worker was heard from within its TTL, in log time: only those take new work. */
    private boolean heardFromWithinTtl(Candidate candidate) {
        return !clock.silentFor(workers.get(candidate.workerId()).lastSeen(), settings.ttl());
    }

    private String unplacedReason(Resources need, ReasonKind kind) {
        if (kind == ReasonKind.NO_WORKER) {
            return "no live worker takes new work: waiting for a worker to join";
        }
        if (kind == ReasonKind.NO_ENGINE) {
            List<String> down = engineDownWithinTtl();
            String named = down.size() <= 5 ? String.join(", ", down) : String.join(", ", down.subList(0, 5)) + " and " + (down.size() - 5) + " more";
            return (down.size() == 1 ? "no live worker takes new work: the container engine of worker " + named + " does not answer"
                    : "no live worker takes new work: the container engines of workers " + named + " do not answer")
                    + "; waiting for one to answer or a worker to join";
        }
        Candidate roomiest = candidates.candidates().stream().filter(this::heardFromWithinTtl)
                .max(Comparator.comparingLong(Candidate::freeMemory).thenComparingDouble(Candidate::freeCpu)).orElseThrow();
        return String.format(Locale.ROOT, "no worker has room for %s cpu, %d MB memory, %d MB disk (most free: %s with %s cpu, %d MB memory, %d MB disk)",
                trim(need.cpu()), need.memory(), need.disk(), roomiest.workerId(), trim(roomiest.freeCpu()), roomiest.freeMemory(), roomiest.freeDisk());
    }

    private static String trim(double cores) {
        return String.format(Locale.ROOT, "%.2f", cores).replaceAll("\\.?0+$", "");
    }
}
