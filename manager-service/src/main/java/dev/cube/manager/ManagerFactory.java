package dev.cube.manager;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.micronaut.core.naming.conventions.StringConvention;
import dev.cube.kafka.KafkaClientConfig;
import dev.cube.events.origin.OriginCheck;
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

    /**
     * Origin proofs ({@code cube.security.cluster-secret}, env {@code CUBE_SECURITY_CLUSTER_SECRET}): with a secret the manager
     * signs what it writes and refuses what a record's writer may not say; without one it checks nothing.
     */
    @Singleton
    OriginCheck originCheck(Environment env) {
        return OriginCheck.withSecret(env.getProperty("cube.security.cluster-secret", String.class).orElse(null));
    }

    @Singleton
    @Bean(preDestroy = "close")
    EventPublisher eventPublisher(KafkaClientConfig kafka, OriginCheck origins) {
        return new EventPublisher(kafka, origins);
    }
}
