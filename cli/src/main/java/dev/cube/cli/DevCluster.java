package dev.cube.cli;

import dev.cube.infra.EmbeddedKafka;
import dev.cube.kafka.TopicSetup;
import dev.cube.manager.ManagerApplication;
import dev.cube.worker.WorkerApplication;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A whole Cube in one process: a real embedded Kafka broker, a manager and one worker on the
 * local Docker engine. {@code cube dev} runs one; the end-to-end tests run one too. Closing it
 * stops the worker, then the manager, then the broker.
 */
public final class DevCluster implements AutoCloseable {

    private final EmbeddedKafka kafka;
    private final ApplicationContext manager;
    private ApplicationContext worker;
    private final String workerId;
    private final Map<String, Object> workerProperties;

    private DevCluster(EmbeddedKafka kafka, ApplicationContext manager, String workerId, Map<String, Object> workerProperties) {
        this.kafka = kafka;
        this.manager = manager;
        this.workerId = workerId;
        this.workerProperties = workerProperties;
    }

    /**
     * Starts a cluster whose broker keeps its log under {@code dataDir}.
     *
     * @param kafkaPort the broker's port; 0 picks a free one
     * @param httpPort  the manager's HTTP port; -1 picks a free one
     */
    public static DevCluster start(Path dataDir, int kafkaPort, int httpPort, String workerId, Map<String, Object> extra) {
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), kafkaPort);
        ApplicationContext manager = null;
        try {
            TopicSetup.ensureTopics(kafka.bootstrapServers());
            Map<String, Object> managerProperties = new HashMap<>(extra);
            managerProperties.put("cube.kafka.bootstrap", kafka.bootstrapServers());
            managerProperties.putIfAbsent("cube.manager.state-dir", dataDir.resolve("manager-state").toString());
            managerProperties.put("micronaut.server.port", httpPort);
            // A development cluster takes no tokens (the first run stays one command), so it answers on loopback only.
            managerProperties.putIfAbsent("micronaut.server.host", "127.0.0.1");
            manager = ManagerApplication.start(managerProperties);
            Map<String, Object> workerProperties = new HashMap<>(extra);
            workerProperties.put("cube.kafka.bootstrap", kafka.bootstrapServers());
            workerProperties.put("cube.worker.id", workerId);
            workerProperties.putIfAbsent("cube.worker.address", "127.0.0.1");
            DevCluster cluster = new DevCluster(kafka, manager, workerId, workerProperties);
            cluster.startWorker();
            return cluster;
        } catch (RuntimeException e) {
            if (manager != null) {
                manager.close();
            }
            kafka.close();
            throw e;
        }
    }

    public URI managerUri() {
        return manager.getBean(EmbeddedServer.class).getURI();
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String workerId() {
        return workerId;
    }

    /** Where the worker's health and metrics answer ({@code cube.worker.management-port}). */
    public synchronized URI workerManagementUri() {
        return worker == null ? null : WorkerApplication.managementUri(worker);
    }

    /** Starts the worker again after {@link #stopWorker()}, as a restarted worker process would. */
    public synchronized void startWorker() {
        if (worker == null) {
            worker = WorkerApplication.start(workerProperties);
        }
    }

    /** Stops the worker cleanly; its containers keep running on the engine. */
    public synchronized void stopWorker() {
        if (worker != null) {
            worker.close();
            worker = null;
        }
    }

    @Override
    public void close() {
        stopWorker();
        manager.close();
        kafka.close();
    }
}
