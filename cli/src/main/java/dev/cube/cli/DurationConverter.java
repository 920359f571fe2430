package dev.cube.cli;

import picocli.CommandLine;

import java.time.Duration;
import java.util.Locale;

/** Reads a duration as people write one: {@code 500ms}, {@code 90s}, {@code 5m}, {@code 1h}; a plain number is seconds. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        try {
            Duration duration;
            if (text.endsWith("ms")) {
                duration = Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            } else if (text.endsWith("s")) {
                duration = Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
            } else if (text.endsWith("m")) {
                duration = Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
            } else if (text.endsWith("h")) {
                duration = Duration.ofHours(Long.parseLong(text.substring(0, text.length() - 1)));
            } else {
                duration = Duration.ofSeconds(Long.parseLong(text));
            }
            if (duration.isNegative()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is negative: a duration is 0 or more");
            }
            return duration;
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration such as 500ms, 90s, 5m or 1h");
        }
    }

    /** {@code duration} for people: {@code 1m30s}, {@code 6m}, {@code 1h1m}, {@code 1500ms}. */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.toMillisPart() != 0) {
            return duration.toMillis() + "ms";
        }
        StringBuilder text = new StringBuilder();
        if (duration.toHours() > 0) {
            text.append(duration.toHours()).append('h');
        }
        if (duration.toMinutesPart() > 0) {
            text.append(duration.toMinutesPart()).append('m');
        }
        if (duration.toSecondsPart() > 0) {
            text.append(duration.toSecondsPart()).append('s');
        }
        return text.toString();
    }
}
