package dev.cube.e2e;

import dev.cube.manager.ManagerApplication;
import dev.cube.worker.WorkerApplication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A manager or a worker of Cube in a JVM of its own, so that a test can stop it (SIGTERM), kill it
 * (SIGKILL) and start it again with the same settings, apart from everything else. Its output goes to
 * a file under {@code target/}.
 */
final class CubeProcess implements AutoCloseable {

    private final String name;
    private final String mainClass;
    private final Map<String, Object> settings;
    private final Path logFile;
    private Process process;

    private CubeProcess(String name, String mainClass, Map<String, Object> settings, Path logFile) {
        this.name = name;
        this.mainClass = mainClass;
        this.settings = settings;
        this.logFile = logFile;
    }

    /** A manager on a free HTTP port of its own; {@code settings} are its {@code cube.*} properties. */
    static CubeProcess manager(String name, Path dir, Map<String, Object> settings) {
        Map<String, Object> all = new LinkedHashMap<>(settings);
        all.putIfAbsent("micronaut.server.port", freePort());
        all.putIfAbsent("cube.manager.state-dir", dir.resolve(name + "-state").toString());
        return new CubeProcess(name, ManagerApplication.class.getName(), all, dir.resolve(name + ".log"));
    }

    static CubeProcess worker(String name, Path dir, Map<String, Object> settings) {
        return new CubeProcess(name, WorkerApplication.class.getName(), new LinkedHashMap<>(settings), dir.resolve(name + ".log"));
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + settings.get("micronaut.server.port"));
    }

    String name() {
        return name;
    }

    CubeProcess start() {
        if (isRunning()) {
            return this;
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED", "-Xmx384m"));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        try {
            Files.createDirectories(logFile.getParent());
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        return this;
    }

    boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Asks it to stop (SIGTERM) and waits until it has. */
    void stop() {
        end(false);
    }

    /** Kills it (SIGKILL): nothing of it runs any more, nothing was said. */
    void kill() {
        end(true);
    }

    private void end(boolean kill) {
        if (process == null) {
            return;
        }
        if (kill) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    Path logFile() {
        return logFile;
    }

    @Override
    public void close() {
        stop();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
