package dev.cube.manager.api;

import dev.cube.events.output.OutputRecord;
import dev.cube.events.state.TaskState;
import dev.cube.events.topics.Topics;
import dev.cube.manager.ManagerApplication;
import dev.cube.manager.ManagerSettings;
import dev.cube.manager.output.AttemptOutput;
import dev.cube.manager.output.OutputFollow;
import dev.cube.manager.read.ProjectionUnavailableException;
import dev.cube.manager.read.TaskReads;
import dev.cube.manager.stream.StreamSource;
import dev.cube.manager.stream.Streams;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import reactor.core.publisher.Flux;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/tasks/{id}/logs}: what an attempt's container wrote, from {@code cube.task-logs}.
 * Plain text (the lines, as {@code docker logs} prints them) or, for {@code Accept: application/x-ndjson},
 * one record of the topic per line (markers included). With {@code follow=true} the answer is streamed as
 * the lines are shipped (chunked), and ends when the attempt has ended and its output is all read.
 */
@Controller("/api/v1/tasks")
@Requires(property = ManagerApplication.ENABLED, value = "true")
@ExecuteOn(TaskExecutors.BLOCKING)
public class LogController {

    static final String NDJSON = "application/x-ndjson";
    /** How far the engine's clock (the lines' times) may be behind the manager's (the attempt's placement). */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    static final Duration POLL = Duration.ofMillis(500);
    static final Duration STATE_CHECK = Duration.ofSeconds(1);

    private final TaskReads projection;
    private final Streams streams;
    private final String bootstrapServers;
    private final Duration endGrace;
    private final Clock clock;

    public LogController(TaskReads projection, Streams streams, ManagerSettings settings, Clock clock,
                         @Value("${cube.manager.logs-end-grace:10s}") Duration endGrace) {
        this.projection = projection;
        this.streams = streams;
        this.bootstrapServers = settings.bootstrapServers();
        this.endGrace = endGrace;
        this.clock = clock;
    }

    @Get(value = "/{id}/logs", produces = {MediaType.TEXT_PLAIN, NDJSON})
    public HttpResponse<Flux<String>> logs(@PathVariable String id, HttpRequest<?> request,
                                           @QueryValue(defaultValue = "") String attempt,
                                           @QueryValue(defaultValue = "") String stream,
                                           @QueryValue(defaultValue = "false") String follow,
                                           @QueryValue(defaultValue = "0") String after) {
        OutputRecord.Stream only = switch (stream.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "" -> null;
            case "stdout" -> OutputRecord.Stream.STDOUT;
            case "stderr" -> OutputRecord.Stream.STDERR;
            default -> throw new InvalidQueryException("stream", "must be stdout or stderr");
        };
        boolean following = switch (follow.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "" -> true;
            case "false" -> false;
            default -> throw new InvalidQueryException("follow", "must be true or false");
        };
        long seen = parseLong(after, "after", "must be a record number (seq), 0 or more");
        TaskState task = projection.task(id).orElseThrow(() -> new NoSuchTaskException(id));
        int last = Math.max(1, task.attempt());
        int wanted = attempt.isBlank() ? last : (int) parseLong(attempt, "attempt", "must be a whole number from 1 to " + last + " (the task's attempts)");
        if (wanted < 1 || wanted > last) {
            throw new InvalidQueryException("attempt", "must be a whole number from 1 to " + last + " (the task's attempts)");
        }
        Instant placed = wanted == task.attempt() && task.scheduledAt() != null ? task.scheduledAt() : task.submittedAt();
        Instant notBefore = (placed == null ? Instant.EPOCH : placed).minus(CLOCK_SKEW);
        boolean json = request.getHeaders().accept().stream().anyMatch(type -> type.getName().equals(NDJSON));
        Flux<String> body = streams.open(() -> new LogSource(new AttemptOutput(bootstrapServers, id, wanted, notBefore), id, wanted,
                only, json, following, seen));
        return HttpResponse.ok(body).contentType(json ? NDJSON : MediaType.TEXT_PLAIN + ";charset=utf-8");
    }

    /** Reads one attempt's records and writes them as chunks of text or NDJSON, one chunk per batch read. */
    private final class LogSource implements StreamSource<String> {
        private final AttemptOutput output;
        private final String taskId;
        private final int attempt;
        private final OutputRecord.Stream only;
        private final boolean json;
        private final boolean follow;
        private final long after;
        private Instant lastRecord = clock.instant();
        private Instant lastCheck = Instant.MIN;
        private boolean opened;
        private boolean over;

        LogSource(AttemptOutput output, String taskId, int attempt, OutputRecord.Stream only, boolean json, boolean follow, long after) {
            this.output = output;
            this.taskId = taskId;
            this.attempt = attempt;
            this.only = only;
            this.json = json;
            this.follow = follow;
            this.after = after;
        }

        @Override
        public List<String> next() {
            if (over) {
                return null;
            }
            List<OutputRecord> records = output.poll(POLL);
            StringBuilder chunk = new StringBuilder();
            for (OutputRecord record : records) {
                if (record.seq() <= after || record.kind() == OutputRecord.Kind.LINE && only != null && record.stream() != only) {
                    continue;
                }
                if (json) {
                    chunk.append(new String(Topics.TASK_LOGS.valueSerde().serializer().serialize(Topics.TASK_LOGS.name(), record),
                            StandardCharsets.UTF_8)).append('\n');
                } else if (record.kind() == OutputRecord.Kind.LINE) {
                    chunk.append(record.line()).append('\n');
                }
            }
            Instant now = clock.instant();
            if (!records.isEmpty()) {
                lastRecord = now;
            }
            if (!follow) {
                over = output.readWhatWasThere();
            } else if (output.ended()) {
                over = true;
            } else if (records.isEmpty() && Duration.between(lastCheck, now).compareTo(STATE_CHECK) >= 0) {
                lastCheck = now;
                over = OutputFollow.isOver(attempt, false, currentState(), Duration.between(lastRecord, now), endGrace);
            }
            if (chunk.isEmpty() && !opened) {
                // The server sends the answer's head with its first chunk: an empty one sends it now.
                opened = true;
                return List.of("");
            }
            opened = true;
            return chunk.isEmpty() ? List.of() : List.of(chunk.toString());
        }

        private TaskState currentState() {
            try {
                return projection.task(taskId).orElse(null);
            } catch (ProjectionUnavailableException e) {
                return null;
            }
        }

        @Override
        public void wakeup() {
            output.wakeup();
        }

        @Override
        public void close() {
            output.close();
        }
    }

    private static long parseLong(String text, String field, String rule) {
        try {
            long value = Long.parseLong(text.trim());
            if (value < 0) {
                throw new InvalidQueryException(field, rule);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new InvalidQueryException(field, rule);
        }
    }

    @Error(exception = InvalidQueryException.class)
    public HttpResponse<String> invalid(InvalidQueryException e) {
        return Problem.invalid("Invalid query", e.violations());
    }

    @Error(exception = NoSuchTaskException.class)
    public HttpResponse<String> noSuchTask(NoSuchTaskException e) {
        return Problem.notFound(e.getMessage());
    }

    @Error(exception = Streams.TooManyStreamsException.class)
    public HttpResponse<String> tooMany(Streams.TooManyStreamsException e) {
        return Problem.unavailable(e.getMessage() + "; retry shortly", 5);
    }
}
