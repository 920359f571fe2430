package dev.cube.manager.cluster;

import dev.cube.core.placement.Allocation;
import dev.cube.core.worker.WorkerState;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStatus;
import dev.cube.manager.ManagerApplication;
import dev.cube.manager.ManagerSettings;
import dev.cube.manager.projection.FoldedTask;
import dev.cube.manager.projection.ProjectionRunner;
import dev.cube.manager.projection.TaskProjection;
import dev.cube.manager.read.FoldPositions;
import dev.cube.kafka.KafkaClientConfig;
import dev.cube.kafka.LogEnds;
import dev.cube.events.topics.Topics;
import dev.cube.manager.read.TaskPage;
import dev.cube.manager.read.TaskReads;
import dev.cube.manager.read.WorkerReads.WorkerView;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Reads of the store partitions this instance holds, the active ones or, when asked, a standby copy no
 * further behind its changelog than {@code cube.manager.max-standby-lag}. Throws
 * {@link NotHeldHereException} when this instance holds no such copy now. The task stores' partitions are
 * those of {@code cube.task-events}; the placement stage's stores have one, 0. Thread-safe.
 */
@Singleton
@Requires(property = ManagerApplication.ENABLED, value = "true")
public final class LocalStores {

    /** The placement stage's stores have one partition: its inputs have one. */
    public static final int PLACEMENT_PARTITION = 0;

    private final ProjectionRunner projection;
    private final long maxStandbyLag;
    private final FoldPositions positions;
    private final KafkaClientConfig kafka;

    public LocalStores(ProjectionRunner projection, ManagerSettings settings, FoldPositions positions, KafkaClientConfig kafka) {
        this.kafka = kafka;
        this.projection = projection;
        this.maxStandbyLag = settings.maxStandbyLag();
        this.positions = positions;
    }

    /** The task as partition {@code partition} holds it (null: no such task there), and where its events start. */
    PeerAnswers.TaskAnswer task(int partition, String id, Copy copy) {
        return read(() -> {
            FoldedTask folded = this.<FoldedTask>store(TaskProjection.TASK_STATE_STORE, partition, copy).get(id);
            if (folded == null) {
                requireWholeCopy(TaskProjection.TASK_STATE_STORE, partition, copy, "say task " + id + " is not there");
                requireFoldCaughtUp(partition, copy, "say task " + id + " is not there");
                return new PeerAnswers.TaskAnswer(null, null, null, null);
            }
            OptionalLong through = copy == Copy.ACTIVE ? positions.foldedThrough(partition) : OptionalLong.empty();
            return new PeerAnswers.TaskAnswer(folded.state().forReaders(), folded.firstOffset(), folded.lastOffset(),
                    through.isPresent() ? through.getAsLong() : null);
        });
    }

    /** The partition's share of a list: how many of its tasks are in {@code state} (any, when null), and the first {@code wanted} in id order. */
    public TaskPage.Slice slice(int partition, TaskStatus state, int wanted, Copy copy) {
        return read(() -> {
            ReadOnlyKeyValueStore<String, FoldedTask> store = this.store(TaskProjection.TASK_STATE_STORE, partition, copy);
            requireWholeCopy(TaskProjection.TASK_STATE_STORE, partition, copy, "list every task of the partition");
            requireFoldCaughtUp(partition, copy, "list every task of the partition");
            try (KeyValueIterator<String, FoldedTask> all = store.all()) {
                return TaskPage.Slice.of(partition, new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return all.hasNext();
                    }

                    @Override
                    public TaskState next() {
                        return all.next().value.state().forReaders();
                    }
                }, state, wanted);
            }
        });
    }

    /**
     * Hands {@code sink} every task of partition {@code partition} whose active copy this instance holds, with
     * where its events are ({@code foldedThrough} is the fold's position here).
     *
     * @throws NotHeldHereException when this instance does not fold the partition now
     */
    public void foldedOf(int partition, java.util.function.Consumer<TaskReads.Folded> sink) {
        long through = positions.foldedThrough(partition).orElseThrow(() -> new NotHeldHereException("partition " + partition + " is not folded here"));
        read(() -> {
            try (KeyValueIterator<String, FoldedTask> all = this.<FoldedTask>store(TaskProjection.TASK_STATE_STORE, partition, Copy.ACTIVE).all()) {
                while (all.hasNext()) {
                    FoldedTask folded = all.next().value;
                    sink.accept(new TaskReads.Folded(folded.state().forReaders(), folded.firstOffset(), folded.lastOffset(), through));
                }
            }
            return null;
        });
    }

    /**
     * How many tasks are in each observed state in the partitions of the task stores whose active copy this
     * instance holds now (of {@code partitions}): summed over the instances, the whole projection's.
     */
    public Map<TaskStatus, Long> countsOfActivePartitions(int partitions) {
        Map<TaskStatus, Long> counts = new EnumMap<>(TaskStatus.class);
        for (int partition = 0; partition < partitions; partition++) {
            try {
                int p = partition;
                read(() -> {
                    try (KeyValueIterator<String, FoldedTask> all = this.<FoldedTask>store(TaskProjection.TASK_STATE_STORE, p, Copy.ACTIVE).all()) {
                        while (all.hasNext()) {
                            counts.merge(all.next().value.state().state(), 1L, Long::sum);
                        }
                    }
                    return null;
                });
            } catch (NotHeldHereException e) {
                // another instance folds it, or none does now
            }
        }
        return counts;
    }

    public List<WorkerView> workers(Copy copy) {
        return read(() -> {
            ReadOnlyKeyValueStore<String, Allocation> allocations = store(TaskProjection.ALLOCATIONS_STORE, PLACEMENT_PARTITION, copy);
            List<WorkerView> views = new ArrayList<>();
            try (KeyValueIterator<String, WorkerState> all = this.<WorkerState>store(TaskProjection.WORKERS_STORE, PLACEMENT_PARTITION, copy).all()) {
                while (all.hasNext()) {
                    KeyValue<String, WorkerState> next = all.next();
                    views.add(new WorkerView(next.value, orEmpty(allocations.get(next.key))));
                }
            }
            return views;
        });
    }

    public Optional<WorkerView> worker(String id, Copy copy) {
        return read(() -> {
            Optional<WorkerView> view = Optional.ofNullable(this.<WorkerState>store(TaskProjection.WORKERS_STORE, PLACEMENT_PARTITION, copy).get(id))
                    .map(worker -> new WorkerView(worker,
                            orEmpty(this.<Allocation>store(TaskProjection.ALLOCATIONS_STORE, PLACEMENT_PARTITION, copy).get(id))));
            if (view.isEmpty()) {
                requireWholeCopy(TaskProjection.WORKERS_STORE, PLACEMENT_PARTITION, copy, "say worker " + id + " is not there");
            }
            return view;
        });
    }

    private static Allocation orEmpty(Allocation allocation) {
        return allocation == null ? Allocation.EMPTY : allocation;
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name, int partition, Copy copy) {
        KafkaStreams streams = projection.streams().orElseThrow(() -> new NotHeldHereException("the projection has not started yet"));
        StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> query =
                StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()).withPartition(partition);
        if (copy == Copy.ANY) {
            requireFreshCopy(streams, name, partition);
            query = query.enableStaleStores();
        }
        return streams.store(query);
    }

    /**
     * A copy that is not the running active one answers what it holds, up to {@code maxStandbyLag} records old
     * (KIP-535); but what it does not hold may be in the records it has not read yet: it says something is
     * absent (a 404, a list said to be whole) only when it has read its changelog to the end.
     */
    private void requireWholeCopy(String name, int partition, Copy copy, String what) {
        if (copy == Copy.ACTIVE) {
            return;
        }
        KafkaStreams streams = projection.streams().orElseThrow(() -> new NotHeldHereException("the projection has not started yet"));
        long behind = lagOf(streams, name, partition).offsetLag();
        if (behind > 0) {
            throw new NotHeldHereException("the copy of partition " + partition + " of " + name + " here is " + behind
                    + " records behind its changelog: it cannot " + what);
        }
    }

    /**
     * The running active copy of a partition that has just moved here (its last owner died) is restored from
     * the changelog, which lacks what the last owner folded but had not committed; its fold folds that again
     * from the log at once. Until it has, it cannot say a task is absent.
     */
    private void requireFoldCaughtUp(int partition, Copy copy, String what) {
        if (copy != Copy.ACTIVE) {
            return;
        }
        if (!positions.caughtUpSinceStart(partition, () -> LogEnds.lastRecordOffsets(kafka, Topics.TASK_EVENTS.name()).getOrDefault(partition, -1L))) {
            throw new NotHeldHereException("the fold of partition " + partition + " here has not yet read the log as far as it reached when the "
                    + "partition came here: it cannot " + what);
        }
    }

    private static LagInfo lagOf(KafkaStreams streams, String name, int partition) {
        LagInfo lag = streams.allLocalStorePartitionLags().getOrDefault(name, Map.of()).get(partition);
        if (lag == null) {
            throw new NotHeldHereException("no copy of partition " + partition + " of " + name + " here");
        }
        return lag;
    }

    private void requireFreshCopy(KafkaStreams streams, String name, int partition) {
        LagInfo lag = lagOf(streams, name, partition);
        if (lag.offsetLag() > maxStandbyLag) {
            throw new NotHeldHereException("the copy of partition " + partition + " of " + name + " here is " + lag.offsetLag()
                    + " records behind its changelog (more than cube.manager.max-standby-lag, " + maxStandbyLag + ")");
        }
    }

    private static <T> T read(Supplier<T> read) {
        try {
            return read.get();
        } catch (InvalidStateStoreException e) {
            throw new NotHeldHereException("the store is not available here now (" + e.getMessage() + ")", e);
        } catch (StreamsException | IllegalStateException e) {
            throw new NotHeldHereException("the projection is not available here now (" + e.getMessage() + ")", e);
        }
    }
}
