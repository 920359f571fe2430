package dev.cube.infra;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which broker {@code cube.test.kafka} and {@code cube.test.bootstrap} ask for. */
class SharedKafkaTest {

    @Test
    void theEmbeddedBrokerIsTheDefault() {
        assertThat(SharedKafka.mode(null, null)).isEqualTo(SharedKafka.Mode.EMBEDDED);
        assertThat(SharedKafka.mode("", " ")).isEqualTo(SharedKafka.Mode.EMBEDDED);
        assertThat(SharedKafka.mode("embedded", null)).isEqualTo(SharedKafka.Mode.EMBEDDED);
    }

    @Test
    void containerAsksForTheTestcontainersBroker() {
        assertThat(SharedKafka.mode("container", null)).isEqualTo(SharedKafka.Mode.CONTAINER);
        assertThat(SharedKafka.mode(" container ", "")).isEqualTo(SharedKafka.Mode.CONTAINER);
    }

    @Test
    void aBootstrapAddressUsesThatBroker() {
        assertThat(SharedKafka.mode(null, "localhost:9092")).isEqualTo(SharedKafka.Mode.EXTERNAL);
    }

    @Test
    void aTypoOrAContradictionFailsInsteadOfRunningTheDefault() {
        assertThatThrownBy(() -> SharedKafka.mode("containers", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'embedded' (the default) or 'container'");
        assertThatThrownBy(() -> SharedKafka.mode("container", "localhost:9092"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use one");
    }
}
