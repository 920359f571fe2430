package dev.cube.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * How every Kafka client Cube builds (producers, consumers, admin clients, Kafka Streams) reaches the
 * cluster: the bootstrap address plus the operator's own client properties ({@code security.protocol},
 * {@code sasl.*}, {@code ssl.*}, ...), read from {@code cube.kafka.properties.*} and from a properties
 * file ({@code cube.kafka.properties-file}, like the {@code --command-config} of Kafka's own tools).
 *
 * <p>Merging: a key that Cube sets on a client itself because its guarantees depend on it
 * (serializers, {@code isolation.level}, {@code acks}, the processing guarantee, ...) keeps Cube's
 * value; every other key comes from the operator. Among the operator's, {@code cube.kafka.properties.*}
 * win over the file. {@code cube.kafka.bootstrap}, when set, wins over a {@code bootstrap.servers} in
 * either (see {@link #load}).
 *
 * <p>Immutable and thread-safe.
 */
public record KafkaClientConfig(String bootstrapServers, Map<String, String> properties) {

    public KafkaClientConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        properties = Map.copyOf(properties == null ? Map.of() : properties);
    }

    /** A cluster that needs nothing but its address (PLAINTEXT, no authentication). */
    public static KafkaClientConfig of(String bootstrapServers) {
        return new KafkaClientConfig(bootstrapServers, Map.of());
    }

    /**
     * The operator's settings: {@code bootstrap} ({@code null} when not set: the file's
     * {@code bootstrap.servers}, else {@code 127.0.0.1:9092}), the properties of {@code file} (may be
     * {@code null}), then {@code properties} over them.
     *
     * @throws IllegalArgumentException when the file cannot be read, naming it
     */
    public static KafkaClientConfig load(String bootstrap, Map<String, ?> properties, Path file) {
        Map<String, String> merged = new TreeMap<>();
        if (file != null) {
            merged.putAll(readFile(file));
        }
        if (properties != null) {
            properties.forEach((key, value) -> {
                if (value != null) {
                    merged.put(key, String.valueOf(value));
                }
            });
        }
        String fromProperties = merged.remove("bootstrap.servers");
        String address = bootstrap != null && !bootstrap.isBlank() ? bootstrap
                : fromProperties != null && !fromProperties.isBlank() ? fromProperties : "127.0.0.1:9092";
        return new KafkaClientConfig(address, merged);
    }

    /** {@code cubeSettings} with the bootstrap address and the operator's properties added (Cube's own keys stand). */
    public Map<String, Object> clientConfig(Map<String, ?> cubeSettings) {
        Map<String, Object> config = new HashMap<>(cubeSettings);
        config.put("bootstrap.servers", bootstrapServers);
        properties.forEach(config::putIfAbsent);
        return config;
    }

    /** The same, as {@link Properties} (Kafka Streams, clients configured that way). */
    public Properties clientProperties(Properties cubeSettings) {
        Properties config = new Properties();
        config.putAll(cubeSettings);
        config.put("bootstrap.servers", bootstrapServers);
        properties.forEach(config::putIfAbsent);
        return config;
    }

    /** What the operator's properties say, with the values of secrets ({@code password}, {@code jaas.config}, ...) hidden: for logs. */
    public String describe() {
        Map<String, String> shown = new TreeMap<>();
        properties.forEach((key, value) -> shown.put(key, secret(key) ? "[hidden]" : value));
        return bootstrapServers + (shown.isEmpty() ? "" : " " + shown);
    }

    private static boolean secret(String key) {
        String k = key.toLowerCase(java.util.Locale.ROOT);
        return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.contains("token") || k.endsWith(".key");
    }

    private static Map<String, String> readFile(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the Kafka client properties file " + file + ": " + e.getMessage(),
                    new UncheckedIOException(e));
        }
        Map<String, String> values = new TreeMap<>();
        p.stringPropertyNames().forEach(name -> values.put(name, p.getProperty(name).strip()));
        return values;
    }
}
