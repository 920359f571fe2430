package dev.cube.worker;

import dev.cube.worker.runtime.EngineUnavailableException;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.net.URI;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Starts a Cube worker. As a process: {@link #main}; inside another JVM (as {@code cube dev}
 * does next to a manager): {@link #start}. Both set {@code cube.worker.enabled=true}; closing the
 * returned context closes the worker, which says {@code Left}.
 *
 * <p>Configuration ({@code application.yml}, {@code -Dkey=value}, environment variables such as
 * {@code CUBE_WORKER_ID}): {@code cube.kafka.bootstrap} (127.0.0.1:9092), {@code cube.worker.id}
 * (host name), {@code cube.worker.address} (host name), {@code cube.worker.cpu},
 * {@code cube.worker.memory}, {@code cube.worker.disk} (the machine's cores, MB of memory, MB of
 * disk), {@code cube.worker.heartbeat-interval} (3s), {@code cube.worker.exit-check-interval}
 * (500ms), {@code cube.worker.stop-grace} (10s), {@code cube.worker.health-check-timeout} (2s), {@code cube.docker.host} (DOCKER_HOST, else
 * unix:///var/run/docker.sock), {@code cube.docker.pull-timeout} (5m), {@code cube.worker.output.max-lines} (100000),
 * {@code cube.worker.output.max-follows} (64), {@code cube.worker.output.remove-wait} (2m), {@code cube.worker.management-port} (8081; -1 picks a
 * free one): the small HTTP port of its health ({@code /health/liveness}, {@code /health/readiness}) and metrics
 * ({@code /prometheus}), in the Micronaut environment {@value #ENVIRONMENT} ({@code application-worker.yml}).
 */
public final class WorkerApplication {

    /** The worker's Micronaut environment: its defaults are in {@code application-worker.yml} (the management port, health, metrics). */
    public static final String ENVIRONMENT = "worker";

    /** How long a stop asked for while the worker starts waits for the start to end before closing what started. */
    private static final Duration START_WAIT = Duration.ofMinutes(2);

    private WorkerApplication() {
    }

    public static void main(String[] args) {
        ApplicationContext context = ApplicationContext.builder()
                .args(args)
                .environments(ENVIRONMENT)
                .properties(Map.of(WorkerFactory.ENABLED, "true"))
                .build();
        // Registered before the start: a worker stopped while it starts (its management port still opening) still says it left.
        CountDownLatch startDone = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                startDone.await(START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (context.isRunning()) {
                context.close();
            }
        }, "cube-worker-shutdown"));
        try {
            context.start();
            startManagementPort(context);
        } catch (RuntimeException e) {
            System.err.println(oneLine(e));
            startDone.countDown();
            System.exit(1);
            return;
        }
        startDone.countDown();
    }

    /**
     * Starts a worker in this JVM with {@code properties} (keys as listed above).
     *
     * @throws EngineUnavailableException when no Docker engine answers
     */
    public static ApplicationContext start(Map<String, Object> properties) {
        Map<String, Object> all = new HashMap<>(properties);
        all.put(WorkerFactory.ENABLED, "true");
        ApplicationContext context = null;
        try {
            context = ApplicationContext.builder().environments(ENVIRONMENT).properties(all).start();
            startManagementPort(context);
            return context;
        } catch (RuntimeException e) {
            if (context != null && context.isRunning()) {
                context.close();
            }
            EngineUnavailableException engine = cause(e, EngineUnavailableException.class);
            throw engine != null ? engine : e;
        }
    }

    /** Where the worker's health and metrics answer ({@code cube.worker.management-port}). */
    public static URI managementUri(ApplicationContext worker) {
        return worker.getBean(EmbeddedServer.class).getURI();
    }

    private static void startManagementPort(ApplicationContext context) {
        try {
            context.getBean(EmbeddedServer.class).start();
        } catch (RuntimeException e) {
            context.close();
            throw new IllegalStateException("the worker's management port (cube.worker.management-port) cannot be opened: "
                    + (e.getMessage() == null ? e : e.getMessage()), e);
        }
    }

    private static String oneLine(Throwable e) {
        EngineUnavailableException engine = cause(e, EngineUnavailableException.class);
        if (engine != null) {
            return engine.getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return "Cube worker could not start: " + (root.getMessage() == null ? root.toString() : root.getMessage());
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
