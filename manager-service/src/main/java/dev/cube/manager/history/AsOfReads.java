package dev.cube.manager.history;

import dev.cube.events.state.TaskState;
import dev.cube.events.topics.Topic;
import dev.cube.events.topics.Topics;
import dev.cube.manager.read.TaskReads;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The state of a task, or of every task, as of an instant: what {@link TaskHistory} folds from the log,
 * read from the log only where the projection's store cannot tell.
 *
 * <p>The bound of an instant {@code T} on a partition is the first offset whose log time is after
 * {@code T} (Kafka's time index, {@code ListOffsets} by timestamp). Where the fold of that partition
 * has gone past the bound (every record before it is in the store), a task whose events all lie
 * before it is, as of {@code T}, what the store holds; a task whose first event lies at or after it
 * did not exist yet. Only the tasks that straddle the bound (or that the fold has not reached) are
 * folded from the log, from their own first offset, by the same fold as {@code cube replay}
 * ({@link LogFold}). The answers are those of {@link TaskHistory#asOf} and {@link TaskHistory#allAsOf}
 * (a test holds them equal), at the cost of a lookup instead of a read of the log, for the usual
 * question (a task after its last change, or before its submission).
 *
 * <p>Thread-safe: the admin client is; each read of the log opens its own reader.
 */
public final class AsOfReads implements AutoCloseable {

    private static final long ADMIN_TIMEOUT_MS = 10_000;

    /** The tasks of the partitions this instance folds, with where their events are. */
    public interface LocalTasks {

        /** Hands {@code sink} every task of {@code partition} and answers true, or answers false when the partition is not folded here. */
        boolean foldedOf(int partition, Consumer<TaskReads.Folded> sink);
    }

    private final TaskReads store;
    private final LocalTasks local;
    private final TaskHistory history;
    private final dev.cube.events.origin.OriginCheck origins;
    private final dev.cube.kafka.KafkaClientConfig kafka;
    private final Admin admin;
    private final int partitions;

    /** @param origins refuses, as the live fold does, what origin proofs do not allow (see {@link TaskHistory}) */
    public AsOfReads(dev.cube.kafka.KafkaClientConfig kafka, dev.cube.events.origin.OriginCheck origins, TaskReads store, LocalTasks local) {
        this.kafka = kafka;
        this.origins = origins;
        this.store = store;
        this.local = local;
        this.history = new TaskHistory(kafka, origins);
        this.admin = Admin.create(kafka.clientConfig(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "cube-manager-as-of")));
        this.partitions = Topics.TASK_EVENTS.partitions();
    }

    /** Task {@code id} as of {@code at}: its state after the last of its events whose log time is at or before it; empty before its first. */
    public Optional<TaskState> task(String id, Instant at) {
        Optional<TaskReads.Folded> folded = store.folded(id);
        if (folded.isEmpty()) {
            return Optional.empty();
        }
        TaskReads.Folded task = folded.get();
        int partition = Topic.partitionOf(id, partitions);
        long bound = bounds(at, Set.of(partition)).get(partition);
        if (bound <= task.firstOffset()) {
            return Optional.empty();
        }
        long through = task.foldedThrough();
        if (task.lastOffset() < bound) {
            if (through >= bound - 1) {
                return Optional.of(task.state());
            }
            // The fold has not reached the bound (an instant close to now): the store's state holds unless the
            // task has records between what is folded and the bound.
            if (through >= 0 && task.lastOffset() <= through) {
                try (EventLogReader reader = new EventLogReader(kafka, "cube-manager-as-of")) {
                    if (!keysBetween(reader, partition, through + 1, at).contains(id)) {
                        return Optional.of(task.state());
                    }
                }
            }
        }
        return history.asOf(id, task.firstOffset(), at).map(TaskState::forReaders);
    }

    /**
     * Every task's state as of {@code at}, by task id, in id order. The partitions this instance folds are
     * answered as above; the others are folded from the log, whole, up to the bound.
     */
    public Map<String, TaskState> all(Instant at) {
        Set<Integer> every = new HashSet<>();
        for (int p = 0; p < partitions; p++) {
            every.add(p);
        }
        Map<Integer, Long> bounds = bounds(at, every);
        TreeMap<String, TaskState> then = new TreeMap<>();
        try (EventLogReader reader = new EventLogReader(kafka, "cube-manager-as-of")) {
            for (int p = 0; p < partitions; p++) {
                long bound = bounds.get(p);
                // The tasks to fold from the log, with the first offset of each; null: every task of the partition.
                Map<String, Long> fold = new HashMap<>();
                long[] through = {-1};
                boolean here = local.foldedOf(p, task -> {
                    through[0] = task.foldedThrough();
                    if (bound <= task.firstOffset()) {
                        return;
                    }
                    if (task.lastOffset() < bound && (task.foldedThrough() >= bound - 1 || task.lastOffset() <= task.foldedThrough())) {
                        then.put(task.state().id(), task.state());
                    } else {
                        fold.put(task.state().id(), task.firstOffset());
                    }
                });
                long start;
                Predicate<String> wanted;
                if (here) {
                    long from = through[0] + 1;
                    if (from < bound) {
                        // The fold has not reached the bound: what lies between its position and the bound is unknown
                        // to the store (new tasks, later events of known ones). Those tasks are folded from the log too.
                        for (String id : keysBetween(reader, p, from, at)) {
                            if (!fold.containsKey(id)) {
                                then.remove(id);
                                fold.put(id, store.folded(id).map(TaskReads.Folded::firstOffset).orElse(from));
                            }
                        }
                    }
                    if (fold.isEmpty()) {
                        continue;
                    }
                    start = fold.values().stream().mapToLong(Long::longValue).min().orElseThrow();
                    wanted = fold::containsKey;
                } else {
                    start = 0;
                    wanted = key -> true;
                }
                LogFold folding = new LogFold(partitions, true, origins);
                reader.read(Map.of(p, start), Optional.of(at), record -> {
                    if (record.key() != null && wanted.test(record.key())) {
                        folding.apply(record);
                    }
                }, EventLogReader.Progress.NONE);
                folding.states().forEach((id, state) -> then.put(id, state.forReaders()));
            }
        }
        return then;
    }

    /** The keys of the records of {@code partition} from {@code from} to the last whose log time is at or before {@code at}. */
    private static Set<String> keysBetween(EventLogReader reader, int partition, long from, Instant at) {
        Set<String> keys = new HashSet<>();
        reader.read(Map.of(partition, from), Optional.of(at), record -> {
            if (record.key() != null) {
                keys.add(record.key());
            }
        }, EventLogReader.Progress.NONE);
        return keys;
    }

    /** On each of {@code wanted}, the first offset whose log time is after {@code at}: the end of the committed log when there is none. */
    private Map<Integer, Long> bounds(Instant at, Set<Integer> wanted) {
        long after = at.toEpochMilli() + 1;
        Map<TopicPartition, OffsetSpec> byTime = new HashMap<>();
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        for (int p : wanted) {
            TopicPartition tp = new TopicPartition(Topics.TASK_EVENTS.name(), p);
            byTime.put(tp, OffsetSpec.forTimestamp(after));
            ends.put(tp, OffsetSpec.latest());
        }
        ListOffsetsOptions committed = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
        try {
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> found = admin.listOffsets(byTime, committed).all()
                    .get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = null;
            Map<Integer, Long> bounds = new HashMap<>();
            for (TopicPartition tp : byTime.keySet()) {
                long offset = found.get(tp).offset();
                if (offset < 0) {
                    if (end == null) {
                        end = admin.listOffsets(ends, committed).all().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                    }
                    offset = end.get(tp).offset();
                }
                bounds.put(tp.partition(), offset);
            }
            return bounds;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking Kafka where " + at + " is on the log", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not say where " + at + " is on the log: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
