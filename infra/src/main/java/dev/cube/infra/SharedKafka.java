package dev.cube.infra;

import dev.cube.kafka.TopicSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One real broker per JVM for tests, started on first use with Cube's topics created, and
 * stopped when the JVM exits. Tests share it; they keep apart by using their own task and worker ids.
 *
 * <p>Which broker, by system property (failsafe passes {@code -D} options on to the test JVM):
 * <ul>
 *   <li>by default ({@code cube.test.kafka} unset or {@code embedded}): an {@link EmbeddedKafka} in this JVM;</li>
 *   <li>{@code cube.test.kafka=container}: a broker in a container, through Testcontainers'
 *       {@code KafkaContainer} on the local image {@code cube/kafka:local} (another image with
 *       {@code cube.test.kafka.image}), stopped and removed at exit. The module's tests need
 *       {@code org.testcontainers:testcontainers-kafka} on their class path, and the test JVM
 *       {@code TESTCONTAINERS_RYUK_DISABLED=true} and {@code TESTCONTAINERS_HOST_OVERRIDE=localhost}
 *       (see manager-service's {@code kafka-container} failsafe execution);</li>
 *   <li>{@code cube.test.bootstrap=host:port}: a broker that is already running.</li>
 * </ul>
 */
public final class SharedKafka {

    /** {@code embedded} (the default) or {@code container}. */
    public static final String KAFKA_PROPERTY = "cube.test.kafka";
    public static final String IMAGE_PROPERTY = "cube.test.kafka.image";
    public static final String BOOTSTRAP_PROPERTY = "cube.test.bootstrap";

    private static final Logger LOG = LoggerFactory.getLogger(SharedKafka.class);

    /** Where the tests' broker comes from. */
    enum Mode { EMBEDDED, CONTAINER, EXTERNAL }

    private static String bootstrapServers;

    private SharedKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (bootstrapServers == null) {
            String external = System.getProperty(BOOTSTRAP_PROPERTY);
            bootstrapServers = switch (mode(System.getProperty(KAFKA_PROPERTY), external)) {
                case EXTERNAL -> external;
                case EMBEDDED -> startEmbedded();
                case CONTAINER -> startContainer(System.getProperty(IMAGE_PROPERTY, ContainerKafka.DEFAULT_IMAGE));
            };
            TopicSetup.ensureTopics(bootstrapServers);
        }
        return bootstrapServers;
    }

    /** The mode the two properties ask for; a typo or a contradiction fails rather than silently running the default. */
    static Mode mode(String kafka, String bootstrap) {
        boolean external = bootstrap != null && !bootstrap.isBlank();
        String asked = kafka == null ? "" : kafka.strip();
        Mode mode = switch (asked) {
            case "" -> external ? Mode.EXTERNAL : Mode.EMBEDDED;
            case "embedded" -> Mode.EMBEDDED;
            case "container" -> Mode.CONTAINER;
            default -> throw new IllegalArgumentException(
                    KAFKA_PROPERTY + " is '" + asked + "': it must be 'embedded' (the default) or 'container'");
        };
        if (external && mode != Mode.EXTERNAL) {
            throw new IllegalArgumentException("both " + BOOTSTRAP_PROPERTY + "=" + bootstrap + " and " + KAFKA_PROPERTY + "="
                    + asked + " are set: use one");
        }
        return mode;
    }

    private static String startEmbedded() {
        EmbeddedKafka kafka = EmbeddedKafka.start(tempDir(), 0);
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "embedded-kafka-shutdown"));
        return kafka.bootstrapServers();
    }

    private static String startContainer(String image) {
        try {
            Class.forName("org.testcontainers.kafka.KafkaContainer", false, SharedKafka.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(KAFKA_PROPERTY + "=container needs Testcontainers on the test class path:"
                    + " add org.testcontainers:testcontainers-kafka at test scope to this module (as manager-service does)", e);
        }
        ContainerKafka kafka = ContainerKafka.start(image);
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "container-kafka-shutdown"));
        LOG.info("tests use Kafka in container {} ({}) at {}", kafka.containerId(), kafka.image(), kafka.bootstrapServers());
        return kafka.bootstrapServers();
    }

    private static Path tempDir() {
        try {
            Path target = Path.of("target");
            Path base = Files.isDirectory(target) ? target : Path.of(System.getProperty("java.io.tmpdir"));
            return Files.createTempDirectory(base.toAbsolutePath(), "kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
