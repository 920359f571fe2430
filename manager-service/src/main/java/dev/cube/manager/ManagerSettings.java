package dev.cube.manager;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.nio.file.Path;
import java.time.Duration;

/** The manager's configuration keys and their defaults. */
@Singleton
public record ManagerSettings(
        @Value("${cube.kafka.bootstrap:`127.0.0.1:9092`}") String bootstrapServers,
        @Value("${cube.manager.application-id:cube-manager}") String applicationId,
        @Value("${cube.manager.state-dir:.cube/manager-state}") Path stateDir,
        @Value("${cube.manager.commit-interval:100ms}") Duration commitInterval,
        @Value("${cube.manager.replication-factor:1}") int replicationFactor,
        @Value("${cube.manager.worker-ttl:15s}") Duration workerTtl,
        @Value("${cube.manager.worker-grace:5s}") Duration workerGrace,
        @Value("${cube.manager.log-gap:5s}") Duration logGap,
        @Value("${cube.manager.tick-interval:1s}") Duration tickInterval,
        @Value("${cube.manager.placement-interval:500ms}") Duration placementInterval,
        @Value("${cube.manager.scheduler:epvm}") String scheduler,
        @Value("${cube.manager.fold-batch:5ms}") Duration foldBatch,
        @Value("${cube.manager.stream-threads:1}") int streamThreads,
        @Value("${cube.manager.prompt-commit:10ms}") Duration promptCommit) {
}
