package dev.cube.manager.api;

import dev.cube.events.spec.Violation;

import java.util.List;

/** A request the API refuses: thrown by a controller, answered as its {@link Problem} ({@code application/problem+json}). */
final class ProblemException extends RuntimeException {

    private final Problem problem;

    private ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    Problem problem() {
        return problem;
    }

    static ProblemException invalid(String title, List<Violation> errors) {
        String detail = errors.stream().map(Violation::toString).reduce((a, b) -> a + "; " + b).orElse(title);
        return new ProblemException(new Problem(Problem.INVALID_REQUEST, title, 400, detail, errors));
    }

    static ProblemException invalidQuery(String field, String message) {
        return invalid("Invalid query", List.of(new Violation(field, message)));
    }

    static ProblemException notFound(String detail) {
        return new ProblemException(new Problem(Problem.NOT_FOUND, "Not found", 404, detail, List.of()));
    }

    static ProblemException conflict(String detail) {
        return new ProblemException(new Problem(Problem.CONFLICT, "Conflict", 409, detail, List.of()));
    }
}
