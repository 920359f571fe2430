package dev.cube.manager.projection;

import dev.cube.events.AssignmentEvent;
import dev.cube.events.CubeEvent;
import dev.cube.events.EventData;
import dev.cube.events.PlacementEvent;
import dev.cube.events.PlacementEvent.Resources;
import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.wire.CloudEventCodec;
import dev.cube.events.wire.InvalidEventException;
import dev.cube.manager.scheduling.Allocation;
import dev.cube.manager.scheduling.Candidate;
import dev.cube.manager.scheduling.Scheduler;
import dev.cube.manager.scheduling.WorkerInfo;
import dev.cube.manager.scheduling.WorkerView;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The scheduling stage: the single writer of every worker's allocation. It reads
 * {@code cube.placement} (one partition), places requested attempts on workers with room, declares
 * silent workers lost, and moves work off draining workers. Its decisions are task events
 * ({@code scheduled}, {@code unplaced}, {@code lost}) appended to {@code cube.task-events}; the task
 * fold turns them into orders for the workers.
 */
final class PlacementProcessor implements Processor<String, byte[], String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(PlacementProcessor.class);
    static final String SOURCE = "/cube/scheduler";
    private static final Duration SCAN_BUDGET = Duration.ofMillis(100);

    /** A request waiting in the queue; {@code lastReason} is the last reason told to the task. */
    record Waiting(PlacementEvent.Requested request, long seq, String lastReason) {
    }

    private final WorkerView workers;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Duration interval;
    private final Duration lostAfter;

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, Allocation> allocations;
    /** The allocations store, decoded once: this stage is its only writer, and a re-initialised task rebuilds it. */
    private final Map<String, Allocation> allocated = new HashMap<>();
    /** The workers taking work, with what they hold; rebuilt when the workers change and at every tick. */
    private final Map<String, Candidate> candidates = new HashMap<>();
    private long candidatesVersion = -1;
    private KeyValueStore<String, Waiting> requests;
    private KeyValueStore<String, String> queue;
    private long lastSeq;
    private long seenRegistryVersion = -1;
    private boolean capacityFreed;
    private Instant lastFullScan = Instant.EPOCH;

    PlacementProcessor(WorkerView workers, Scheduler scheduler, Clock clock, Duration interval, Duration lostAfter) {
        this.workers = workers;
        this.scheduler = scheduler;
        this.clock = clock;
        this.interval = interval;
        this.lostAfter = lostAfter;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.allocations = context.getStateStore(TaskProjection.ALLOCATIONS_STORE);
        this.requests = context.getStateStore(TaskProjection.PLACEMENT_REQUESTS_STORE);
        this.queue = context.getStateStore(TaskProjection.PLACEMENT_QUEUE_STORE);
        allocated.clear();
        try (KeyValueIterator<String, Allocation> it = allocations.all()) {
            it.forEachRemaining(entry -> allocated.put(entry.key, entry.value));
        }
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, now -> tick());
    }

    @Override
    public void process(Record<String, byte[]> record) {
        CubeEvent event;
        try {
            event = CloudEventCodec.decode(record.value());
        } catch (InvalidEventException e) {
            TaskEventProcessor.deadLetter(context, record, e.field(), e.reason());
            return;
        }
        switch (event.data()) {
            case PlacementEvent.Requested requested -> request(requested);
            case PlacementEvent.Released released -> release(released);
            default -> TaskEventProcessor.deadLetter(context, record, "type", "not a placement event: " + event.type().typeName());
        }
    }

    private void request(PlacementEvent.Requested requested) {
        Waiting known = requests.get(requested.taskId());
        if (known != null && known.request().attempt() >= requested.attempt()) {
            return;
        }
        lastSeq = Math.max(lastSeq + 1, clock.millis() * 1000);
        Waiting waiting = new Waiting(requested, lastSeq, null);
        requests.put(requested.taskId(), waiting);
        queue.put(seqKey(lastSeq), requested.taskId());
        if (isDue(requested)) {
            tryPlace(waiting, candidates());
        }
    }

    private void release(PlacementEvent.Released released) {
        if (released.workerId() != null) {
            Allocation held = allocated.get(released.workerId());
            if (held != null) {
                Allocation after = held.without(released.taskId(), released.attempt());
                if (after != held) {
                    put(released.workerId(), after);
                    capacityFreed = true;
                }
            }
        }
        Waiting waiting = requests.get(released.taskId());
        if (waiting != null && waiting.request().attempt() <= released.attempt()) {
            requests.delete(released.taskId());
        }
    }

    private void tick() {
        if (!workers.caughtUp()) {
            return;
        }
        candidatesVersion = -1;
        declareLostWorkers();
        moveWorkOffDrainingWorkers();
        Instant now = clock.instant();
        long version = workers.version();
        if (capacityFreed || version != seenRegistryVersion || !now.isBefore(lastFullScan.plusSeconds(1))) {
            capacityFreed = false;
            seenRegistryVersion = version;
            lastFullScan = now;
            scanQueue();
        }
    }

    private void scanQueue() {
        long deadline = System.nanoTime() + SCAN_BUDGET.toNanos();
        Map<String, Candidate> candidates = candidates();
        List<String> done = new ArrayList<>();
        try (KeyValueIterator<String, String> it = queue.all()) {
            while (it.hasNext() && System.nanoTime() < deadline) {
                var entry = it.next();
                Waiting waiting = requests.get(entry.value);
                if (waiting == null || !seqKey(waiting.seq()).equals(entry.key)) {
                    done.add(entry.key);
                } else if (isDue(waiting.request()) && tryPlace(waiting, candidates)) {
                    done.add(entry.key);
                }
            }
        }
        done.forEach(queue::delete);
    }

    /** Places the request if a worker has room; answers whether it did. */
    private boolean tryPlace(Waiting waiting, Map<String, Candidate> candidates) {
        PlacementEvent.Requested request = waiting.request();
        Optional<Candidate> chosen = scheduler.pick(request.resources(), List.copyOf(candidates.values()));
        if (chosen.isPresent()) {
            String workerId = chosen.get().workerId();
            Allocation after = allocationOf(workerId).with(request.taskId(), new Allocation.Held(request.attempt(), request.resources(), false));
            put(workerId, after);
            requests.delete(request.taskId());
            appendTaskEvent(request.taskId(), new TaskEvent.Scheduled(workerId, request.attempt()));
            return true;
        }
        String reason = unplacedReason(request.resources(), candidates);
        if (request.attempt() == 1 && !reason.equals(waiting.lastReason())) {
            requests.put(request.taskId(), new Waiting(request, waiting.seq(), reason));
            appendTaskEvent(request.taskId(), new TaskEvent.Unplaced(reason));
        }
        return false;
    }

    private void declareLostWorkers() {
        Instant now = clock.instant();
        List<String> lost = new ArrayList<>();
        allocated.forEach((workerId, allocation) -> {
            Optional<WorkerInfo> info = workers.get(workerId);
            if (info.isEmpty() || info.get().lastSeen().plus(lostAfter).isBefore(now)) {
                lost.add(workerId);
            }
        });
        for (String workerId : lost) {
            Instant lastSeen = workers.get(workerId).map(WorkerInfo::lastSeen).orElse(null);
            String reason = "worker " + workerId + " sent no heartbeat for more than " + lostAfter.toSeconds() + " s";
            LOG.warn("{}: declaring its {} attempts lost", reason, allocated.get(workerId).taskCount());
            allocated.get(workerId).attempts().forEach((taskId, held) -> {
                appendTaskEvent(taskId, new TaskEvent.Lost(workerId, held.attempt(), reason));
                // A fence: should the worker come back, it stops what was moved away before anything else.
                CubeEvent stop = CubeEvent.of(SOURCE, taskId, clock.instant(),
                        new AssignmentEvent.Stop(workerId, taskId, held.attempt(), "worker was declared lost"));
                context.forward(new Record<String, Object>(workerId, stop, clock.millis()), TaskProjection.ASSIGNMENTS_SINK);
            });
            put(workerId, Allocation.EMPTY);
            CubeEvent workerLost = CubeEvent.of(SOURCE, workerId, clock.instant(), new WorkerEvent.Lost(workerId, lastSeen, reason));
            context.forward(new Record<String, Object>(workerId, workerLost, clock.millis()), TaskProjection.WORKERS_SINK);
        }
    }

    private void moveWorkOffDrainingWorkers() {
        List<WorkerInfo> draining = workers.all().stream().filter(WorkerInfo::draining).toList();
        if (draining.isEmpty()) {
            return;
        }
        Map<String, Candidate> candidates = candidates();
        for (WorkerInfo worker : draining) {
            Allocation held = allocated.get(worker.id());
            if (held == null) {
                continue;
            }
            Allocation updated = held;
            for (var entry : held.attempts().entrySet()) {
                Allocation.Held attempt = entry.getValue();
                if (attempt.moving()) {
                    continue;
                }
                Optional<Candidate> target = scheduler.pick(attempt.resources(), List.copyOf(candidates.values()));
                if (target.isEmpty()) {
                    continue;
                }
                String taskId = entry.getKey();
                int next = attempt.attempt() + 1;
                String targetId = target.get().workerId();
                Allocation there = allocationOf(targetId).with(taskId, new Allocation.Held(next, attempt.resources(), false));
                put(targetId, there);
                updated = updated.with(taskId, new Allocation.Held(attempt.attempt(), attempt.resources(), true));
                appendTaskEvent(taskId, new TaskEvent.Scheduled(targetId, next));
                LOG.info("draining {}: moving task {} to {} as attempt {}", worker.id(), taskId, targetId, next);
            }
            if (updated != held) {
                put(worker.id(), updated);
            }
        }
    }

    private Map<String, Candidate> candidates() {
        long version = workers.version();
        if (version != candidatesVersion) {
            candidates.clear();
            for (WorkerInfo worker : workers.takingWork()) {
                candidates.put(worker.id(), candidate(worker, allocationOf(worker.id())));
            }
            candidatesVersion = version;
        }
        return candidates;
    }

    private static Candidate candidate(WorkerInfo worker, Allocation allocation) {
        return new Candidate(worker.id(), worker.capacity(), allocation.total(), allocation.taskCount(), worker.stats());
    }

    private static String unplacedReason(Resources need, Map<String, Candidate> candidates) {
        if (candidates.isEmpty()) {
            return "no live worker takes new work: waiting for a worker to join";
        }
        Candidate roomiest = candidates.values().stream()
                .max(java.util.Comparator.comparingLong(Candidate::freeMemory).thenComparingDouble(Candidate::freeCpu)).orElseThrow();
        return String.format(Locale.ROOT, "no worker has room for %s cpu, %d MB memory, %d MB disk (most free: %s with %s cpu, %d MB memory, %d MB disk)",
                trim(need.cpu()), need.memory(), need.disk(), roomiest.workerId(), trim(roomiest.freeCpu()), roomiest.freeMemory(), roomiest.freeDisk());
    }

    private static String trim(double cores) {
        return String.format(Locale.ROOT, "%.2f", cores).replaceAll("\\.?0+$", "");
    }

    private boolean isDue(PlacementEvent.Requested request) {
        return request.notBefore() == null || !request.notBefore().isAfter(clock.instant());
    }

    private Allocation allocationOf(String workerId) {
        return allocated.getOrDefault(workerId, Allocation.EMPTY);
    }

    private void put(String workerId, Allocation allocation) {
        Candidate candidate = candidates.get(workerId);
        if (candidate != null) {
            candidates.put(workerId, new Candidate(workerId, candidate.capacity(), allocation.total(), allocation.taskCount(), candidate.stats()));
        }
        if (allocation.taskCount() == 0) {
            allocated.remove(workerId);
            allocations.delete(workerId);
        } else {
            allocated.put(workerId, allocation);
            allocations.put(workerId, allocation);
        }
    }

    private void appendTaskEvent(String taskId, EventData data) {
        CubeEvent event = CubeEvent.of(SOURCE, taskId, clock.instant(), data);
        context.forward(new Record<String, Object>(taskId, event, clock.millis()), TaskProjection.TASK_EVENTS_SINK);
    }

    private static String seqKey(long seq) {
        return String.format("%019d", seq);
    }
}
