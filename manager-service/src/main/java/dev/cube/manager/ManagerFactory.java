package dev.cube.manager;

import dev.cube.infra.TopicSetup;
import dev.cube.manager.scheduling.WorkerRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

import java.time.Clock;

@Factory
@Requires(property = ManagerApplication.ENABLED, value = "true")
class ManagerFactory {

    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Singleton
    @Bean(preDestroy = "close")
    WorkerRegistry workerRegistry(ManagerSettings settings, Clock clock) {
        // The registry reads every partition of cube.workers from the start: on a fresh cluster
        // (docker compose up) the topics must exist before it looks them up.
        TopicSetup.ensureTopics(settings.bootstrapServers(), (short) settings.replicationFactor());
        return new WorkerRegistry(settings.bootstrapServers(), clock, settings.workerTtl()).start();
    }

    @Singleton
    @Bean(preDestroy = "close")
    EventPublisher eventPublisher(ManagerSettings settings) {
        return new EventPublisher(settings.bootstrapServers());
    }
}
