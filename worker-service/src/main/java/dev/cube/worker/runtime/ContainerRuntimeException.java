package dev.cube.worker.runtime;

/** The container engine refused a request; the message says what and why. */
public class ContainerRuntimeException extends RuntimeException {

    public ContainerRuntimeException(String message) {
        super(message);
    }

    public ContainerRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
