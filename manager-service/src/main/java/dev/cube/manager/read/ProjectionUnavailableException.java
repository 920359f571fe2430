package dev.cube.manager.read;

/** The projection cannot answer right now (starting, rebalancing, restoring): retry shortly. */
public final class ProjectionUnavailableException extends RuntimeException {

    public ProjectionUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
