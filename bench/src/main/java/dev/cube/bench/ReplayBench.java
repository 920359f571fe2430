package dev.cube.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.cli.replay.LogReplay;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStatus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scenario: how fast {@code cube replay}'s core ({@link LogReplay#replay}: a plain consumer,
 * {@code CloudEventCodec.decode} of both modes, {@code TaskStateMachine.evolve} through
 * {@code LogFold}) rebuilds every task's state from a log of N events, against, in the same run and
 * on the same broker, a raw KafkaConsumer reading the same topic (bytes) and the in-memory fold of
 * the projection scenario (the same consumer plus decode and evolve into a HashMap).
 *
 * <p>The log is the projection scenario's ({@link ProjectionBench#preload}): N/4 complete task
 * histories. The three reads are interleaved, {@link #ROUNDS} times, and each figure is the median of
 * its rounds (every round is in the JSON). The replay is timed around the whole call (consumer
 * created, end offsets, read, fold, the sorted copy of the states), as the baselines are timed from
 * their consumer's creation; the rate LogReplay reports itself (its read loop only, what
 * {@code cube replay} prints) is in the JSON too. After each replay, outside the timed part, the replay's
 * states are checked: one per task, every one Completed; otherwise the scenario fails.
 */
final class ReplayBench {

    static final int ROUNDS = 3;

    private ReplayBench() {
    }

    static Result run(BenchOptions options) {
        int tasks = Math.max(1, options.projectionEvents() / 4);
        long events = tasks * 4L;
        Result result = new Result("replay",
                "LogReplay.replay (the core of cube replay) over the whole of cube.task-events holding " + events + " preloaded events ("
                        + tasks + " complete task histories, as in the projection scenario), folding with TaskStateMachine.evolve; "
                        + "baselines on the same broker: a raw KafkaConsumer over the same topic (bytes), and the same plus "
                        + "CloudEventCodec.decode and TaskStateMachine.evolve into a HashMap (the in-memory fold); the three are "
                        + "interleaved " + ROUNDS + " times, each timed around the whole call (consumer creation included), and each figure is the median of its rounds; the replay's states are "
                        + "checked (all Completed) outside the timed part");
        ObjectNode d = result.details;
        try (Stack stack = Stack.start(options.workDir(), "replay", options.managerOverrides())) {
            String prefix = "r" + Long.toString(System.nanoTime(), 36) + "-";
            ProjectionBench.Preload preload = ProjectionBench.preload(stack.bootstrap(), prefix, tasks);
            d.put("events", events);
            d.put("tasks", tasks);
            d.put("preloadSeconds", Stats.round(preload.seconds()));
            d.put("preloadEventsPerSecond", Stats.round(events / preload.seconds()));
            d.put("topicBytesApprox", preload.bytes());

            double[] raw = new double[ROUNDS];
            double[] fold = new double[ROUNDS];
            double[] replay = new double[ROUNDS];
            ArrayNode rounds = d.putArray("rounds");
            for (int round = 0; round < ROUNDS; round++) {
                raw[round] = ProjectionBench.rawConsumer(stack.bootstrap(), events, false);
                fold[round] = ProjectionBench.rawConsumer(stack.bootstrap(), events, true);
                long t0 = System.nanoTime();
                LogReplay.Result replayed = replay(stack.bootstrap(), round);
                double wall = (System.nanoTime() - t0) / 1e9;
                replay[round] = replayed.records() / wall;
                check(replayed, events, tasks);
                ObjectNode r = rounds.addObject();
                r.put("rawConsumerEventsPerSecond", Stats.round(raw[round]));
                r.put("inMemoryFoldEventsPerSecond", Stats.round(fold[round]));
                r.put("replayEventsPerSecond", Stats.round(replay[round]));
                r.put("replaySeconds", Stats.round(wall));
                r.put("replayReportedEventsPerSecond", Stats.round(replayed.perSecond())); // what cube replay prints: the read loop only
                r.put("replayReportedSeconds", Stats.round(replayed.elapsed().toNanos() / 1e9));
                r.put("replayRecords", replayed.records());
                Bench.log(String.format(java.util.Locale.ROOT, "replay round %d: raw %,.0f/s, in-memory fold %,.0f/s, replay %,.0f/s",
                        round + 1, raw[round], fold[round], replay[round]));
            }
            double rawRate = median(raw), foldRate = median(fold), replayRate = median(replay);
            d.put("rawConsumerEventsPerSecond", Stats.round(rawRate));
            d.put("inMemoryFoldEventsPerSecond", Stats.round(foldRate));
            d.put("replayEventsPerSecond", Stats.round(replayRate));
            d.put("replaySecondsAtMedianRate", Stats.round(events / replayRate));
            result.row("replay rate, " + events + " events", "events/s", replayRate, "raw KafkaConsumer", rawRate, null);
            result.row("replay rate vs in-memory fold", "events/s", replayRate, "consumer+decode+evolve", foldRate, null);
        }
        return result;
    }

    private static LogReplay.Result replay(String bootstrap, int round) {
        return LogReplay.replay(bootstrap, LogReplay.Window.everything(), step -> {
        }, (read, total, perSecond, done) -> {
            if (!done) {
                Bench.log(String.format(java.util.Locale.ROOT, "replay %d: %,d / %,d events, %,.0f events/s", round + 1, read, total, perSecond));
            }
        });
    }

    /** The replay must have read every event and left every task Completed, as the preload intends. */
    static void check(LogReplay.Result replayed, long events, int tasks) {
        if (replayed.records() < events) {
            throw new IllegalStateException("the replay read " + replayed.records() + " records, expected " + events);
        }
        Map<TaskStatus, Integer> byState = new TreeMap<>();
        for (TaskState s : replayed.states().values()) {
            byState.merge(s.state(), 1, Integer::sum);
        }
        if (replayed.states().size() != tasks || byState.getOrDefault(TaskStatus.Completed, 0) != tasks) {
            List<String> examples = new ArrayList<>();
            replayed.states().forEach((id, s) -> {
                if (s.state() != TaskStatus.Completed && examples.size() < 5) {
                    examples.add(id + "=" + s.state());
                }
            });
            throw new IllegalStateException("the replay folded " + replayed.states().size() + " tasks (expected " + tasks
                    + ", all Completed) into " + byState + "; e.g. " + examples);
        }
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
