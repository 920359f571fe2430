package dev.cube.manager.api;

import dev.cube.manager.ManagerApplication;
import dev.cube.manager.history.DeadLetters;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/** {@code GET /api/v1/dead-letters}: the records Cube refused, read from {@code cube.dead-letters}, newest page first. */
@Controller("/api/v1/dead-letters")
@Tag(name = "dead-letters")
@ApiResponse(responseCode = "401", description = "the API asks for a bearer token (cube.security.tokens is set) and the request has none, or one it does not know",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "403", description = "the token's role may not do this (viewer: reads; submitter: also submit and stop tasks; operator: everything)",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@Requires(property = ManagerApplication.ENABLED, value = "true")
@ExecuteOn(TaskExecutors.BLOCKING)
public class DeadLetterController {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private final DeadLetters deadLetters;

    public DeadLetterController(dev.cube.kafka.KafkaClientConfig kafka) {
        this.deadLetters = new DeadLetters(kafka);
    }

    @Get
    @Operation(operationId = "listDeadLetters", summary = "Read the dead letters",
            description = "The last records of cube.dead-letters before an offset (the end by default), in log order: the reason and field "
                    + "Cube refused each for, where it came from (topic, partition, offset), and its original key, headers and value.")
    @ApiResponse(responseCode = "200", description = "a page of dead letters")
    @ApiResponse(responseCode = "400", description = "a query parameter is invalid (errors[].field names it)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public DeadLetterView.Page list(
            @Parameter(description = "at most this many dead letters", schema = @Schema(type = "integer", minimum = "1",
                    maximum = "" + MAX_LIMIT, defaultValue = "" + DEFAULT_LIMIT)) @QueryValue @Nullable String limit,
            @Parameter(description = "only those before this offset of cube.dead-letters (a page's earlier); the end by default",
                    schema = @Schema(type = "integer", minimum = "0")) @QueryValue @Nullable String before) {
        int size = (int) parse(limit == null || limit.isBlank() ? "" + DEFAULT_LIMIT : limit, 1, MAX_LIMIT, "limit", "must be a whole number from 1 to " + MAX_LIMIT);
        Long until = before == null || before.isBlank() ? null : parse(before, 0, Long.MAX_VALUE, "before", "must be an offset, 0 or more");
        DeadLetters.Page page = deadLetters.before(until, size);
        return new DeadLetterView.Page(page.items().stream().map(DeadLetterView::of).toList(), page.earlier(), page.end());
    }

    private static long parse(String text, long min, long max, String field, String rule) {
        try {
            long value = Long.parseLong(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ProblemException.invalidQuery(field, rule);
    }
}
