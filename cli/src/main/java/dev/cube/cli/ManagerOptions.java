package dev.cube.cli;

import picocli.CommandLine.Option;

import java.net.URI;

/** Where the manager's HTTP API is: {@code --manager}, else {@code $CUBE_MANAGER}, else the dev default. */
public final class ManagerOptions {

    public static final String DEFAULT_MANAGER = "http://127.0.0.1:8080";

    @Option(names = "--manager", paramLabel = "URL",
            defaultValue = "${env:CUBE_MANAGER:-" + DEFAULT_MANAGER + "}",
            description = "The manager's base URL (env CUBE_MANAGER; default: ${DEFAULT-VALUE}).")
    URI manager;

    public URI manager() {
        return manager;
    }

    public ManagerClient client() {
        return new ManagerClient(manager);
    }
}
