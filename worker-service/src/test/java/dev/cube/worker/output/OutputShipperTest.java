package dev.cube.worker.output;

import dev.cube.events.output.OutputRecord;
import dev.cube.events.spec.TaskSpec;
import dev.cube.worker.runtime.ContainerInfo;
import dev.cube.worker.runtime.InMemoryContainerRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static dev.cube.events.output.OutputRecord.Stream.STDERR;
import static dev.cube.events.output.OutputRecord.Stream.STDOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipper on the in-memory runtime and journal: every line once, in the engine's order, numbered per
 * attempt, then the end; a restart in the middle goes on after what was shipped; a refused record is
 * shipped again; a long output is cut.
 */
class OutputShipperTest {

    static final TaskSpec SPEC = TaskSpec.of(null, "cube/busybox:local", List.of("sh"));
    static final Duration PATIENCE = Duration.ofSeconds(5);

    /** A clock that stands still: every line of a burst carries the same time, as fast output on a coarse clock does. */
    final Clock frozen = Clock.fixed(Instant.parse("2026-01-31T12:00:00.500Z"), ZoneOffset.UTC);
    final InMemoryContainerRuntime runtime = new InMemoryContainerRuntime(frozen);
    final InMemoryJournal journal = new InMemoryJournal();
    final List<OutputShipper> shippers = new ArrayList<>();

    OutputShipper shipper(OutputShipper.Settings settings) {
        OutputShipper shipper = new OutputShipper("w1", runtime, journal, settings, Clock.systemUTC());
        shippers.add(shipper);
        return shipper;
    }

    @AfterEach
    void close() {
        shippers.forEach(OutputShipper::close);
    }

    ContainerInfo start(String task) {
        return runtime.start("w1", task, 1, SPEC);
    }

    @Test
    void shipsEveryLineOfBothStreamsInTheEnginesOrderNumberedFromOneThenTheEndOnceTheContainerExits() {
        OutputShipper shipper = shipper(OutputShipper.Settings.DEFAULT);
        shipper.observe(List.of());
        ContainerInfo container = start("t1");
        shipper.observe(List.of(container));
        await().atMost(PATIENCE).until(() -> runtime.followers("t1", 1) == 1);

        runtime.write("t1", 1, STDOUT, "hello from Cube", "second");
        runtime.write("t1", 1, STDERR, "oops");
        runtime.exit("t1", 1, 0, false);

        await().atMost(PATIENCE).until(() -> shipper.shipped(container).isDone());
        assertThat(journal.records).extracting(OutputRecord::seq, OutputRecord::kind, OutputRecord::stream, OutputRecord::line).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1L, OutputRecord.Kind.LINE, STDOUT, "hello from Cube"),
                org.assertj.core.groups.Tuple.tuple(2L, OutputRecord.Kind.LINE, STDOUT, "second"),
                org.assertj.core.groups.Tuple.tuple(3L, OutputRecord.Kind.LINE, STDERR, "oops"),
                org.assertj.core.groups.Tuple.tuple(4L, OutputRecord.Kind.END, null, null));
        assertThat(journal.records).allSatisfy(r -> assertThat(r.workerId()).isEqualTo("w1"));
        assertThat(journal.records.getFirst().time()).isEqualTo(frozen.instant());
        assertThat(journal.tails).as("a container this run started has shipped nothing before").hasValue(0);
    }

    @Test
    void aShipperStartedAgainInTheMiddleShipsEachLineOnceEvenLinesWrittenWhileNoneRanAndLinesSharingTheirTime() {
        ContainerInfo container = start("t1");
        OutputShipper first = shipper(OutputShipper.Settings.DEFAULT);
        first.observe(List.of());
        first.observe(List.of(container));
        await().atMost(PATIENCE).until(() -> runtime.followers("t1", 1) == 1);
        runtime.write("t1", 1, STDOUT, "1", "2", "3");
        await().atMost(PATIENCE).until(() -> journal.records.size() == 3);
        first.close();

        runtime.write("t1", 1, STDOUT, "4", "5");
        OutputShipper second = shipper(OutputShipper.Settings.DEFAULT);
        second.observe(List.of(container));
        await().atMost(PATIENCE).until(() -> runtime.followers("t1", 1) == 1);
        runtime.write("t1", 1, STDERR, "6");
        runtime.exit("t1", 1, 0, false);

        await().atMost(PATIENCE).until(() -> second.shipped(container).isDone());
        assertThat(journal.records).as("not even written twice").extracting(OutputRecord::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(journal.lines("t1", 1)).containsExactly("1", "2", "3", "4", "5", "6");
        assertThat(journal.records.getLast().kind()).isEqualTo(OutputRecord.Kind.END);
    }

    @Test
    void aShipperStartedAgainAfterTheEndShipsNothingMore() {
        ContainerInfo container = start("t1");
        OutputShipper first = shipper(OutputShipper.Settings.DEFAULT);
        first.observe(List.of());
        first.observe(List.of(container));
        await().atMost(PATIENCE).until(() -> runtime.followers("t1", 1) == 1);
        runtime.write("t1", 1, STDOUT, "only");
        runtime.exit("t1", 1, 0, false);
        await().atMost(PATIENCE).until(() -> first.shipped(container).isDone());
        first.close();

        OutputShipper second = shipper(OutputShipper.Settings.DEFAULT);
        second.observe(List.of(runtime.find("t1", 1).orElseThrow()));

        await().atMost(PATIENCE).until(() -> second.shipped(container).isDone());
        assertThat(journal.records).extracting(OutputRecord::seq).containsExactly(1L, 2L);
    }

    @Test
    void whenTheLogRefusesARecordShippingGoesOnAfterTheLastOneItAcknowledgedAndReadersGetEachLineOnce() {
        OutputShipper shipper = shipper(OutputShipper.Settings.DEFAULT);
        shipper.observe(List.of());
        ContainerInfo container = start("t1");
        shipper.observe(List.of(container));
        await().atMost(PATIENCE).until(() -> runtime.followers("t1", 1) == 1);
        runtime.write("t1", 1, STDOUT, "1", "2");
        await().atMost(PATIENCE).until(() -> journal.records.size() == 2);

        journal.refuseNext.set(1);
        runtime.write("t1", 1, STDOUT, "3", "4");
        await().atMost(PATIENCE).until(() -> runtime.followers("t1", 1) == 1 && journal.lines("t1", 1).size() == 4);
        runtime.exit("t1", 1, 0, false);

        await().atMost(PATIENCE).until(() -> shipper.shipped(container).isDone());
        assertThat(journal.lines("t1", 1)).containsExactly("1", "2", "3", "4");
        assertThat(journal.read("t1", 1)).extracting(OutputRecord::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void anAttemptWritingMoreThanTheLimitIsCutAndThenOnlyEnds() {
        OutputShipper shipper = shipper(new OutputShipper.Settings(3, 8, Duration.ofSeconds(5)));
        shipper.observe(List.of());
        ContainerInfo container = start("t1");
        shipper.observe(List.of(container));
        await().atMost(PATIENCE).until(() -> runtime.followers("t1", 1) == 1);

        runtime.write("t1", 1, STDOUT, IntStream.rangeClosed(1, 10).mapToObj(String::valueOf).toArray(String[]::new));
        runtime.exit("t1", 1, 0, false);

        await().atMost(PATIENCE).until(() -> shipper.shipped(container).isDone());
        assertThat(journal.records).extracting(OutputRecord::kind).containsExactly(OutputRecord.Kind.LINE, OutputRecord.Kind.LINE,
                OutputRecord.Kind.LINE, OutputRecord.Kind.CUT, OutputRecord.Kind.END);
        assertThat(journal.records.get(3).reason()).contains("3 lines");
    }

    @Test
    void beyondTheLimitOfFollowsContainersWaitTheirTurnAndTheOneTheSupervisorWaitsForGoesFirst() {
        OutputShipper shipper = shipper(new OutputShipper.Settings(100, 1, Duration.ofSeconds(5)));
        shipper.observe(List.of());
        ContainerInfo a = start("a");
        ContainerInfo b = start("b");
        ContainerInfo c = start("c");
        shipper.observe(List.of(a, b, c));
        await().atMost(PATIENCE).until(() -> runtime.followers("a", 1) == 1);
        assertThat(shipper.following()).isEqualTo(1);

        CompletableFuture<Void> cShipped = shipper.shipped(c);
        runtime.exit("c", 1, 0, false);
        runtime.exit("a", 1, 0, false);

        await().atMost(PATIENCE).until(cShipped::isDone);
        assertThat(journal.records).as("c went before b, which waited its turn").extracting(OutputRecord::taskId).containsExactly("a", "c");
        await().atMost(PATIENCE).until(() -> runtime.followers("b", 1) == 1);
        assertThat(shipper.following()).isEqualTo(1);
    }

    @Test
    void theSupervisorGivesUpWaitingAfterTheLimitWhenTheLogDoesNotAcknowledge() {
        OutputShipper shipper = shipper(new OutputShipper.Settings(100, 8, Duration.ofMillis(300)));
        journal.hold();
        shipper.observe(List.of());
        ContainerInfo container = start("t1");
        runtime.exit("t1", 1, 0, false);

        CompletableFuture<Void> shipped = shipper.shipped(container);

        await().atMost(PATIENCE).until(shipped::isDone);
        assertThat(journal.records).extracting(OutputRecord::kind).containsExactly(OutputRecord.Kind.END);
        journal.open();
    }
}
