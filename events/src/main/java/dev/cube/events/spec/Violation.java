package dev.cube.events.spec;

/** One reason an input is refused, naming the offending field as a JSON path such as {@code spec.ports[0].containerPort}. */
public record Violation(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
