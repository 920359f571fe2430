package dev.cube.events.wire;

/** A record that is not a valid Cube event. {@code field} names the offending attribute as a JSON path, or is null when the whole record is at fault. */
public final class InvalidEventException extends RuntimeException {

    private final String field;

    public InvalidEventException(String field, String reason) {
        super(reason);
        this.field = field;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return getMessage();
    }

    @Override
    public String toString() {
        return field == null ? getMessage() : field + ": " + getMessage();
    }
}
