package dev.cube.manager.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.EventType;
import dev.cube.events.wire.Json;
import dev.cube.manager.ManagerApplication;
import dev.cube.manager.read.TaskReads;
import dev.cube.manager.stream.EventFeed;
import dev.cube.manager.stream.EventFilter;
import dev.cube.manager.stream.Position;
import dev.cube.manager.stream.StreamSource;
import dev.cube.manager.stream.Streams;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.TaskExecutors;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code GET /api/v1/events}: the log's events, filtered by task, type and worker. Without
 * {@code follow}, a page of past events as JSON with the cursor to go on from; with
 * {@code follow=true}, Server-Sent Events, live, each with the position after it as its {@code id}, so
 * that a client reconnecting with {@code Last-Event-ID} misses nothing and gets nothing twice.
 */
@Controller("/api/v1/events")
@Tag(name = "events")
@ApiResponse(responseCode = "401", description = "the API asks for a bearer token (cube.security.tokens is set) and the request has none, or one it does not know",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "403", description = "the token's role may not do this (viewer: reads; submitter: also submit and stop tasks; operator: everything)",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@Requires(property = ManagerApplication.ENABLED, value = "true")
@ExecuteOn(TaskExecutors.BLOCKING)
public class EventStreamController {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    static final Duration POLL = Duration.ofMillis(500);
    static final Duration PAGE_WAIT = Duration.ofSeconds(30);

    private final TaskReads projection;
    private final Streams streams;
    private final dev.cube.kafka.KafkaClientConfig kafka;
    private final Duration keepAlive;
    private final Clock clock;

    public EventStreamController(TaskReads projection, Streams streams, dev.cube.kafka.KafkaClientConfig kafka, Clock clock,
                                 @Value("${cube.manager.events-keep-alive:15s}") Duration keepAlive) {
        this.projection = projection;
        this.streams = streams;
        this.kafka = kafka;
        this.keepAlive = keepAlive;
        this.clock = clock;
    }

    @Get(produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    @Operation(operationId = "listEvents", summary = "Read or follow the log's events",
            description = "The events of cube.task-events (and, with workers=true, cube.workers) in log order, filtered by task, type and worker: "
                    + "a page with the cursor to go on from, or, with follow=true, Server-Sent Events whose ids are positions on the log "
                    + "(Last-Event-ID resumes exactly after the last one received).")
    @ApiResponse(responseCode = "200", description = "a page of events, or the followed stream",
            content = {@Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EventPage.class)),
                       @Content(mediaType = MediaType.TEXT_EVENT_STREAM, schema = @Schema(type = "string",
                               description = "event: the CloudEvent type; id: the position after it; data: the CloudEvent as JSON"))})
    @ApiResponse(responseCode = "400", description = "a query parameter or Last-Event-ID is invalid (errors[].field names it)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "too many streamed answers are open; retry after Retry-After", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> events(@Parameter(description = "follow the log as Server-Sent Events", schema = @Schema(type = "boolean", defaultValue = "false"))
                                  @QueryValue(defaultValue = "false") String follow,
                                  @Parameter(description = "beginning, end, a cursor (a page's next, an SSE id) such as 0:42,1:17,2:88,3:5, or an ISO-8601 instant (the first events logged at or after it)")
                                  @QueryValue(defaultValue = "") String from,
                                  @Parameter(description = "only this task's events") @QueryValue(defaultValue = "") String task,
                                  @Parameter(description = "only these event types, separated by commas (dev.cube.task.completed, task.completed or completed)")
                                  @QueryValue(defaultValue = "") String type,
                                  @Parameter(description = "only the events of this worker") @QueryValue(defaultValue = "") String worker,
                                  @Parameter(description = "the workers' events (cube.workers) too", schema = @Schema(type = "boolean", defaultValue = "false"))
                                  @QueryValue(defaultValue = "false") String workers,
                                  @Parameter(description = "at most this many events in a page",
                                          schema = @Schema(type = "integer", minimum = "1", maximum = "" + MAX_LIMIT, defaultValue = "" + DEFAULT_LIMIT))
                                  @QueryValue(defaultValue = "" + DEFAULT_LIMIT) String limit,
                                  @Parameter(in = ParameterIn.HEADER, name = "Last-Event-ID", description = "resume a followed stream after this SSE id")
                                  @Header(value = "Last-Event-ID", defaultValue = "") String lastEventId) throws JsonProcessingException {
        boolean following = bool(follow, "follow");
        boolean workerTopics = bool(workers, "workers");
        Set<EventType> types = EventFilter.types(type).orElseThrow(() -> new InvalidQueryException("type",
                "must be event types separated by commas: dev.cube.task.completed, task.completed or completed"));
        EventFilter filter = new EventFilter(task.isBlank() ? null : task.trim(), types, worker.isBlank() ? null : worker.trim());
        EventFeed.Start start = start(from, lastEventId, following, filter);
        Long first = filter.task() == null ? null : projection.firstOffset(filter.task()).orElse(null);
        if (following) {
            return HttpResponse.ok(streams.open(() -> new FeedSource(new EventFeed(kafka, filter, workerTopics && filter.wantsWorkerTopics(),
                    start, first)))).contentType(MediaType.TEXT_EVENT_STREAM_TYPE);
        }
        int size;
        try {
            size = Integer.parseInt(limit.trim());
        } catch (NumberFormatException e) {
            size = -1;
        }
        if (size < 1 || size > MAX_LIMIT) {
            throw new InvalidQueryException("limit", "must be a whole number from 1 to " + MAX_LIMIT);
        }
        ObjectNode page = page(new EventFeed(kafka, filter, workerTopics && filter.wantsWorkerTopics(), start, first), size);
        return HttpResponse.ok(Json.MAPPER.writeValueAsString(page)).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    /** Up to {@code size} events from the feed's start, no further than where the log ended when asked; with the cursor to go on from. */
    private ObjectNode page(EventFeed feed, int size) {
        try (feed) {
            ArrayNode items = Json.MAPPER.createArrayNode();
            Position next = feed.position();
            Instant giveUp = clock.instant().plus(PAGE_WAIT);
            while (items.size() < size && !feed.readWhatWasThere() && clock.instant().isBefore(giveUp)) {
                for (EventFeed.Item item : feed.poll(POLL)) {
                    if (items.size() == size) {
                        break;
                    }
                    items.add(item.json());
                    next = item.after();
                }
                if (items.size() < size) {
                    next = feed.position();
                }
            }
            ObjectNode page = Json.MAPPER.createObjectNode();
            page.set("items", items);
            page.put("next", next.toString());
            return page;
        }
    }

    private static EventFeed.Start start(String from, String lastEventId, boolean following, EventFilter filter) {
        if (!lastEventId.isBlank()) {
            return new EventFeed.Start.At(Position.parse(lastEventId).orElseThrow(() -> new InvalidQueryException("Last-Event-ID",
                    "must be an id this stream sent, such as 0:42,1:17,2:88,3:5")));
        }
        Instant at = from.isBlank() ? null : HistoryViews.parseInstant(from);
        if (at != null) {
            return new EventFeed.Start.Time(at);
        }
        return switch (from.trim().toLowerCase(Locale.ROOT)) {
            case "" -> following && filter.task() == null ? new EventFeed.Start.End() : new EventFeed.Start.Beginning();
            case "beginning" -> new EventFeed.Start.Beginning();
            case "end" -> new EventFeed.Start.End();
            default -> new EventFeed.Start.At(Position.parse(from).orElseThrow(() -> new InvalidQueryException("from",
                    "must be beginning, end, a cursor such as 0:42,1:17,2:88,3:5, or an ISO-8601 instant")));
        };
    }

    private static boolean bool(String text, String field) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "" -> true;
            case "false" -> false;
            default -> throw new InvalidQueryException(field, "must be true or false");
        };
    }

    /** Each event as a Server-Sent Event whose id is the position after it; a comment when the log has been quiet a while. */
    private final class FeedSource implements StreamSource<Event<String>> {
        private final EventFeed feed;
        private Instant lastSent = clock.instant();
        private boolean opened;

        FeedSource(EventFeed feed) {
            this.feed = feed;
        }

        @Override
        public List<Event<String>> next() {
            List<EventFeed.Item> items = feed.poll(POLL);
            Instant now = clock.instant();
            if (items.isEmpty()) {
                if (!opened) {
                    // The server sends the answer's head with its first event: a comment sends it now.
                    opened = true;
                    return List.of(Event.of("").comment("following from " + feed.position()));
                }
                if (Duration.between(lastSent, now).compareTo(keepAlive) < 0) {
                    return List.of();
                }
                lastSent = now;
                return List.of(Event.of("").comment("keep-alive"));
            }
            lastSent = now;
            opened = true;
            return items.stream().map(item -> Event.of(item.json().toString()).id(item.after().toString())).toList();
        }

        @Override
        public void wakeup() {
            feed.wakeup();
        }

        @Override
        public void close() {
            feed.close();
        }
    }

    @Error(exception = InvalidQueryException.class)
    public HttpResponse<String> invalid(InvalidQueryException e) {
        return Problem.respond(ProblemException.invalid(e.getMessage().startsWith("Last-Event-ID") ? "Invalid header" : "Invalid query", e.violations()).problem());
    }

    @Error(exception = Streams.TooManyStreamsException.class)
    public HttpResponse<String> tooMany(Streams.TooManyStreamsException e) {
        return Problem.unavailable(e.getMessage() + "; retry shortly", 5);
    }
}
