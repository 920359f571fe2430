package dev.cube.compose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One compose project of the tests, on one of the repository's compose files: its own project name
 * ({@code prefix} and a random suffix), the images built locally by infra/images/build-compose-images.sh,
 * the environment the file's overrides read; health of its services, their logs on failure (saved under
 * target/compose-logs and printed), and a tear-down that leaves nothing of it (containers, network,
 * volumes, and the task containers of its workers).
 */
final class ComposeProject {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path LOGS = Path.of("target", "compose-logs").toAbsolutePath();
    private static final Duration HEALTHY_WITHIN = Duration.ofMinutes(3);

    final String name;
    private final String file;
    private final List<String> compose;
    private final Map<String, String> environment = new HashMap<>();

    /** {@code file}: a compose file at the repository's root. */
    ComposeProject(String prefix, String file) {
        this.name = prefix + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        this.file = file;
        this.compose = composeCommand();
    }

    /** Sets the variables the compose file reads (its overrides). */
    ComposeProject environment(Map<String, String> variables) {
        environment.putAll(variables);
        return this;
    }

    static void buildImages() {
        Result build = run(List.of(ROOT.resolve("infra/images/build-compose-images.sh").toString()), Map.of(), Duration.ofMinutes(10));
        System.out.println(build.output);
        assertThat(build.exitCode).as("infra/images/build-compose-images.sh:\n%s", build.output).isZero();
    }

    /** Compose v2 as a docker plugin if there is one, else docker-compose (1.29 on Debian). */
    private static List<String> composeCommand() {
        if (run(List.of("docker", "compose", "version"), Map.of(), Duration.ofSeconds(30)).exitCode == 0) {
            return List.of("docker", "compose");
        }
        Result legacy = run(List.of("docker-compose", "version"), Map.of(), Duration.ofSeconds(30));
        assertThat(legacy.exitCode).as("neither `docker compose` nor `docker-compose` works: %s", legacy.output).isZero();
        return List.of("docker-compose");
    }

    Result compose(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(compose);
        command.addAll(List.of("-p", name, "-f", ROOT.resolve(file).toString(), "--project-directory", ROOT.toString()));
        command.addAll(List.of(args));
        return run(command, environment, timeout);
    }

    void composeOk(Duration timeout, String... args) {
        Result result = compose(timeout, args);
        assertThat(result.exitCode).as("compose %s:\n%s", String.join(" ", args), result.output).isZero();
    }

    void awaitHealthy(String... services) {
        Map<String, String> health = new HashMap<>();
        await().atMost(HEALTHY_WITHIN).pollInterval(Duration.ofSeconds(1))
                .alias("compose services " + String.join(", ", services) + " healthy")
                .until(() -> {
                    for (String service : services) {
                        health.put(service, containerHealth(service));
                    }
                    return health.values().stream().allMatch("healthy"::equals);
                });
    }

    /** The id of the service's (first) container, running or not; empty when there is none. */
    String containerId(String service) {
        return run(List.of("docker", "ps", "--all", "--quiet", "--filter", "label=com.docker.compose.project=" + name,
                "--filter", "label=com.docker.compose.service=" + service), Map.of(), Duration.ofSeconds(30)).output.strip().lines().findFirst().orElse("");
    }

    /** healthy, unhealthy, starting (running ones), exited/ (and the like), or absent. */
    String containerHealth(String service) {
        String id = containerId(service);
        if (id.isEmpty()) {
            return "absent";
        }
        return run(List.of("docker", "inspect", "--format", "{{.State.Status}}/{{if .State.Health}}{{.State.Health.Status}}{{end}}", id),
                Map.of(), Duration.ofSeconds(30)).output.strip().replace("running/", "");
    }

    /** The exit code of the service's container, once it has exited (a one-shot service). */
    int exitCode(String service) {
        Result code = run(List.of("docker", "inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", containerId(service)), Map.of(), Duration.ofSeconds(30));
        String[] parts = code.output.strip().split(" ");
        assertThat(parts[0]).as("%s's container", service).isEqualTo("exited");
        return Integer.parseInt(parts[1]);
    }

    /** /proc/1/status of the service's container: who its main process runs as, with which capabilities. */
    String processStatus(String service) {
        Result status = run(List.of("docker", "exec", containerId(service), "cat", "/proc/1/status"), Map.of(), Duration.ofSeconds(30));
        assertThat(status.exitCode).as(status.output).isZero();
        return status.output;
    }

    /** Copies {@code path} out of the service's container (running or exited; volumes included) to {@code target}. */
    void copyOut(String service, String path, Path target) {
        Result copy = run(List.of("docker", "cp", containerId(service) + ":" + path, target.toString()), Map.of(), Duration.ofSeconds(60));
        assertThat(copy.exitCode).as("docker cp %s:%s: %s", service, path, copy.output).isZero();
    }

    void saveAndPrintLogs() {
        try {
            Files.createDirectories(LOGS);
            Result services = compose(Duration.ofSeconds(60), "config", "--services");
            for (String service : services.output.strip().lines().map(String::strip).filter(s -> !s.isEmpty()).toList()) {
                Result logs = compose(Duration.ofSeconds(60), "logs", "--no-color", "--timestamps", service);
                Path log = LOGS.resolve(name + "-" + service + ".log");
                Files.writeString(log, logs.output);
                System.out.printf("%n===== %s: logs of %s (%s) =====%n%s%n", name, service, log, logs.output);
            }
            System.out.printf("===== %s: %s =====%n", name, compose(Duration.ofSeconds(60), "ps").output);
        } catch (Exception e) {
            System.out.println(name + ": could not save the logs: " + e);
        }
    }

    /** down -v, then whatever carries the project's label (should down have failed half-way), then the task containers of {@code workers}. */
    void tearDown(String... workers) {
        Result down = compose(Duration.ofMinutes(2), "down", "-v", "--remove-orphans", "--timeout", "10");
        if (down.exitCode != 0) {
            System.out.println(name + ": down failed:\n" + down.output);
        }
        String label = "label=com.docker.compose.project=" + name;
        removeAll(List.of("docker", "ps", "--all", "--quiet", "--filter", label), List.of("docker", "rm", "--force", "--volumes"));
        removeAll(List.of("docker", "network", "ls", "--quiet", "--filter", label), List.of("docker", "network", "rm"));
        removeAll(List.of("docker", "volume", "ls", "--quiet", "--filter", label), List.of("docker", "volume", "rm", "--force"));
        for (String worker : workers) {
            removeAll(List.of("docker", "ps", "--all", "--quiet", "--filter", "label=dev.cube.worker-id=" + worker),
                    List.of("docker", "rm", "--force"));
        }
    }

    private static void removeAll(List<String> list, List<String> remove) {
        List<String> ids = run(list, Map.of(), Duration.ofSeconds(30)).output.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (!ids.isEmpty()) {
            List<String> command = new ArrayList<>(remove);
            command.addAll(ids);
            run(command, Map.of(), Duration.ofMinutes(1));
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static Result run(List<String> command, Map<String, String> environment, Duration timeout) {
        try {
            Path output = Files.createTempFile("compose-it-", ".out");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
                builder.environment().putAll(environment);
                Process process = builder.start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor();
                    return new Result(-1, Files.readString(output, StandardCharsets.UTF_8) + "\n(timed out after " + timeout + ")");
                }
                return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Result(int exitCode, String output) {
    }
}
