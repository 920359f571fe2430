package dev.cube.cli;

import dev.cube.worker.runtime.EngineUnavailableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code cube dev}: a Kafka broker, a manager and a worker in one process, for development. */
@Command(name = "dev",
        mixinStandardHelpOptions = true,
        description = "Run a development cluster in this process: a Kafka broker, a manager and a worker.",
        usageHelpAutoWidth = true)
public final class DevCommand implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "The manager's HTTP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "9092",
            description = "The embedded Kafka broker's port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".cube/dev",
            description = "Where the broker's log and the state stores live (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--worker-port", paramLabel = "PORT", defaultValue = "8081",
            description = "The worker's management port: its health and metrics (default: ${DEFAULT-VALUE}).")
    int workerPort;

    @Option(names = "--worker-id", paramLabel = "ID", defaultValue = "dev-worker",
            description = "The id of the worker (default: ${DEFAULT-VALUE}).")
    String workerId;

    @Override
    public Integer call() throws Exception {
        DevCluster cluster;
        try {
            cluster = DevCluster.start(dataDir, kafkaPort, port, workerId, Map.of("cube.worker.management-port", workerPort));
        } catch (EngineUnavailableException e) {
            System.err.println(e.getMessage());
            return Cube.EXIT_FAILED;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping Cube...");
            cluster.close();
            stopped.countDown();
        }, "cube-dev-shutdown"));
        System.out.printf("""
                Cube is running.
                  manager (HTTP):  %s   (health: /health/readiness, metrics: /prometheus, API: /api/openapi.yml)
                  Kafka:           %s
                  worker:          %s (local Docker engine; health and metrics at %s)
                  data:            %s
                  access:          HTTP and Kafka on 127.0.0.1 only, without tokens or origin proofs (docs/security.md)
                Try: bin/cube run --image cube/busybox:local --wait -- echo hello
     then bin/cube status <the id it printed, or its first characters>
                Press Ctrl-C to stop.
                """, cluster.managerUri(), cluster.bootstrapServers(), cluster.workerId(), cluster.workerManagementUri(), dataDir.toAbsolutePath());
        stopped.await();
        return 0;
    }
}
