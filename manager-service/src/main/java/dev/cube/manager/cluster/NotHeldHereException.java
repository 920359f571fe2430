package dev.cube.manager.cluster;

/** This instance (or the peer asked) holds no copy of a store partition that may answer now; the detail says why. */
public final class NotHeldHereException extends RuntimeException {

    public NotHeldHereException(String message) {
        super(message);
    }

    public NotHeldHereException(String message, Throwable cause) {
        super(message, cause);
    }
}
