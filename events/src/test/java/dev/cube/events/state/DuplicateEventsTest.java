package dev.cube.events.state;

import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.cube.events.state.TaskHistory.completed;
import static dev.cube.events.state.TaskHistory.failed;
import static dev.cube.events.state.TaskHistory.lost;
import static dev.cube.events.state.TaskHistory.port;
import static dev.cube.events.state.TaskHistory.running;
import static dev.cube.events.state.TaskHistory.scheduled;
import static dev.cube.events.state.TaskHistory.stopRequested;
import static dev.cube.events.state.TaskHistory.stopped;
import static dev.cube.events.state.TaskHistory.submitted;
import static dev.cube.events.state.TaskHistory.unplaced;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Kafka delivers at least once: an event whose id was applied before must change nothing. */
class DuplicateEventsTest {

    private final TaskHistory history = new TaskHistory();

    static Stream<Arguments> lastEventOfAHistory() {
        return Stream.of(
                arguments("submitted", List.of(submitted())),
                arguments("unplaced", List.of(submitted(), unplaced("no capacity"))),
                arguments("scheduled", List.of(submitted(), scheduled("w1", 1))),
                arguments("running", List.of(submitted(), scheduled("w1", 1), running("w1", 1, "c-1", port(80, 32768)))),
                arguments("completed", List.of(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"), completed(1))),
                arguments("failed", List.of(submitted(), scheduled("w1", 1), failed(1, null, "image not found"))),
                arguments("stop-requested", List.of(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"), stopRequested(null))),
                arguments("stopped", List.of(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"), stopped(1, null))),
                arguments("lost", List.of(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"), lost("w1", 1))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lastEventOfAHistory")
    void aRedeliveredEventIsADuplicateThatChangesNothing(String name, List<TaskEvent> past) {
        history.given(past.toArray(TaskEvent[]::new));
        TaskState before = history.state();
        CubeEvent last = history.events().getLast();

        Evolution evolution = TaskStateMachine.evolve(before, last);

        assertThat(evolution).isInstanceOf(Evolution.Duplicate.class);
        assertThat(evolution.state()).isSameAs(before);
        assertThat(evolution.state().eventCount()).isEqualTo(past.size());
    }

    @Test
    void anOlderEventRedeliveredLaterIsADuplicateNotARejection() {
        history.given(submitted(), scheduled("w1", 1), running("w1", 1, "c-1"));
        CubeEvent scheduled = history.events().get(1);

        Evolution evolution = TaskStateMachine.evolve(history.state(), scheduled);

        assertThat(evolution).isInstanceOf(Evolution.Duplicate.class);
        assertThat(evolution.state().state()).isEqualTo(TaskStatus.Running);
    }

    @Test
    void foldingAHistoryWithDuplicatesGivesTheSameStateAsWithout() {
        history.given(submitted(), unplaced("no capacity"), scheduled("w1", 1), running("w1", 1, "c-1"),
                failed(1, 1, "exit 1"), scheduled("w2", 2), running("w2", 2, "c-2"), stopRequested(null), stopped(2, null));
        List<CubeEvent> once = history.events();
        List<CubeEvent> withDuplicates = new ArrayList<>();
        for (CubeEvent event : once) {
            withDuplicates.add(event);
            withDuplicates.add(event);
        }
        withDuplicates.addAll(once);

        TaskState folded = TaskStateMachine.fold(null, once);
        TaskState foldedWithDuplicates = TaskStateMachine.fold(null, withDuplicates);

        assertThat(folded.state()).isEqualTo(TaskStatus.Stopped);
        assertThat(folded.eventCount()).isEqualTo(once.size());
        assertThat(foldedWithDuplicates).isEqualTo(folded);
    }

    @Test
    void aNewEventWithTheSameContentAsAnEarlierOneButANewIdIsNotADuplicate() {
        history.given(submitted(), unplaced("no worker yet"), unplaced("no worker has 4096 MB free"));

        Evolution evolution = TaskStateMachine.evolve(history.state(), history.next(unplaced("no worker yet")));

        assertThat(evolution).isInstanceOf(Evolution.Applied.class);
        assertThat(evolution.state().reason()).isEqualTo("no worker yet");
        assertThat(evolution.state().eventCount()).isEqualTo(4);
    }
}
