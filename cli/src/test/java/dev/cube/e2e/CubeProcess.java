package dev.cube.e2e;

import dev.cube.infra.JavaProcess;
import dev.cube.manager.ManagerApplication;
import dev.cube.worker.WorkerApplication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A manager or a worker of Cube in a JVM of its own, so that a test can stop it (SIGTERM), kill it
 * (SIGKILL) and start it again with the same settings, apart from everything else. Its output goes to
 * a file under {@code target/}.
 */
public final class CubeProcess implements AutoCloseable {

    private final String name;
    private final Map<String, Object> settings;
    private final JavaProcess process;

    private CubeProcess(String name, String mainClass, Map<String, Object> settings, Path logFile) {
        this(name, mainClass, settings, logFile, JavaProcess.DEFAULT_HEAP);
    }

    private CubeProcess(String name, String mainClass, Map<String, Object> settings, Path logFile, String heap) {
        this.name = name;
        this.settings = settings;
        this.process = new JavaProcess(mainClass, settings, List.of(), logFile, heap);
    }

    /** A manager on a free HTTP port of its own; {@code settings} are its {@code cube.*} properties. */
    public static CubeProcess manager(String name, Path dir, Map<String, Object> settings) {
        return manager(name, dir, settings, JavaProcess.DEFAULT_HEAP);
    }

    /** The same, with a heap of {@code heap} ({@code 256m}). */
    public static CubeProcess manager(String name, Path dir, Map<String, Object> settings, String heap) {
        Map<String, Object> all = new LinkedHashMap<>(settings);
        all.putIfAbsent("micronaut.server.port", freePort());
        all.putIfAbsent("cube.manager.state-dir", dir.resolve(name + "-state").toString());
        return new CubeProcess(name, ManagerApplication.class.getName(), all, dir.resolve(name + ".log"), heap);
    }

    /** A worker whose management port (health, metrics) is a free one of its own. */
    public static CubeProcess worker(String name, Path dir, Map<String, Object> settings) {
        Map<String, Object> all = new LinkedHashMap<>(settings);
        all.putIfAbsent("cube.worker.management-port", freePort());
        return new CubeProcess(name, WorkerApplication.class.getName(), all, dir.resolve(name + ".log"));
    }

    /** Any main class of the test class path, with {@code settings} as {@code -D} properties and a heap of {@code heap}. */
    public static CubeProcess of(String name, Class<?> mainClass, Path dir, Map<String, Object> settings, String heap) {
        return new CubeProcess(name, mainClass.getName(), new LinkedHashMap<>(settings), dir.resolve(name + ".log"), heap);
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + settings.get("micronaut.server.port"));
    }

    public String name() {
        return name;
    }

    public CubeProcess start() {
        process.start();
        return this;
    }

    public boolean isRunning() {
        return process.isRunning();
    }

    /** Asks it to stop (SIGTERM) and waits until it has. */
    public void stop() {
        process.stop();
    }

    /** Kills it (SIGKILL): nothing of it runs any more, nothing was said. */
    public void kill() {
        process.kill();
    }

    public Path logFile() {
        return process.logFile();
    }

    @Override
    public void close() {
        stop();
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
