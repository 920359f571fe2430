package dev.cube.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Java main of this classpath in a JVM of its own, with {@code -D} settings, its output appended to a
 * file: so that a test can stop it (SIGTERM), kill it (SIGKILL) and start it again, apart from the rest.
 * Not thread-safe.
 */
public final class JavaProcess {

    /** The heap a process gets unless told otherwise. */
    public static final String DEFAULT_HEAP = "384m";

    private final String mainClass;
    private final Map<String, ?> settings;
    private final List<String> arguments;
    private final Path logFile;
    private final String heap;
    private Process process;

    public JavaProcess(String mainClass, Map<String, ?> settings, List<String> arguments, Path logFile) {
        this(mainClass, settings, arguments, logFile, DEFAULT_HEAP);
    }

    /** @param heap the JVM's maximum heap, as {@code -Xmx} takes it ({@code 256m}) */
    public JavaProcess(String mainClass, Map<String, ?> settings, List<String> arguments, Path logFile, String heap) {
        this.mainClass = mainClass;
        this.settings = settings;
        this.arguments = List.copyOf(arguments);
        this.logFile = logFile;
        this.heap = heap;
    }

    /** Starts it, unless it runs. */
    public void start() {
        if (isRunning()) {
            return;
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED", "-Xmx" + heap));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(arguments);
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + mainClass, e);
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The exit code, once it has exited. */
    public int exitValue() {
        return process.exitValue();
    }

    /** Asks it to stop (SIGTERM) and waits until it has. */
    public void stop() {
        end(false);
    }

    /** Kills it (SIGKILL): a crash, nothing said. */
    public void kill() {
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

    public Path logFile() {
        return logFile;
    }
}
