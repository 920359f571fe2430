package dev.cube.worker;

import dev.cube.worker.runtime.EngineUnavailableException;
import io.micronaut.context.ApplicationContext;

import java.util.HashMap;
import java.util.Map;

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
 * {@code cube.worker.output.max-follows} (64), {@code cube.worker.output.remove-wait} (2m).
 */
public final class WorkerApplication {

    private WorkerApplication() {
    }

    public static void main(String[] args) {
        ApplicationContext context;
        try {
            context = ApplicationContext.builder()
                    .args(args)
                    .properties(Map.of(WorkerFactory.ENABLED, "true"))
                    .start();
        } catch (RuntimeException e) {
            System.err.println(oneLine(e));
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(context::close, "cube-worker-shutdown"));
    }

    /**
     * Starts a worker in this JVM with {@code properties} (keys as listed above).
     *
     * @throws EngineUnavailableException when no Docker engine answers
     */
    public static ApplicationContext start(Map<String, Object> properties) {
        Map<String, Object> all = new HashMap<>(properties);
        all.put(WorkerFactory.ENABLED, "true");
        try {
            return ApplicationContext.builder().properties(all).start();
        } catch (RuntimeException e) {
            EngineUnavailableException engine = cause(e, EngineUnavailableException.class);
            throw engine != null ? engine : e;
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
