package dev.cube.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The real engine, seen through the docker CLI, as a user would look at it. */
public final class Docker {

    private Docker() {
    }

    public static List<String> containersOfTask(String taskId) {
        return lines(run("docker", "ps", "--all", "--quiet", "--filter", "label=dev.cube.task-id=" + taskId));
    }

    public static List<String> containersOfWorker(String workerId) {
        return lines(run("docker", "ps", "--all", "--quiet", "--filter", "label=dev.cube.worker-id=" + workerId));
    }

    public static boolean exists(String containerId) {
        return !lines(run("docker", "ps", "--all", "--quiet", "--no-trunc", "--filter", "id=" + containerId)).isEmpty();
    }

    public static String status(String containerId) {
        return run("docker", "inspect", "--format", "{{.State.Status}}", containerId).trim();
    }

    public static void forceRemove(List<String> containerIds) {
        if (!containerIds.isEmpty()) {
            List<String> command = new ArrayList<>(List.of("docker", "rm", "--force"));
            command.addAll(containerIds);
            run(command.toArray(String[]::new));
        }
    }

    public static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> lines(String output) {
        return Arrays.stream(output.split("\n")).map(String::trim).filter(line -> !line.isEmpty()).toList();
    }
}
