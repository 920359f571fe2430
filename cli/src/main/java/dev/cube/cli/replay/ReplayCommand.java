package dev.cube.cli.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.cli.Cube;
import dev.cube.cli.DurationConverter;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStatus;
import dev.cube.events.wire.Json;
import dev.cube.manager.history.EventLogReader;
import dev.cube.manager.history.ProjectionCheck;
import dev.cube.manager.history.Step;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code cube replay}: reads {@code cube.task-events} straight from Kafka and folds it with the
 * projection's function, without the manager. Three uses: a timeline of events, the states of tasks
 * as of an instant, and {@code --verify} (rebuild the projection and compare it with the live one).
 */
@Command(name = "replay",
        mixinStandardHelpOptions = true,
        description = {
                "Fold the task log again, without the manager.",
                "  cube replay --task ID [--from T] [--to T]    the task's timeline: time, type, source, state after, outcome",
                "  cube replay --from T1 --to T2                every task's events between two instants",
                "  cube replay [--as-of T] [--state S] [--worker W] [--task ID]",
                "                                               the states of tasks as of T (default: now)",
                "  cube replay --verify                         rebuild the projection and compare it with cube.task-state;",
                "                                               exit 1 and print each difference if they disagree",
                "Instants are ISO-8601 (2026-01-31T12:00:00Z). Times are the broker's log times."},
        usageHelpAutoWidth = true)
public final class ReplayCommand implements Callable<Integer> {

    enum Output { TABLE, JSON }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "${env:CUBE_KAFKA_BOOTSTRAP:-127.0.0.1:9092}",
            description = "The Kafka cluster (env CUBE_KAFKA_BOOTSTRAP; default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--kafka-config", paramLabel = "FILE", defaultValue = "${env:CUBE_KAFKA_CONFIG}",
            description = "Kafka client properties (security.protocol, sasl.*, ssl.*, ...), as Kafka's own tools take with --command-config (env CUBE_KAFKA_CONFIG).")
    java.nio.file.Path kafkaConfig;

    @Option(names = "--secret-file", paramLabel = "FILE",
            description = "The cluster secret (default: env CUBE_SECURITY_CLUSTER_SECRET): with it, replay refuses what the manager refuses by origin proof, as the live projection does.")
    java.nio.file.Path secretFile;

    @Option(names = "--from", paramLabel = "INSTANT", converter = InstantConverter.class,
            description = "Start reading at this log time (offsetsForTimes). Tasks submitted before it are not known: their events show 'unknown-start'.")
    Instant from;

    @Option(names = "--to", paramLabel = "INSTANT", converter = InstantConverter.class, description = "Stop after the last event at or before this log time (timeline).")
    Instant to;

    @Option(names = "--as-of", paramLabel = "INSTANT", converter = InstantConverter.class, description = "The states of tasks as of this log time.")
    Instant asOf;

    @Option(names = "--task", paramLabel = "ID",
            description = "Only this task (its timeline, unless --as-of). Its whole id: replay reads the log without the manager, so it takes no prefix.")
    String task;

    @Option(names = "--worker", paramLabel = "ID", description = "Only tasks (or events whose task is then) on this worker.")
    String worker;

    @Option(names = "--state", paramLabel = "STATE",
            description = "Only tasks (or events whose task is then) in this state: ${COMPLETION-CANDIDATES}.")
    TaskStatus state;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", description = "table or json (default: table).")
    Output output;

    @Option(names = "--verify", description = "Rebuild the projection from the log and compare it with the live one (cube.task-state).")
    boolean verify;

    @Option(names = "--settle", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "With --verify: how long to keep reading both sides while they differ (default: ${DEFAULT-VALUE}).")
    Duration settle;

    @Option(names = {"-q", "--quiet"}, description = "No progress on stderr.")
    boolean quiet;

    @Override
    public Integer call() throws JsonProcessingException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TaskStatus wantedState = state;
        EventLogReader.Progress progress = quiet ? EventLogReader.Progress.NONE : new ProgressLine(err);
        if (verify) {
            if (from != null || to != null || asOf != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--verify reads the whole log: it takes no --from, --to or --as-of");
            }
            ProjectionCheck.Report report = ProjectionCheck.run(kafka(), origins(), settle, progress);
            print(out, ReplayViews.verify(report, output == Output.JSON));
            return report.equal() ? 0 : Cube.EXIT_FAILED;
        }
        if (asOf != null || (task == null && from == null && to == null)) {
            if (from != null || to != null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--as-of gives the states at one instant: use --from/--to for a timeline instead");
            }
            LogReplay.Window window = new LogReplay.Window(Optional.empty(), Optional.ofNullable(asOf), Optional.ofNullable(task));
            LogReplay.Result result = LogReplay.replay(kafka(), origins(), window, step -> { }, progress);
            List<TaskState> states = result.states().values().stream().filter(s -> matches(s, wantedState)).toList();
            print(out, output == Output.JSON ? pretty(ReplayViews.statesJson(states)) : ReplayViews.statesTable(states));
            return 0;
        }
        LogReplay.Window window = new LogReplay.Window(Optional.ofNullable(from), Optional.ofNullable(to), Optional.ofNullable(task));
        List<Step> steps = new ArrayList<>();
        LogReplay.replay(kafka(), origins(), window, step -> {
            if (step.state() == null ? wantedState == null && worker == null : matches(step.state(), wantedState)) {
                steps.add(step);
            }
        }, progress);
        print(out, output == Output.JSON ? pretty(ReplayViews.stepsJson(steps)) : ReplayViews.stepsTable(steps, task == null));
        return 0;
    }

    /** With the cluster secret, replay refuses what the live projection refuses by origin proof. */
    private dev.cube.events.origin.OriginCheck origins() {
        try {
            String secret = secretFile != null ? java.nio.file.Files.readString(secretFile).strip() : System.getenv("CUBE_SECURITY_CLUSTER_SECRET");
            return dev.cube.events.origin.OriginCheck.withSecret(secret);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "cannot use the cluster secret: " + e.getMessage());
        }
    }

    private dev.cube.kafka.KafkaClientConfig kafka() {
        try {
            return dev.cube.kafka.KafkaClientConfig.load(bootstrap, java.util.Map.of(), kafkaConfig);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private boolean matches(TaskState s, TaskStatus wantedState) {
        return (wantedState == null || s.state() == wantedState) && (worker == null || worker.equals(s.workerId()));
    }

    private static void print(PrintWriter out, String text) {
        out.print(text.endsWith("\n") ? text : text + System.lineSeparator());
        out.flush();
    }

    private static String pretty(ArrayNode node) throws JsonProcessingException {
        return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    }

    /** Reads an ISO-8601 instant: {@code 2026-01-31T12:00:00Z}, or with an offset. */
    static final class InstantConverter implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String text) {
            try {
                return OffsetDateTime.parse(text.trim()).toInstant();
            } catch (DateTimeParseException e) {
                try {
                    return Instant.parse(text.trim());
                } catch (DateTimeParseException again) {
                    throw new CommandLine.TypeConversionException("'" + text + "' is not an ISO-8601 instant such as 2026-01-31T12:00:00Z");
                }
            }
        }
    }

    /** Progress of a long read on stderr: events read / total, and the rate. */
    static final class ProgressLine implements EventLogReader.Progress {
        private final PrintWriter err;

        ProgressLine(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void report(long read, long total, double perSecond, boolean done) {
            if (!done) {
                err.printf(Locale.ROOT, "replay: %,d / %,d events (%d%%), %,.0f events/s%n", read, total,
                        total == 0 ? 100 : read * 100 / total, perSecond);
            } else {
                err.printf(Locale.ROOT, "replay: read %,d events, %,.0f events/s%n", read, perSecond);
            }
            err.flush();
        }
    }
}
