package dev.cube.manager.api;

import dev.cube.events.output.OutputRecord;
import dev.cube.events.state.TaskState;
import dev.cube.events.topics.Topics;
import dev.cube.manager.ManagerApplication;
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
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "tasks")
@ApiResponse(responseCode = "401", description = "the API asks for a bearer token (cube.security.tokens is set) and the request has none, or one it does not know",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "403", description = "the token's role may not do this (viewer: reads; submitter: also submit and stop tasks; operator: everything)",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
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
    private final dev.cube.kafka.KafkaClientConfig kafka;
    private final Duration endGrace;
    private final Clock clock;

    public LogController(TaskReads projection, Streams streams, dev.cube.kafka.KafkaClientConfig kafka, Clock clock,
                         @Value("${cube.manager.logs-end-grace:10s}") Duration endGrace) {
        this.projection = projection;
        this.streams = streams;
        this.kafka = kafka;
        this.endGrace = endGrace;
        this.clock = clock;
    }

    @Get(value = "/{id}/logs", produces = {MediaType.TEXT_PLAIN, NDJSON})
    @Operation(operationId = "getTaskLogs", summary = "Read an attempt's output",
            description = "What the attempt's container wrote on stdout and stderr, from cube.task-logs: as text (one line per line) or, with "
                    + "Accept: application/x-ndjson, one JSON record per line (seq, stream, time, line; cut and end markers). With follow=true "
                    + "the answer is streamed (chunked) as lines are written, until the attempt has ended and its output is read.")
    @ApiResponse(responseCode = "200", description = "the output, streamed when followed",
            content = {@Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(type = "string")),
                       @Content(mediaType = NDJSON, schema = @Schema(type = "string", description = "one OutputRecord JSON document per line"))})
    @ApiResponse(responseCode = "400", description = "a query parameter is invalid (errors[].field names it)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "no such task", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "too many streamed answers are open, or the store is not ready; retry after Retry-After",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public HttpResponse<Flux<String>> logs(@PathVariable String id, HttpRequest<?> request,
                                           @Parameter(description = "the attempt (1 to the task's attempts); the last by default")
                                           @QueryValue(defaultValue = "") String attempt,
                                           @Parameter(description = "only stdout or only stderr") @QueryValue(defaultValue = "") String stream,
                                           @Parameter(description = "stream the output as it is written, until the attempt has ended",
                                                   schema = @Schema(type = "boolean", defaultValue = "false"))
                                           @QueryValue(defaultValue = "false") String follow,
                                           @Parameter(description = "only records numbered above this seq (to go on after a broken follow)",
                                                   schema = @Schema(type = "integer", minimum = "0", defaultValue = "0"))
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
        Flux<String> body = streams.open(() -> new LogSource(new AttemptOutput(kafka, id, wanted, notBefore), id, wanted,
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
        return Problem.respond(ProblemException.invalid("Invalid query", e.violations()).problem());
    }

    @Error(exception = NoSuchTaskException.class)
    public HttpResponse<String> noSuchTask(NoSuchTaskException e) {
        return Problem.respond(ProblemException.notFound(e.getMessage()).problem());
    }

    @Error(exception = Streams.TooManyStreamsException.class)
    public HttpResponse<String> tooMany(Streams.TooManyStreamsException e) {
        return Problem.unavailable(e.getMessage() + "; retry shortly", 5);
    }
}
