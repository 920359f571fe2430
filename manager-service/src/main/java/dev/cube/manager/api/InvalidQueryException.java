package dev.cube.manager.api;

import dev.cube.events.spec.Violation;

import java.util.List;

/** A query parameter (or header) of a request is not one the route takes: a 400 naming each. */
final class InvalidQueryException extends RuntimeException {

    private final List<Violation> violations;

    InvalidQueryException(String field, String message) {
        super(field + ": " + message);
        this.violations = List.of(new Violation(field, message));
    }

    List<Violation> violations() {
        return violations;
    }
}
