package dev.cube.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.wire.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code cube events}: the log's events, one line each; {@code -f} follows them live. */
@Command(name = "events",
        mixinStandardHelpOptions = true,
        description = {"Print the log's events, one line each: log time, task (or worker), type, what it says.",
                "Without -f, the events so far (from --from, by default the beginning); with -f, the events as they",
                "are appended (from now, or from the task's first event with --task), until interrupted. A follow",
                "whose connection breaks goes on from the last event it printed: nothing is missed or printed twice."},
        usageHelpAutoWidth = true)
public final class EventsCommand implements Callable<Integer> {

    private static final int PAGE_SIZE = 1000;
    private static final String TASK_PREFIX = "dev.cube.task.";
    private static final String CUBE_PREFIX = "dev.cube.";
    private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);
    private static final Duration RECONNECT_LIMIT = Duration.ofSeconds(60);

    @Mixin
    ManagerOptions manager;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-f", "--follow"}, description = "Follow the events as they are appended, until interrupted.")
    boolean follow;

    @Option(names = "--task", paramLabel = "ID", description = "Only this task's events (its id, or enough of its start to name one task).")
    String task;

    @Option(names = "--type", paramLabel = "TYPE", split = ",",
            description = "Only events of this type: dev.cube.task.completed, task.completed or completed. Repeatable, or separated by commas.")
    List<String> types = new ArrayList<>();

    @Option(names = "--worker", paramLabel = "ID", description = "Only events concerning this worker (placed on it, reported by it, about it).")
    String worker;

    @Option(names = "--workers", description = "Also the workers' events (cube.workers, cube.worker-admin): draining, left, lost, ...; heartbeats with --type heartbeat.")
    boolean workers;

    @Option(names = "--from", paramLabel = "CURSOR", description = "Where to start: beginning, end, or a cursor printed with --json.")
    String from;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", description = "Without -f, print at most N events.")
    Integer limit;

    @Option(names = "--json", description = "Print each event as the API gives it, one JSON object per line (with its cursor).")
    boolean json;

    private String lastId;

    @Override
    public Integer call() {
        if (limit != null && limit < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be 1 or more, was " + limit);
        }
        String taskId = task == null ? null : TaskIds.resolve(manager.client(), task);
        ManagerStreams streams = new ManagerStreams(manager.manager());
        PrintWriter out = spec.commandLine().getOut();
        return follow ? follow(streams, taskId, out) : page(streams, taskId, out);
    }

    private int page(ManagerStreams streams, String taskId, PrintWriter out) {
        String cursor = from;
        int printed = 0;
        while (limit == null || printed < limit) {
            int size = limit == null ? PAGE_SIZE : Math.min(PAGE_SIZE, limit - printed);
            StringBuilder body = new StringBuilder();
            streams.lines(query(taskId, cursor) + "&limit=" + size, "application/json", Map.of(), line -> body.append(line).append('\n'));
            JsonNode page = read(body.toString());
            JsonNode items = page.path("items");
            items.forEach(item -> print(item, out));
            printed += items.size();
            String next = page.path("next").asText(null);
            if (items.isEmpty() || next == null || next.equals(cursor)) {
                break;
            }
            cursor = next;
        }
        out.flush();
        return Cube.EXIT_OK;
    }

    private int follow(ManagerStreams streams, String taskId, PrintWriter out) {
        Instant brokenSince = null;
        while (true) {
            Map<String, String> headers = new HashMap<>();
            if (lastId != null) {
                headers.put("Last-Event-ID", lastId);
            }
            try {
                streams.lines(query(taskId, from) + "&follow=true", "text/event-stream", headers, new SseReader(out, spec.commandLine().getErr()));
                return Cube.EXIT_OK;
            } catch (ManagerStreams.BrokenOffException | ManagerUnreachableException e) {
                Instant now = Instant.now();
                brokenSince = brokenSince == null ? now : brokenSince;
                if (Duration.between(brokenSince, now).compareTo(RECONNECT_LIMIT) > 0) {
                    throw e;
                }
                ManagerClient.sleep(RECONNECT_PAUSE);
            }
        }
    }

    /**
     * Server-Sent Events, line by line: an event is its {@code id} and {@code data} lines up to a blank line.
     * The stream's first comment says where it follows from, which goes to stderr; other comments are skipped.
     */
    private final class SseReader implements java.util.function.Consumer<String> {
        private static final String FOLLOWING = ": following from ";
        private final PrintWriter out;
        private final PrintWriter err;
        private String id;
        private final StringBuilder data = new StringBuilder();

        SseReader(PrintWriter out, PrintWriter err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public void accept(String line) {
            if (line.isEmpty()) {
                if (!data.isEmpty()) {
                    print(read(data.toString()), out);
                    out.flush();
                    if (id != null) {
                        lastId = id;
                    }
                }
                id = null;
                data.setLength(0);
            } else if (line.startsWith(FOLLOWING)) {
                err.println("cube: following the log from " + line.substring(FOLLOWING.length()));
                err.flush();
            } else if (line.startsWith("id:")) {
                id = value(line);
            } else if (line.startsWith("data:")) {
                if (!data.isEmpty()) {
                    data.append('\n');
                }
                data.append(value(line));
            }
        }

        private static String value(String line) {
            String value = line.substring(line.indexOf(':') + 1);
            return value.startsWith(" ") ? value.substring(1) : value;
        }
    }

    private String query(String taskId, String start) {
        StringBuilder query = new StringBuilder("/api/v1/events?workers=").append(workers);
        if (taskId != null) {
            query.append("&task=").append(ManagerStreams.encode(taskId));
        }
        if (!types.isEmpty()) {
            query.append("&type=").append(ManagerStreams.encode(String.join(",", types)));
        }
        if (worker != null) {
            query.append("&worker=").append(ManagerStreams.encode(worker));
        }
        if (start != null) {
            query.append("&from=").append(ManagerStreams.encode(start));
        }
        return query.toString();
    }

    private void print(JsonNode item, PrintWriter out) {
        out.println(json ? item.toString() : line(item));
    }

    /** One event as a line: log time, subject, type, what it says. */
    static String line(JsonNode item) {
        JsonNode event = item.path("event");
        String type = event.path("type").asText("-");
        String shortType = type.startsWith(TASK_PREFIX) ? type.substring(TASK_PREFIX.length())
                : type.startsWith(CUBE_PREFIX) ? type.substring(CUBE_PREFIX.length()) : type;
        return String.format("%-24s   %-36s   %-16s   %s", item.path("logTime").asText("-"), event.path("subject").asText("-"), shortType,
                TaskDetail.detail(event)).stripTrailing();
    }

    private static JsonNode read(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new CubeCliException("the manager sent something that is not JSON: " + e.getOriginalMessage());
        }
    }
}
