package dev.cube.manager;

import dev.cube.infra.SharedKafka;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/** One real manager per test JVM, on the shared real broker, with a small HTTP client for tests. */
public final class RunningManager {

    private static RunningManager instance;

    private final ApplicationContext context;
    private final URI base;
    private final HttpClient http = HttpClient.newHttpClient();

    private RunningManager(ApplicationContext context) {
        this.context = context;
        this.base = context.getBean(EmbeddedServer.class).getURI();
    }

    public static synchronized RunningManager get() {
        if (instance == null) {
            try {
                Path stateDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "manager-state-");
                ApplicationContext context = ManagerApplication.start(Map.of(
                        "cube.kafka.bootstrap", SharedKafka.bootstrapServers(),
                        "cube.manager.application-id", "cube-manager-test-" + UUID.randomUUID(),
                        "cube.manager.state-dir", stateDir.toString(),
                        "cube.manager.worker-ttl", "6s",
                        "micronaut.server.port", -1));
                instance = new RunningManager(context);
                Runtime.getRuntime().addShutdownHook(new Thread(context::close));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    public URI uri(String path) {
        return base.resolve(path);
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    public HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public HttpResponse<String> delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE().build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
