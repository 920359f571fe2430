package dev.cube.cli;

/** The manager answered with an error status; {@link Problem} holds what it said. */
public final class ProblemException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.status() + " " + problem.title());
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
