package dev.cube.manager;

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
    EventPublisher eventPublisher(ManagerSettings settings) {
        return new EventPublisher(settings.bootstrapServers());
    }
}
