package dev.cube.manager.read;

import dev.cube.events.state.DesiredState;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class TaskPageTest {

    static TaskState task(String id, TaskStatus state) {
        return new TaskState(id, null, state, DesiredState.Running, 0, null, null, null, null, null, null, null, null, null, null, 1, null);
    }

    /** Each partition's tasks, sorted by id as its store keeps them. */
    static TaskPage.Slice slice(int partition, TaskStatus state, int wanted, TaskState... tasks) {
        return TaskPage.Slice.of(partition, Stream.of(tasks).sorted((a, b) -> TaskPage.ID_ORDER.compare(a.id(), b.id())).iterator(), state, wanted);
    }

    static List<String> ids(TaskPage page) {
        return page.items().stream().map(TaskState::id).toList();
    }

    @Test
    void shouldMergeThePartitionsInIdOrderAndCountThemAll() {
        int wanted = TaskPage.wanted(0, 10);
        List<TaskPage.Slice> slices = List.of(
                slice(0, null, wanted, task("c", TaskStatus.Pending), task("a", TaskStatus.Running)),
                slice(1, null, wanted, task("b", TaskStatus.Pending), task("e", TaskStatus.Completed)),
                slice(2, null, wanted, task("d", TaskStatus.Pending)));

        TaskPage page = TaskPage.merge(slices, List.of(), 0, 10);

        assertThat(ids(page)).containsExactly("a", "b", "c", "d", "e");
        assertThat(page.total()).isEqualTo(5);
        assertThat(page.more()).isFalse();
        assertThat(page.partial()).isFalse();
    }

    @Test
    void shouldCutThePageAtItsOffsetAndLimitFromWhatEachPartitionSends() {
        int wanted = TaskPage.wanted(2, 2);
        List<TaskPage.Slice> slices = List.of(
                slice(0, null, wanted, task("a", TaskStatus.Pending), task("c", TaskStatus.Pending), task("e", TaskStatus.Pending),
                        task("g", TaskStatus.Pending), task("i", TaskStatus.Pending)),
                slice(1, null, wanted, task("b", TaskStatus.Pending), task("d", TaskStatus.Pending), task("f", TaskStatus.Pending)));

        assertThat(slices.get(0).items()).as("a partition sends no more than offset + limit").hasSize(4);
        TaskPage page = TaskPage.merge(slices, List.of(), 2, 2);

        assertThat(ids(page)).containsExactly("c", "d");
        assertThat(page.total()).isEqualTo(8);
        assertThat(page.more()).isTrue();
    }

    @Test
    void shouldCountOnlyTheTasksInTheStateAskedFor() {
        int wanted = TaskPage.wanted(0, 10);
        List<TaskPage.Slice> slices = List.of(
                slice(0, TaskStatus.Pending, wanted, task("a", TaskStatus.Pending), task("b", TaskStatus.Running)),
                slice(1, TaskStatus.Pending, wanted, task("c", TaskStatus.Completed), task("d", TaskStatus.Pending)));

        TaskPage page = TaskPage.merge(slices, List.of(), 0, 10);

        assertThat(ids(page)).containsExactly("a", "d");
        assertThat(page.total()).isEqualTo(2);
    }

    @Test
    void shouldAnswerAnEmptyLastPageBeyondTheEnd() {
        TaskPage page = TaskPage.merge(List.of(slice(0, null, 11, task("a", TaskStatus.Pending))), List.of(), 10, 1);

        assertThat(page.items()).isEmpty();
        assertThat(page.total()).isEqualTo(1);
        assertThat(page.more()).isFalse();
    }

    @Test
    void shouldSayWhichPartitionsAreMissingFromAPartialPage() {
        TaskPage page = TaskPage.merge(List.of(slice(1, null, 10, task("a", TaskStatus.Pending))), List.of(3, 0), 0, 10);

        assertThat(page.partial()).isTrue();
        assertThat(page.unavailablePartitions()).containsExactly(0, 3);
        assertThat(page.total()).as("what the partitions that answered hold").isEqualTo(1);
    }

    @Test
    void shouldOrderIdsByTheirUtf8BytesAsTheStoresDo() {
        assertThat(TaskPage.ID_ORDER.compare("task-10", "task-9")).isNegative();
        assertThat(TaskPage.ID_ORDER.compare("Z", "a")).isNegative();
        assertThat(TaskPage.ID_ORDER.compare("\uFFFD", "\uD83D\uDE00")).as("a code point above U+FFFF sorts after U+FFFD in UTF-8").isNegative();
    }

    @Test
    void shouldPageOneOrderedSourceAsOneSlice() {
        TaskPage page = TaskPage.of(List.of(task("a", TaskStatus.Pending), task("b", TaskStatus.Pending), task("c", TaskStatus.Pending)).iterator(),
                null, 1, 1);

        assertThat(ids(page)).containsExactly("b");
        assertThat(page.total()).isEqualTo(3);
        assertThat(page.more()).isTrue();
    }
}
