package dev.cube.cli;

/** A failure the command line reports as one line on stderr, with exit code {@link Cube#EXIT_FAILED}. */
public class CubeCliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CubeCliException(String message) {
        super(message);
    }

    public CubeCliException(String message, Throwable cause) {
        super(message, cause);
    }
}
