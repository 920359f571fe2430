package dev.cube.infra;

import com.github.dockerjava.api.exception.NotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.ImagePullPolicy;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * A single-node KRaft broker in a container, through Testcontainers' {@link KafkaContainer}: what
 * {@link SharedKafka} starts with {@code -Dcube.test.kafka=container}.
 *
 * <p>The image defaults to {@code cube/kafka:local} (built by
 * {@code infra/images/build-compose-images.sh --base}), which takes apache/kafka's configuration
 * and is used as a compatible substitute for it. Nothing is ever pulled: a missing image fails at
 * once, with the command that builds it.
 *
 * <p>Testcontainers is an optional dependency of {@code infra}: this class is loaded only in
 * container mode, and only where the module running the tests has
 * {@code org.testcontainers:testcontainers-kafka} on its test class path.
 */
final class ContainerKafka implements AutoCloseable {

    static final String DEFAULT_IMAGE = "cube/kafka:local";
    /** On every broker container Cube's tests start, so that {@code bin/test} can tell if one was left behind. */
    static final String LABEL = "dev.cube.test-kafka";

    private static final Logger LOG = LoggerFactory.getLogger(ContainerKafka.class);
    private static final ImagePullPolicy NEVER_PULL = image -> false;

    private final KafkaContainer container;
    private final String image;

    private ContainerKafka(KafkaContainer container, String image) {
        this.container = container;
        this.image = image;
    }

    /**
     * Starts a broker from {@code image} and returns once it is RUNNING.
     *
     * @throws IllegalStateException when no Docker engine answers, the image is not on the engine,
     *                               or the broker does not start (with the end of its log)
     */
    static ContainerKafka start(String image) {
        requireLocalImage(image);
        // Like the embedded broker (EmbeddedKafka): replication factor 1 everywhere, few partitions
        // for the internal topics, no automatic topic creation, a small heap.
        KafkaContainer container = new KafkaContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("apache/kafka"))
                .withEnv(Map.of(
                        "KAFKA_HEAP_OPTS", "-Xmx256m -Xms64m",
                        "KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE", String.valueOf(4 * 1024 * 1024),
                        "KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS", "4",
                        "KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS", "4",
                        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1",
                        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1",
                        "KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false",
                        "KAFKA_NUM_PARTITIONS", "1"))
                .withLabel(LABEL, "true")
                .withImagePullPolicy(NEVER_PULL)
                .withStartupTimeout(Duration.ofSeconds(120));
        long started = System.nanoTime();
        try {
            container.start();
        } catch (RuntimeException e) {
            String log = tail(container);
            container.stop();
            throw new IllegalStateException("the Kafka container from " + image + " did not start: " + e.getMessage()
                    + (log.isEmpty() ? "" : "\nend of its log:\n" + log), e);
        }
        ContainerKafka kafka = new ContainerKafka(container, image);
        LOG.info("Kafka in container {} from {} ready at {} in {} ms", kafka.containerId(), image,
                kafka.bootstrapServers(), (System.nanoTime() - started) / 1_000_000);
        return kafka;
    }

    String bootstrapServers() {
        return container.getBootstrapServers();
    }

    String containerId() {
        String id = container.getContainerId();
        return id == null ? "(none)" : id.substring(0, Math.min(12, id.length()));
    }

    String image() {
        return image;
    }

    /** Stops and removes the container (and its anonymous volumes). */
    @Override
    public void close() {
        String id = containerId();
        container.stop();
        LOG.info("Kafka container {} stopped and removed", id);
    }

    private static void requireLocalImage(String image) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            throw new IllegalStateException("the Kafka image " + image + " is not on the Docker engine, and no registry is used:"
                    + " build it with infra/images/build-compose-images.sh --base (bin/test does), or run the tests"
                    + " without -Dcube.test.kafka=container (the embedded broker)", e);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("-Dcube.test.kafka=container needs a Docker engine, and Testcontainers found none ("
                    + e.getMessage() + "): start one (infra/scripts/docker-engine.sh) or set DOCKER_HOST", e);
        }
    }

    private static String tail(KafkaContainer container) {
        try {
            String logs = container.getLogs();
            String[] lines = logs.split("\n");
            int from = Math.max(0, lines.length - 30);
            return String.join("\n", Arrays.copyOfRange(lines, from, lines.length));
        } catch (RuntimeException e) {
            return "";
        }
    }
}
