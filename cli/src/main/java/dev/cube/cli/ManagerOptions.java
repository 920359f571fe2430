package dev.cube.cli;

import picocli.CommandLine.Option;

import java.net.URI;

/** Where the manager's HTTP API is ({@code --manager}, else {@code $CUBE_MANAGER}, else the dev default) and the token it takes ({@code --token}, else {@code $CUBE_TOKEN}). */
public final class ManagerOptions {

    public static final String DEFAULT_MANAGER = "http://127.0.0.1:8080";

    @Option(names = "--manager", paramLabel = "URL",
            defaultValue = "${env:CUBE_MANAGER:-" + DEFAULT_MANAGER + "}",
            description = "The manager's base URL (env CUBE_MANAGER; default: ${DEFAULT-VALUE}).")
    URI manager;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:CUBE_TOKEN}",
            description = "The bearer token for the manager's API, if it asks for one (env CUBE_TOKEN).")
    String token;

    public URI manager() {
        return manager;
    }

    public ManagerClient client() {
        return new ManagerClient(manager, token);
    }
}
