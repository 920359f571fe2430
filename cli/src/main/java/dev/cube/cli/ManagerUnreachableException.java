package dev.cube.cli;

import java.net.URI;

/** No connection could be made to the manager: reported with exit code {@link Cube#EXIT_FAILED}. */
public final class ManagerUnreachableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ManagerUnreachableException(URI manager, Throwable cause) {
        super("cannot reach the Cube manager at " + manager + ": is it running? (start it with bin/cube dev)", cause);
    }
}
