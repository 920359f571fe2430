package dev.cube.worker.output;

import dev.cube.events.output.OutputRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Where shipping stands after an attempt's records, and which lines of a stream followed again were shipped. */
class OutputCursorTest {

    static final Instant T = Instant.parse("2026-01-31T12:00:05.250Z");

    static OutputRecord line(long seq, Instant time) {
        return OutputRecord.line("t1", 1, seq, "w1", time, OutputRecord.Stream.STDOUT, "line " + seq);
    }

    @Test
    void afterItsRecordsTheCursorHasTheLastNumberTheLastLinesTimeAndHowManyLinesShareIt() {
        OutputCursor cursor = OutputCursor.after(List.of(line(1, T.minusMillis(5)), line(2, T), line(3, T)));

        assertThat(cursor).isEqualTo(new OutputCursor(3, T, 2, false, false));
        assertThat(cursor.followFrom()).isEqualTo(Instant.parse("2026-01-31T12:00:04Z"));
    }

    @Test
    void aRecordWrittenTwiceCountsOnce() {
        OutputCursor cursor = OutputCursor.after(List.of(line(1, T), line(2, T), line(2, T), line(3, T.plusMillis(1))));

        assertThat(cursor).isEqualTo(new OutputCursor(3, T.plusMillis(1), 1, false, false));
    }

    @Test
    void markersEndOrCutTheAttempt() {
        OutputCursor cut = OutputCursor.after(List.of(line(1, T), OutputRecord.cut("t1", 1, 2, "w1", T, "too much")));
        OutputCursor ended = OutputCursor.after(List.of(line(1, T), OutputRecord.end("t1", 1, 2, "w1", T)));

        assertThat(cut.cut()).isTrue();
        assertThat(cut.ended()).isFalse();
        assertThat(ended.ended()).isTrue();
        assertThat(ended.seq()).isEqualTo(2);
    }

    @Test
    void stepsAreTheSameAsReadingTheRecordsTheyMake() {
        OutputCursor stepped = OutputCursor.START.afterLine(T).afterLine(T).afterLine(T.plusSeconds(1)).afterLine(T.plusSeconds(1));

        assertThat(stepped).isEqualTo(OutputCursor.after(List.of(line(1, T), line(2, T), line(3, T.plusSeconds(1)), line(4, T.plusSeconds(1)))));
        assertThat(OutputCursor.START.followFrom()).isNull();
    }

    @Test
    void aTailIsEnoughOnceItReachesAnOlderLineTheFirstRecordOrAMarker() {
        assertThat(OutputCursor.isEnoughOf(List.of())).isFalse();
        assertThat(OutputCursor.isEnoughOf(List.of(line(7, T), line(8, T)))).as("an older line may share their time").isFalse();
        assertThat(OutputCursor.isEnoughOf(List.of(line(6, T.minusMillis(1)), line(7, T), line(8, T)))).isTrue();
        assertThat(OutputCursor.isEnoughOf(List.of(line(1, T), line(2, T)))).isTrue();
        assertThat(OutputCursor.isEnoughOf(List.of(line(7, T), OutputRecord.end("t1", 1, 8, "w1", T)))).isTrue();
    }

    @Test
    void resumingSkipsInTheEnginesOrderUpToTheLastLineShippedEvenWhenLinesShareItsTime() {
        // The engine's lines from a second before: three stamped T were written, two of them shipped.
        List<Instant> stream = List.of(T.minusMillis(900), T, T.minusNanos(1), T, T, T.plusNanos(1));
        Resumption resumption = new Resumption(new OutputCursor(9, T, 2, false, false));

        List<Integer> toShip = new ArrayList<>();
        for (int i = 0; i < stream.size(); i++) {
            if (!resumption.shipped(stream.get(i))) {
                toShip.add(i);
            }
        }

        assertThat(toShip).as("the third line stamped T and what follows it").containsExactly(4, 5);
    }

    @Test
    void resumingFromNothingShipsEverything() {
        Resumption resumption = new Resumption(OutputCursor.START);

        assertThat(resumption.shipped(T)).isFalse();
        assertThat(resumption.shipped(T)).isFalse();
    }

    @Test
    void whenTheLastLineShippedIsNoLongerOnTheEngineTheFirstLineWellAfterItIsShipped() {
        Resumption resumption = new Resumption(new OutputCursor(4, T, 1, false, false));

        assertThat(resumption.shipped(T.minusMillis(10))).isTrue();
        assertThat(resumption.shipped(T.plusSeconds(2))).isFalse();
        assertThat(resumption.shipped(T.plusSeconds(3))).isFalse();
    }
}
