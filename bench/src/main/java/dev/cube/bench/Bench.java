package dev.cube.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.wire.Json;
import dev.cube.worker.runtime.DockerContainerRuntime;
import org.apache.kafka.common.utils.AppInfoParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Cube's benchmark: runs each scenario on its own embedded broker, prints a table in which every
 * figure stands beside a baseline measured in the same run, and writes a JSON report.
 * See {@code bench/run.sh --help} and {@code docs/benchmarks.md}.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) {
        Path root = Path.of(System.getProperty("cube.root", ".")).toAbsolutePath().normalize();
        BenchOptions options;
        try {
            options = BenchOptions.parse(args, root);
        } catch (BenchOptions.UsageException e) {
            if (e.getMessage() != null) {
                System.err.println("bench: " + e.getMessage());
            }
            System.err.print(BenchOptions.USAGE);
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        Report report = run(options);
        System.out.println();
        System.out.print(report.table());
        System.out.println();
        System.out.println("report: " + options.report() + (report.docsCopy == null ? "" : " and " + report.docsCopy));
        System.exit(report.failures.isEmpty() ? 0 : 1);
    }

    /** The outcome of a run: the JSON written, the results, and the scenarios that failed. */
    static final class Report {
        final ObjectNode json;
        final List<Result> results;
        final List<String> failures;
        Path docsCopy;

        Report(ObjectNode json, List<Result> results, List<String> failures) {
            this.json = json;
            this.results = results;
            this.failures = failures;
        }

        String table() {
            return Bench.table(json.path("date").asText(), results, failures);
        }
    }

    static Report run(BenchOptions options) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
        json.put("date", started.toLocalDate().toString());
        json.put("startedAt", started.toString());
        json.set("machine", machine());
        json.set("options", Json.MAPPER.valueToTree(optionsView(options)));
        ArrayNode scenarios = json.putArray("scenarios");
        List<Result> results = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (String scenario : BenchOptions.ALL) {
            if (!options.scenarios().contains(scenario)) {
                continue;
            }
            log("scenario " + scenario + "...");
            long t0 = System.nanoTime();
            try {
                Result result = switch (scenario) {
                    case "projection" -> ProjectionBench.run(options);
                    case "placement" -> PlacementBench.run(options);
                    case "containers" -> ContainerBench.run(options);
                    case "reads" -> ReadBench.run(options);
                    case "replay" -> ReplayBench.run(options);
                    default -> throw new IllegalArgumentException(scenario);
                };
                result.details.put("scenarioSeconds", Stats.round((System.nanoTime() - t0) / 1e9));
                results.add(result);
                scenarios.add(result.json());
                log("scenario " + scenario + " done in " + Math.round((System.nanoTime() - t0) / 1e9) + " s");
                System.out.print(table(null, List.of(result), List.of()));
            } catch (RuntimeException e) {
                e.printStackTrace();
                failures.add(scenario + ": " + e);
                ObjectNode failed = scenarios.addObject();
                failed.put("scenario", scenario);
                failed.put("error", String.valueOf(e));
            }
        }
        json.put("finishedAt", ZonedDateTime.now(ZoneOffset.UTC).toString());
        ((ObjectNode) json.get("machine")).put("loadAverageAtEnd", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        Report report = new Report(json, results, failures);
        write(options.report(), json);
        if (options.docsDir() != null) {
            // a partial run (--scenarios) gets its own name, so that it never overwrites the day's full run
            String suffix = options.scenarios().containsAll(BenchOptions.ALL) ? "" : "-" + String.join("-", options.scenarios());
            Path copy = options.docsDir().resolve(LocalDate.now(ZoneOffset.UTC) + suffix + ".json");
            write(copy, json);
            report.docsCopy = copy;
        }
        return report;
    }

    private static java.util.Map<String, Object> optionsView(BenchOptions o) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("scenarios", o.scenarios());
        m.put("projectionEvents", o.projectionEvents());
        m.put("projectionVariants", o.projectionVariants());
        m.put("placementTasks", o.placementTasks());
        m.put("hollowWorkers", o.hollowWorkers());
        m.put("containers", o.containers());
        m.put("image", o.image());
        m.put("command", o.command());
        m.put("readTasks", o.readTasks());
        m.put("reads", o.reads());
        m.put("readConcurrency", o.readConcurrency());
        m.put("readSeconds", o.readSeconds());
        m.put("managerOverrides", o.managerOverrides());
        return m;
    }

    private static void write(Path path, ObjectNode json) {
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            Files.writeString(path, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + path, e);
        }
    }

    static ObjectNode machine() {
        ObjectNode m = Json.MAPPER.createObjectNode();
        try {
            m.put("host", InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            m.put("host", "unknown");
        }
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("osRelease", osRelease());
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("cpuModel", cpuModel());
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            m.put("memoryMb", os.getTotalMemorySize() / (1024 * 1024));
            m.put("loadAverageAtStart", os.getSystemLoadAverage());
        }
        m.put("java", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
        m.put("maxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        m.put("kafka", AppInfoParser.getVersion());
        try {
            DockerContainerRuntime docker = DockerContainerRuntime.connect(null, Duration.ofSeconds(10));
            var v = docker.client().versionCmd().exec();
            m.put("docker", v.getVersion() + " (API " + v.getApiVersion() + ")");
            docker.client().close();
        } catch (Exception e) {
            m.put("docker", "unavailable: " + e.getMessage());
        }
        m.put("note", "everything (broker, manager, worker, load generators) runs in one JVM on this machine; the machine is shared, so figures are noisy");
        return m;
    }

    private static String osRelease() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replace("\"", "");
                }
            }
        } catch (IOException e) {
            // below
        }
        return "unknown";
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // below
        }
        return "unknown";
    }

    static String table(String date, List<Result> results, List<String> failures) {
        StringBuilder out = new StringBuilder();
        if (date != null) {
            out.append("Cube benchmark, ").append(date).append("\n\n");
        }
        out.append("| scenario | metric | Cube | baseline (same run) | baseline | Cube / baseline | goal |\n");
        out.append("|---|---|---:|---|---:|---:|---|\n");
        for (Result r : results) {
            for (Result.Row row : r.rows) {
                out.append("| ").append(r.scenario)
                        .append(" | ").append(row.metric())
                        .append(" | ").append(fmt(row.cube())).append(' ').append(row.unit())
                        .append(" | ").append(row.baseline())
                        .append(" | ").append(fmt(row.baselineValue())).append(' ').append(row.unit())
                        .append(" | ").append(String.format(Locale.ROOT, "%.2f", row.ratio()))
                        .append(" | ").append(row.goal() == null ? "" : row.goal())
                        .append(" |\n");
            }
        }
        for (String f : failures) {
            out.append("| FAILED | ").append(f.replace('|', '/')).append(" | | | | | |\n");
        }
        return out.toString();
    }

    static String fmt(double v) {
        if (!Double.isFinite(v)) {
            return String.valueOf(v);
        }
        if (Math.abs(v) >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (Math.abs(v) >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static void log(String message) {
        System.out.println("[bench " + java.time.LocalTime.now().withNano(0) + "] " + message);
    }
}
