package dev.cube.manager.metrics;

import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStatus;
import dev.cube.manager.ManagerApplication;
import dev.cube.manager.projection.ProjectionObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The projection's counters and timers, from what its processors tell ({@link ProjectionObserver}).
 * What happens to tasks (submissions, transitions, placements, their latencies) is counted only once
 * the fold has caught up on the task's partition: a projection that re-reads history (a restart, a
 * rebuild) does not count the past again. Records folded and dead letters are counted as they are
 * processed, history included: that is the projection's work.
 *
 * <table>
 *   <caption>Meters (Prometheus names)</caption>
 *   <tr><td>{@code cube_projection_records_total{outcome}}</td><td>records of cube.task-events folded: applied, duplicate, ignored, rejected, invalid, relayed</td></tr>
 *   <tr><td>{@code cube_tasks_submitted_total}</td><td>tasks submitted, by any producer</td></tr>
 *   <tr><td>{@code cube_task_transitions_total{state}}</td><td>tasks that entered each observed state</td></tr>
 *   <tr><td>{@code cube_placements_total}</td><td>attempts placed on a worker (first runs, restarts, moves)</td></tr>
 *   <tr><td>{@code cube_placement_latency_seconds}</td><td>a task's first placement: its scheduled event's time minus its submission's</td></tr>
 *   <tr><td>{@code cube_task_submit_to_running_seconds}</td><td>a task's first attempt: its running event's time minus its submission's</td></tr>
 *   <tr><td>{@code cube_dead_letters_total{reason,field,topic}}</td><td>records sent to cube.dead-letters: reason invalid or rejected, the field at fault (top level) or none</td></tr>
 * </table>
 */
@Singleton
@Requires(property = ManagerApplication.ENABLED, value = "true")
public final class ProjectionMetrics implements ProjectionObserver {

    /** The top-level fields a dead letter may name as a label; anything else is {@code other}, so the label stays small. */
    private static final Set<String> FIELDS = Set.of("key", "subject", "type", "data", "time", "id", "source", "specversion",
            "datacontenttype", "dataschema", "schemaversion", "partitionkey", "content-type", "body");

    private final MeterRegistry registry;
    private final Map<Outcome, Counter> records = new EnumMap<>(Outcome.class);
    private final Map<TaskStatus, Counter> transitions = new EnumMap<>(TaskStatus.class);
    private final Counter submitted;
    private final Counter placements;
    private final Timer placementLatency;
    private final Timer submitToRunning;

    ProjectionMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Outcome outcome : Outcome.values()) {
            records.put(outcome, Counter.builder("cube.projection.records").description("Records of cube.task-events folded, by what the fold made of them")
                    .tag("outcome", outcome.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        for (TaskStatus state : TaskStatus.values()) {
            transitions.put(state, Counter.builder("cube.task.transitions").description("Tasks that entered this observed state")
                    .tag("state", state.name()).register(registry));
        }
        submitted = Counter.builder("cube.tasks.submitted").description("Tasks submitted, by any producer").register(registry);
        placements = Counter.builder("cube.placements").description("Attempts placed on a worker: first runs, restarts and moves").register(registry);
        placementLatency = Timer.builder("cube.placement.latency").description("From a task's submission to its first placement (the events' times)")
                .publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
        submitToRunning = Timer.builder("cube.task.submit.to.running").description("From a task's submission to its first attempt running (the events' times)")
                .publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
    }

    @Override
    public void folded(Outcome outcome) {
        records.get(outcome).increment();
    }

    @Override
    public void applied(TaskState before, TaskState after, boolean live) {
        if (!live) {
            return;
        }
        if (before == null) {
            submitted.increment();
        }
        if (before == null || before.state() != after.state()) {
            transitions.get(after.state()).increment();
        }
        boolean newAttempt = before == null || before.attempt() != after.attempt();
        if (after.state() == TaskStatus.Scheduled && newAttempt && after.attempt() > 0) {
            placements.increment();
            if (after.attempt() == 1) {
                record(placementLatency, after.submittedAt(), after.scheduledAt());
            }
        }
        if (after.state() == TaskStatus.Running && (before == null || before.state() != TaskStatus.Running) && after.attempt() == 1) {
            record(submitToRunning, after.submittedAt(), after.startedAt());
        }
    }

    @Override
    public void deadLettered(String topic, DeadLetter why, String field) {
        Counter.builder("cube.dead.letters").description("Records sent to cube.dead-letters, by why")
                .tag("reason", why.name().toLowerCase(Locale.ROOT))
                .tag("field", field(field))
                .tag("topic", topic == null ? "unknown" : topic)
                .register(registry).increment();
    }

    /** The top-level name of {@code field} ({@code data.spec.memory}: {@code data}), when it is one of the contract's. */
    static String field(String field) {
        if (field == null || field.isBlank()) {
            return "none";
        }
        String top = field.split("[.\\[]", 2)[0];
        return FIELDS.contains(top) ? top : "other";
    }

    private static void record(Timer timer, Instant from, Instant to) {
        if (from != null && to != null && !to.isBefore(from)) {
            timer.record(Duration.between(from, to));
        }
    }
}
