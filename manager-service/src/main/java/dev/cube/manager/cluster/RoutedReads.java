package dev.cube.manager.cluster;

import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStatus;
import dev.cube.events.topics.Topic;
import dev.cube.manager.ManagerApplication;
import dev.cube.manager.projection.ProjectionRunner;
import dev.cube.manager.projection.TaskProjection;
import dev.cube.manager.read.ProjectionUnavailableException;
import dev.cube.manager.read.TaskPage;
import dev.cube.manager.read.TaskReads;
import dev.cube.manager.read.WorkerReads;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.HostInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The read ports answered by whichever manager instance holds each store partition, so that any
 * instance answers any read the same way. For a partition it asks, in this order:
 * <ol>
 *   <li>the active copy's instance, as the group's assignment names it ({@code queryMetadataForKey}):
 *       this one's own store, or another instance over the internal API ({@link PeerController});</li>
 *   <li>if that fails (the instance is gone, the group is rebalancing), each standby copy, this
 *       instance's first, which answers only if it is within {@code cube.manager.max-standby-lag} of its
 *       changelog (KIP-535);</li>
 *   <li>if none can: {@link ProjectionUnavailableException}, which the API answers with 503 and
 *       {@code Retry-After}: never a 404 or an empty list in place of what it cannot see.</li>
 * </ol>
 * A list asks every partition of the task stores and merges them in id order; the workers live in the
 * placement stage's stores, which have one partition. Thread-safe.
 */
@Singleton
@Requires(property = ManagerApplication.ENABLED, value = "true")
public final class RoutedReads implements TaskReads, WorkerReads {

    private final ProjectionRunner projection;
    private final LocalStores local;
    private final PeerClient peers;

    public RoutedReads(ProjectionRunner projection, LocalStores local,
                       @io.micronaut.context.annotation.Value("${cube.security.cluster-secret:}") String clusterSecret, java.time.Clock clock) {
        this.projection = projection;
        this.local = local;
        this.peers = new PeerClient(Duration.ofSeconds(1), Duration.ofSeconds(5), PeerProof.of(clusterSecret), clock);
    }

    // ---- TaskReads ----

    @Override
    public Optional<TaskState> task(String id) {
        return Optional.ofNullable(taskAnswer(id).task());
    }

    @Override
    public Optional<Long> firstOffset(String id) {
        return Optional.ofNullable(taskAnswer(id).firstOffset());
    }

    @Override
    public Optional<Folded> folded(String id) {
        PeerAnswers.TaskAnswer answer = taskAnswer(id);
        if (answer.task() == null) {
            return Optional.empty();
        }
        // An older instance answers without offsets: the first is all it knows, and nothing is known to be folded.
        long first = answer.firstOffset() == null ? 0 : answer.firstOffset();
        long last = answer.lastOffset() == null ? Long.MAX_VALUE : answer.lastOffset();
        return Optional.of(new Folded(answer.task(), first, last, answer.foldedThrough() == null ? -1 : answer.foldedThrough()));
    }

    private PeerAnswers.TaskAnswer taskAnswer(String id) {
        int partition = Topic.partitionOf(id, projection.taskPartitions());
        return onPartition(TaskProjection.TASK_STATE_STORE, partition,
                copy -> local.task(partition, id, copy),
                (peer, copy) -> peers.get(peer, PeerController.taskPath(partition), Map.of("id", id, "copy", copy.parameter()), PeerAnswers.TaskAnswer.class));
    }

    @Override
    public TaskPage list(TaskStatus state, int offset, int limit, boolean partialOk) {
        int wanted = TaskPage.wanted(offset, limit);
        List<TaskPage.Slice> slices = new ArrayList<>();
        List<Integer> unavailable = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (int partition = 0; partition < projection.taskPartitions(); partition++) {
            int p = partition;
            try {
                slices.add(onPartition(TaskProjection.TASK_STATE_STORE, p,
                        copy -> local.slice(p, state, wanted, copy),
                        (peer, copy) -> peers.get(peer, PeerController.tasksPath(p),
                                Map.of("state", state == null ? "" : state.name(), "wanted", String.valueOf(wanted), "copy", copy.parameter()),
                                TaskPage.Slice.class)));
            } catch (ProjectionUnavailableException e) {
                unavailable.add(p);
                reasons.add(e.getMessage());
            }
        }
        if (!unavailable.isEmpty() && !partialOk) {
            throw new ProjectionUnavailableException("the task list cannot be whole now: " + String.join("; ", reasons), null);
        }
        return TaskPage.merge(slices, unavailable, offset, limit);
    }

    // ---- WorkerReads ----

    @Override
    public List<WorkerView> workers() {
        return onPartition(TaskProjection.WORKERS_STORE, LocalStores.PLACEMENT_PARTITION, local::workers,
                (peer, copy) -> peers.get(peer, PeerController.BASE + PeerController.WORKERS, Map.of("copy", copy.parameter()),
                        PeerAnswers.WorkersAnswer.class).items());
    }

    @Override
    public Optional<WorkerView> worker(String id) {
        return Optional.ofNullable(onPartition(TaskProjection.WORKERS_STORE, LocalStores.PLACEMENT_PARTITION,
                copy -> local.worker(id, copy).orElse(null),
                (peer, copy) -> peers.get(peer, PeerController.BASE + PeerController.WORKER, Map.of("id", id, "copy", copy.parameter()),
                        PeerAnswers.WorkerAnswer.class).worker()));
    }

    // ---- routing ----

    /**
     * Answers a read of {@code partition} of {@code store} (and of the stores of the same stream task) from
     * its active copy, else from a standby within the lag bound: {@code here} reads this instance's copy,
     * {@code there} asks another instance.
     */
    private <T> T onPartition(String store, int partition, Function<Copy, T> here, BiFunction<HostInfo, Copy, T> there) {
        KafkaStreams streams = projection.streams()
                .orElseThrow(() -> new ProjectionUnavailableException("the projection is starting (partition " + partition + " of " + store + ")", null));
        HostInfo self = projection.self();
        KeyQueryMetadata owners;
        try {
            owners = streams.queryMetadataForKey(store, "", onlyPartition(partition));
        } catch (RuntimeException e) {
            throw new ProjectionUnavailableException("the projection cannot say who holds partition " + partition + " of " + store + " now ("
                    + e.getMessage() + ")", e);
        }
        List<String> failures = new ArrayList<>();
        HostInfo active = owners.activeHost();
        if (known(active)) {
            try {
                return active.equals(self) ? here.apply(Copy.ACTIVE) : there.apply(active, Copy.ACTIVE);
            } catch (NotHeldHereException e) {
                failures.add("the active copy: " + (active.equals(self) ? "here, " : "") + e.getMessage());
            }
        } else {
            failures.add("no instance holds its active copy now (the group is rebalancing)");
        }
        Set<HostInfo> standbys = new LinkedHashSet<>();
        if (owners.standbyHosts().contains(self) || !active.equals(self)) {
            // This instance's own copy first: a standby, or one the assignment has not caught up with.
            standbys.add(self);
        }
        owners.standbyHosts().stream().filter(RoutedReads::known).forEach(standbys::add);
        for (HostInfo standby : standbys) {
            try {
                return standby.equals(self) ? here.apply(Copy.ANY) : there.apply(standby, Copy.ANY);
            } catch (NotHeldHereException e) {
                if (!standby.equals(self) || owners.standbyHosts().contains(self)) {
                    failures.add("a standby copy: " + (standby.equals(self) ? "here, " : "") + e.getMessage());
                }
            }
        }
        throw new ProjectionUnavailableException("no manager can answer for partition " + partition + " of " + store + " now ("
                + String.join("; ", failures) + ")", null);
    }

    private static boolean known(HostInfo host) {
        return host != null && host.port() > 0 && !host.equals(HostInfo.unavailable());
    }

    private static StreamPartitioner<String, Void> onlyPartition(int partition) {
        return new StreamPartitioner<>() {
            @Override
            public Optional<Set<Integer>> partitions(String topic, String key, Void value, int numPartitions) {
                return Optional.of(Set.of(partition));
            }
        };
    }
}
