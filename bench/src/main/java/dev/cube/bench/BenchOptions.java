package dev.cube.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The benchmark's sizes and switches; {@link #parse} reads them from the command line. */
record BenchOptions(
        Set<String> scenarios,
        int projectionEvents,
        List<Map<String, String>> projectionVariants,
        int placementTasks,
        List<Integer> hollowWorkers,
        int containers,
        String image,
        List<String> command,
        int burst,
        int readTasks,
        int reads,
        int readConcurrency,
        int readSeconds,
        Map<String, String> managerOverrides,
        Duration timeout,
        Path workDir,
        Path report,
        Path docsDir) {

    static final List<String> ALL = List.of("projection", "placement", "containers", "reads", "replay");

    static final String USAGE = """
            usage: bench/run.sh [options]
              --scenarios LIST          comma-separated, from projection,placement,containers,reads,replay (default: all)
              --events N                projection, replay: events to preload (default 1000000; N/4 tasks)
              --projection-variant K=V[,K=V]  projection: run again on a fresh broker with these manager properties (repeatable),
                                        e.g. cube.manager.commit-interval=1000ms
              --tasks N                 placement: tasks to place (default 100000)
              --hollow-workers N[,N]    placement: hollow workers, one placement run per count, each on a fresh broker (default
                                        1000,10000: the rate as workers grow is the last count's against the first's);
                                        stretch: --tasks 1000000 --hollow-workers 10000
              --containers N            containers: real tasks (default 200)
              --image IMAGE             containers: local image (default cube/busybox:local)
              --command CMD             containers: space-separated command (default "sleep 30")
              --burst N                 containers: then N tasks submitted at once to the one worker, against N raw
                                        create+start issued with the worker's parallelism (default 200)
              --read-tasks N            reads: tasks in the store (default 1000)
              --reads N                 reads: requests per measurement (default 20000)
              --read-concurrency N      reads: virtual threads (default 8)
              --read-seconds N          reads: time bound per measurement (default 30)
              --manager-prop K=V        a manager property for every scenario (repeatable), e.g. cube.manager.commit-interval=20ms
              --timeout SECONDS         per wait (default 600)
              --work-dir DIR            brokers' and stores' data (default bench/target/bench-work)
              --report FILE             JSON report (default bench/target/bench-report.json)
              --docs                    also write docs/benchmarks/<date>.json
              --small                   tiny sizes (a smoke run): 2000 events, 200 tasks on 10 then 20 hollow workers, 3 containers and a burst of 3, 200 reads
            """;

    static BenchOptions defaults(Path root) {
        return new BenchOptions(new LinkedHashSet<>(ALL), 1_000_000, List.of(), 100_000, List.of(1_000, 10_000), 200,
                "cube/busybox:local", List.of("sleep", "30"), 200, 1_000, 20_000, 8, 30, Map.of(),
                Duration.ofSeconds(600), root.resolve("bench/target/bench-work"), root.resolve("bench/target/bench-report.json"), null);
    }

    BenchOptions small() {
        return new BenchOptions(scenarios, 2_000, projectionVariants, 200, List.of(10, 20), 3, image, command, 3, 100, 200, readConcurrency,
                10, managerOverrides, Duration.ofSeconds(120), workDir, report, docsDir);
    }

    static BenchOptions parse(String[] args, Path root) {
        BenchOptions o = defaults(root);
        Set<String> scenarios = o.scenarios;
        int events = o.projectionEvents, tasks = o.placementTasks, containers = o.containers, burst = o.burst;
        List<Integer> workers = o.hollowWorkers;
        int readTasks = o.readTasks, reads = o.reads, readConcurrency = o.readConcurrency, readSeconds = o.readSeconds;
        String image = o.image;
        List<String> command = o.command;
        List<Map<String, String>> variants = new ArrayList<>();
        Map<String, String> overrides = new LinkedHashMap<>();
        Duration timeout = o.timeout;
        Path workDir = o.workDir, report = o.report, docs = null;
        boolean small = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--small" -> small = true;
                case "--docs" -> docs = root.resolve("docs/benchmarks");
                case "-h", "--help" -> throw new UsageException(null);
                default -> {
                    if (i + 1 >= args.length) {
                        throw new UsageException("missing value for " + a);
                    }
                    String v = args[++i];
                    switch (a) {
                        case "--scenarios" -> {
                            scenarios = new LinkedHashSet<>(List.of(v.split(",")));
                            for (String s : scenarios) {
                                if (!ALL.contains(s)) {
                                    throw new UsageException("unknown scenario " + s);
                                }
                            }
                        }
                        case "--events" -> events = positive(a, v);
                        case "--projection-variant" -> variants.add(pairs(v));
                        case "--tasks" -> tasks = positive(a, v);
                        case "--hollow-workers" -> workers = java.util.Arrays.stream(v.split(",")).map(n -> positive(a, n.trim())).toList();
                        case "--containers" -> containers = positive(a, v);
                        case "--burst" -> burst = positive(a, v);
                        case "--image" -> image = v;
                        case "--command" -> command = List.of(v.trim().split("\\s+"));
                        case "--read-tasks" -> readTasks = positive(a, v);
                        case "--reads" -> reads = positive(a, v);
                        case "--read-concurrency" -> readConcurrency = positive(a, v);
                        case "--read-seconds" -> readSeconds = positive(a, v);
                        case "--manager-prop" -> overrides.putAll(pairs(v));
                        case "--timeout" -> timeout = Duration.ofSeconds(positive(a, v));
                        case "--work-dir" -> workDir = Path.of(v).toAbsolutePath();
                        case "--report" -> report = Path.of(v).toAbsolutePath();
                        default -> throw new UsageException("unknown option " + a);
                    }
                }
            }
        }
        BenchOptions parsed = new BenchOptions(scenarios, events, List.copyOf(variants), tasks, workers, containers, image, command, burst,
                readTasks, reads, readConcurrency, readSeconds, Map.copyOf(overrides), timeout, workDir, report, docs);
        return small ? parsed.small() : parsed;
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value.replace("_", ""));
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException(option + " needs a positive whole number, not '" + value + "'");
    }

    private static Map<String, String> pairs(String value) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : value.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("expected key=value, not '" + pair + "'");
            }
            out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return out;
    }

    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
