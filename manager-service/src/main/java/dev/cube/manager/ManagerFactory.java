package dev.cube.manager;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.micronaut.core.naming.conventions.StringConvention;
import dev.cube.kafka.KafkaClientConfig;
import jakarta.inject.Singleton;

import java.nio.file.Path;
import java.time.Clock;

@Factory
@Requires(property = ManagerApplication.ENABLED, value = "true")
class ManagerFactory {

    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    /** How every Kafka client of the manager reaches the cluster: {@code cube.kafka.bootstrap}, {@code cube.kafka.properties.*}, {@code cube.kafka.properties-file}. */
    @Singleton
    KafkaClientConfig kafkaClientConfig(Environment env) {
        return KafkaClientConfig.load(
                env.getProperty("cube.kafka.bootstrap", String.class).orElse(null),
                env.getProperties("cube.kafka.properties", StringConvention.RAW),
                env.getProperty("cube.kafka.properties-file", String.class).filter(s -> !s.isBlank()).map(Path::of).orElse(null));
    }

    @Singleton
    @Bean(preDestroy = "close")
    EventPublisher eventPublisher(KafkaClientConfig kafka) {
        return new EventPublisher(kafka);
    }
}
