package dev.cube.kafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaClientConfigTest {

    @TempDir
    Path dir;

    @Test
    void shouldAddTheOperatorsPropertiesToEveryClientWithoutOverridingCubesOwn() {
        KafkaClientConfig kafka = KafkaClientConfig.load("broker:9093",
                Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "isolation.level", "read_uncommitted"), null);

        Map<String, Object> config = kafka.clientConfig(Map.of("isolation.level", "read_committed", "client.id", "cube-x"));

        assertThat(config).containsEntry("bootstrap.servers", "broker:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("client.id", "cube-x");
    }

    @Test
    void shouldReadAPropertiesFileLikeKafkasCommandConfigWithPropertiesOverIt() throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, """
                bootstrap.servers=from-file:9092
                security.protocol=SASL_PLAINTEXT
                sasl.mechanism=SCRAM-SHA-256
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="cube" password="s3cret";
                """);

        KafkaClientConfig fromFile = KafkaClientConfig.load(null, Map.of("sasl.mechanism", "PLAIN"), file);
        KafkaClientConfig bootstrapWins = KafkaClientConfig.load("given:9092", Map.of(), file);

        assertThat(fromFile.bootstrapServers()).isEqualTo("from-file:9092");
        assertThat(fromFile.properties()).containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "PLAIN")
                .doesNotContainKey("bootstrap.servers");
        assertThat(bootstrapWins.bootstrapServers()).isEqualTo("given:9092");
        assertThat(fromFile.describe()).contains("SASL_PLAINTEXT").doesNotContain("s3cret");
    }

    @Test
    void shouldDefaultToTheLocalBrokerAndNameAFileItCannotRead() {
        assertThat(KafkaClientConfig.load(null, null, null).bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThatThrownBy(() -> KafkaClientConfig.load(null, null, dir.resolve("missing.properties")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing.properties");
    }
}
