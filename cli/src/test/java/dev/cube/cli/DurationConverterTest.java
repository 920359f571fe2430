package dev.cube.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @Test
    void shouldReadDurationsAsPeopleWriteThem() {
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(converter.convert("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(converter.convert("6m")).isEqualTo(Duration.ofMinutes(6));
        assertThat(converter.convert("1H")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void shouldRefuseWhatIsNotADuration() {
        assertThatThrownBy(() -> converter.convert("soon")).isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("'soon' is not a duration");
        assertThatThrownBy(() -> converter.convert("-5s")).isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("negative");
    }

    @Test
    void shouldWriteTheShortestForm() {
        assertThat(DurationConverter.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(DurationConverter.format(Duration.ofMinutes(6))).isEqualTo("6m");
        assertThat(DurationConverter.format(Duration.ofMinutes(61))).isEqualTo("1h1m");
        assertThat(DurationConverter.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(DurationConverter.format(Duration.ZERO)).isEqualTo("0s");
    }
}
