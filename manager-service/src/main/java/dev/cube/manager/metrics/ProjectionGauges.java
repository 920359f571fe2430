package dev.cube.manager.metrics;

import dev.cube.core.worker.WorkerState;
import dev.cube.events.state.TaskStatus;
import dev.cube.events.topics.Topics;
import dev.cube.manager.ManagerApplication;
import dev.cube.manager.cluster.LocalStores;
import dev.cube.manager.projection.ProjectionRunner;
import dev.cube.manager.read.ProjectionUnavailableException;
import dev.cube.manager.read.WorkerReads;
import dev.cube.manager.projection.ProjectionProgress;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the projection holds now, as gauges: read from this manager's stores every
 * {@code cube.manager.metrics-interval} (15 s), or from the projection itself at each scrape.
 *
 * <table>
 *   <caption>Meters (Prometheus names)</caption>
 *   <tr><td>{@code cube_tasks{state}}</td><td>tasks in each observed state in the task partitions this manager folds (the
 *   active copies it holds): with several managers, sum them for the whole projection</td></tr>
 *   <tr><td>{@code cube_workers{status}}</td><td>workers ready, draining, engine-unreachable, left, lost (every manager reports all of them,
 *   from the placement stage's copy, wherever it is)</td></tr>
 *   <tr><td>{@code cube_worker_heartbeat_age_seconds{worker}}</td><td>the manager's clock minus the log time (the broker's) of the worker's last heartbeat, at the scrape</td></tr>
 *   <tr><td>{@code cube_projection_lag_records{topic}}</td><td>records of each input topic not yet read by the projection (Kafka's consumer lag, at its last fetch)</td></tr>
 *   <tr><td>{@code cube_projection_caught_up}</td><td>1 once the projection has caught up (what readiness says), else 0</td></tr>
 * </table>
 */
@Singleton
@Requires(property = ManagerApplication.ENABLED, value = "true")
final class ProjectionGauges {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectionGauges.class);
    private static final List<String> WORKER_STATUSES = List.of("ready", "draining", "engine-unreachable", "left", "lost");

    private final LocalStores tasks;
    private final ProjectionRunner projection;
    private final WorkerReads workers;
    private final Clock clock;
    private final Map<TaskStatus, AtomicLong> byState = new EnumMap<>(TaskStatus.class);
    private final MultiGauge workersByStatus;
    private final MultiGauge heartbeatAge;

    ProjectionGauges(MeterRegistry registry, LocalStores tasks, ProjectionRunner projection, WorkerReads workers, ProjectionProgress progress,
                     Clock clock) {
        this.tasks = tasks;
        this.projection = projection;
        this.workers = workers;
        this.clock = clock;
        for (TaskStatus state : TaskStatus.values()) {
            AtomicLong count = new AtomicLong();
            byState.put(state, count);
            Gauge.builder("cube.tasks", count, AtomicLong::get).description("Tasks in this observed state, in the partitions this manager folds").tag("state", state.name()).register(registry);
        }
        workersByStatus = MultiGauge.builder("cube.workers").description("Workers by status, as the placement stage folded them").register(registry);
        heartbeatAge = MultiGauge.builder("cube.worker.heartbeat.age").baseUnit("seconds")
                .description("The manager's clock minus the log time of the worker's last heartbeat").register(registry);
        for (String topic : List.of(Topics.TASK_EVENTS.name(), Topics.WORKERS.name(), Topics.WORKER_ADMIN.name())) {
            Gauge.builder("cube.projection.lag", progress, p -> p.progress().lag().getOrDefault(topic, 0L)).baseUnit("records")
                    .description("Records of the topic the projection has not read yet").tag("topic", topic).register(registry);
        }
        Gauge.builder("cube.projection.caught.up", progress, p -> p.progress().ready() ? 1 : 0)
                .description("1 once the projection has caught up with the log (readiness), else 0").register(registry);
    }

    /** Counts the tasks and workers of the stores again. */
    @Scheduled(fixedDelay = "${cube.manager.metrics-interval:15s}", initialDelay = "1s")
    void refresh() {
        try {
            Map<TaskStatus, Long> counts = tasks.countsOfActivePartitions(projection.taskPartitions());
            byState.forEach((state, gauge) -> gauge.set(counts.getOrDefault(state, 0L)));
            List<WorkerReads.WorkerView> all = workers.workers();
            Map<String, Long> statuses = new TreeMap<>();
            WORKER_STATUSES.forEach(status -> statuses.put(status, 0L));
            List<MultiGauge.Row<?>> ages = new ArrayList<>();
            for (WorkerReads.WorkerView view : all) {
                WorkerState worker = view.state();
                if (worker.liveness() == WorkerState.Liveness.UNSEEN) {
                    continue;
                }
                statuses.merge(worker.status(), 1L, Long::sum);
                Instant lastSeen = worker.lastSeen();
                if (lastSeen != null) {
                    ages.add(MultiGauge.Row.of(Tags.of("worker", worker.id()), () -> (clock.millis() - lastSeen.toEpochMilli()) / 1000.0));
                }
            }
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            statuses.forEach((status, count) -> rows.add(MultiGauge.Row.of(Tags.of("status", status), count)));
            workersByStatus.register(rows, true);
            heartbeatAge.register(ages, true);
        } catch (ProjectionUnavailableException e) {
            LOG.debug("gauges not refreshed: {}", e.getMessage());
        }
    }

}
