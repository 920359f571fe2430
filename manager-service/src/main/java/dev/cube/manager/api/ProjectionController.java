package dev.cube.manager.api;

import dev.cube.manager.ManagerApplication;
import dev.cube.manager.history.EventLogReader;
import dev.cube.manager.history.ProjectionCheck;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * {@code POST /api/v1/projection/verify}: the check of {@code cube replay --verify}, run by the manager
 * ({@link ProjectionCheck}: the whole log folded again with the projection's function, compared with
 * {@code cube.task-state}). One at a time: it reads the whole log.
 */
@Controller("/api/v1/projection")
@Tag(name = "projection")
@ApiResponse(responseCode = "401", description = "the API asks for a bearer token (cube.security.tokens is set) and the request has none, or one it does not know",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "403", description = "the token's role may not do this (viewer: reads; submitter: also submit and stop tasks; operator: everything)",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@Requires(property = ManagerApplication.ENABLED, value = "true")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ProjectionController {

    private final dev.cube.kafka.KafkaClientConfig kafka;
    private final dev.cube.events.origin.OriginCheck origins;
    private final Duration settle;
    private final Semaphore oneAtATime = new Semaphore(1);

    /** @param origins refuses, as the live fold does, what origin proofs do not allow: the check compares like with like */
    public ProjectionController(dev.cube.kafka.KafkaClientConfig kafka, dev.cube.events.origin.OriginCheck origins,
                                @Value("${cube.manager.verify-settle:10s}") Duration settle) {
        this.kafka = kafka;
        this.origins = origins;
        this.settle = settle;
    }

    @Post("/verify")
    @Operation(operationId = "verifyProjection", summary = "Verify the projection against the log",
            description = "Folds the whole of cube.task-events again with the projection's function and compares every task, field by field, "
                    + "with the live projection on cube.task-state (what cube replay --verify does). While they differ both sides are read on, "
                    + "for up to cube.manager.verify-settle (10 s): the live one may be a commit behind. Reads the whole log: one check at a time.")
    @ApiResponse(responseCode = "200", description = "the verdict: equal, or each difference",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VerificationView.class)))
    @ApiResponse(responseCode = "503", description = "another check is running; retry after Retry-After",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> verify() {
        if (!oneAtATime.tryAcquire()) {
            return Problem.unavailable("a projection check is running; retry when it is done", 5);
        }
        try {
            long began = System.nanoTime();
            ProjectionCheck.Report report = ProjectionCheck.run(kafka, origins, settle, EventLogReader.Progress.NONE);
            return HttpResponse.ok(VerificationView.of(report, (System.nanoTime() - began) / 1_000_000));
        } finally {
            oneAtATime.release();
        }
    }
}
