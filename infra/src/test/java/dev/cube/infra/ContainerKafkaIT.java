package dev.cube.infra;

import dev.cube.kafka.TopicSetup;
import com.github.dockerjava.api.DockerClient;
import dev.cube.events.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The broker behind {@code -Dcube.test.kafka=container}: Testcontainers' KafkaContainer on the local
 * {@code cube/kafka:local} image (built by {@code infra/images/build-compose-images.sh --base}).
 */
class ContainerKafkaIT {

    @Test
    void aBrokerInAContainerTakesCubesTopicsAndRecordsAndIsRemovedWhenClosed() throws Exception {
        DockerClient docker = DockerClientFactory.instance().client();
        String containerId;
        try (ContainerKafka kafka = ContainerKafka.start(ContainerKafka.DEFAULT_IMAGE)) {
            containerId = kafka.containerId();
            assertThat(labelled(docker)).contains(containerId);

            String bootstrap = kafka.bootstrapServers();
            TopicSetup.ensureTopics(bootstrap);
            assertThat(TopicSetup.partitionCount(bootstrap, Topics.TASK_EVENTS.name())).isEqualTo(Topics.TASK_EVENTS.partitions());

            String topic = Topics.TASK_EVENTS.name();
            try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                    new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>(topic, 0, "k", "hello through the container")).get();
            }
            try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                    new StringDeserializer(), new StringDeserializer())) {
                TopicPartition partition = new TopicPartition(topic, 0);
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                List<String> values = new ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (values.isEmpty() && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                        values.add(r.value());
                    }
                }
                assertThat(values).containsExactly("hello through the container");
            }
        }
        assertThat(labelled(docker)).doesNotContain(containerId);
    }

    @Test
    void aMissingImageFailsBeforeAnyContainerWithTheCommandThatBuildsIt() {
        DockerClient docker = DockerClientFactory.instance().client();
        List<String> before = labelled(docker);
        // No registry is asked (there is none to ask): the engine's own image list decides, so the failure
        // does not wait for a pull to time out. Time is not asserted here (see docs/benchmarks.md).
        assertThatThrownBy(() -> ContainerKafka.start("cube/no-such-kafka:local"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cube/no-such-kafka:local is not on the Docker engine")
                .hasMessageContaining("infra/images/build-compose-images.sh --base");
        assertThat(labelled(docker)).as("test brokers on the engine").containsExactlyInAnyOrderElementsOf(before);
    }

    /** Short ids of every container, running or not, with the label of Cube's test brokers. */
    private static List<String> labelled(DockerClient docker) {
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of(ContainerKafka.LABEL)).exec().stream()
                .map(c -> c.getId().substring(0, 12))
                .toList();
    }
}
