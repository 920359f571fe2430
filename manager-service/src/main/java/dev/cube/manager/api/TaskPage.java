package dev.cube.manager.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStatus;
import io.micronaut.core.annotation.Nullable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.Iterator;
import java.util.List;

/**
 * A page of tasks in id order, across every partition whichever manager instance holds it;
 * {@code nextOffset} is the {@code offset} of the next page, null on the last one; {@code total}, how many
 * tasks match in all; {@code partial}, whether some partitions could not answer (only with
 * {@code partial=true}), and then which ones.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "TaskPage", requiredProperties = {"items", "nextOffset", "total", "partial"})
public record TaskPage(
        List<TaskView> items,
        @Nullable @Schema(description = "pass it as offset for the next page; null on the last page") Integer nextOffset,
        @Schema(description = "how many tasks match in all (in the partitions reached, when partial)") long total,
        @Schema(description = "true: some partitions had no instance that could answer, and their tasks are missing") boolean partial,
        @Nullable @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "when partial: the partitions of cube.task-events whose tasks are missing")
        List<Integer> unavailablePartitions) {

    /** The page of the read side's {@code tasks}, which start at {@code offset} and hold at most {@code limit}. */
    static TaskPage of(dev.cube.manager.read.TaskPage tasks, int offset, int limit) {
        return new TaskPage(tasks.items().stream().map(TaskView::of).toList(), tasks.more() ? offset + limit : null, tasks.total(),
                tasks.partial(), tasks.partial() ? tasks.unavailablePartitions() : null);
    }

    /** The page of {@code tasks} (in id order, one source: the log folded as of an instant) that starts at {@code offset}. */
    static TaskPage of(Iterator<TaskState> tasks, TaskStatus state, int offset, int limit) {
        return of(dev.cube.manager.read.TaskPage.of(tasks, state, offset, limit), offset, limit);
    }
}
