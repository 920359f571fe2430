package dev.cube.manager.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cube.manager.history.ProjectionCheck;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/** The verdict of a projection check: the projection rebuilt from the log against the live one, field by field. */
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "Verification", description = "The projection rebuilt from cube.task-events compared with the live one on cube.task-state")
public record VerificationView(
        @Schema(description = "whether both agree on every field of every task") boolean equal,
        @Schema(description = "records of cube.task-events folded") long events,
        @Schema(description = "tasks on cube.task-state") int liveTasks,
        @Schema(description = "tasks rebuilt from the log") int rebuiltTasks,
        @Schema(description = "how long the check took, in milliseconds") long millis,
        @Schema(description = "each field of each task on which they disagree; a side without the task says absent") List<Difference> differences) {

    /** One field of one task on which the live projection and the rebuild disagree. */
    @Schema(name = "VerificationDifference")
    public record Difference(String task, String field, String live, String rebuilt) {
    }

    static VerificationView of(ProjectionCheck.Report report, long millis) {
        return new VerificationView(report.equal(), report.events(), report.liveTasks(), report.rebuiltTasks(), millis,
                report.differences().stream().map(d -> new Difference(d.taskId(), d.field(), d.live(), d.rebuilt())).toList());
    }
}
