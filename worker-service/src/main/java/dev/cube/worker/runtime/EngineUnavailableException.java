package dev.cube.worker.runtime;

/** No container engine answers at the configured address. Nothing was done; the request may be retried. */
public class EngineUnavailableException extends ContainerRuntimeException {

    private final String host;

    public EngineUnavailableException(String host, Throwable cause) {
        super("No Docker engine answers at " + host + ": start one or set DOCKER_HOST (see docs/operations.md)", cause);
        this.host = host;
    }

    public String host() {
        return host;
    }
}
