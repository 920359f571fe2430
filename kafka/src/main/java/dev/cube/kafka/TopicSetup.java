package dev.cube.kafka;

import dev.cube.events.topics.Topic;
import dev.cube.events.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Makes sure Cube's topics ({@link Topics#ALL}, or any others) are there and laid out as the contract
 * says. Topics that are missing are created when the principal may (CREATE); topics that an
 * administrator created ahead of time are checked instead: a missing topic that cannot be created, or a
 * topic with the wrong number of partitions where Cube depends on it, stops the caller with a message
 * that names each and says how to create it; a config that differs from the contract's is logged as a
 * warning. Needs DESCRIBE on the topics (and DESCRIBE_CONFIGS to check their configs, CREATE to create
 * them). Safe to run any number of times, by any number of processes.
 */
public final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);
    /** The configs whose value Cube depends on; the others of a topic's definition are advice. */
    private static final Set<String> CHECKED_CONFIGS = Set.of("cleanup.policy", "message.timestamp.type", "retention.ms");

    private TopicSetup() {
    }

    public static void ensureTopics(String bootstrapServers) {
        ensureTopics(bootstrapServers, (short) 1);
    }

    public static void ensureTopics(String bootstrapServers, short replicationFactor) {
        ensure(bootstrapServers, Topics.ALL, replicationFactor);
    }

    /** Creates those of {@code topics} that do not exist. */
    public static void ensure(String bootstrapServers, List<? extends Topic<?, ?>> topics, short replicationFactor) {
        ensure(KafkaClientConfig.of(bootstrapServers), topics, replicationFactor);
    }

    /**
     * Creates those of {@code topics} that do not exist, where allowed, and checks the others.
     *
     * @throws TopicsNotReadyException when a topic is missing and cannot be created, or is laid out so that Cube cannot work with it
     */
    public static void ensure(KafkaClientConfig kafka, List<? extends Topic<?, ?>> topics, short replicationFactor) {
        try (Admin admin = admin(kafka)) {
            Report report = check(admin, topics);
            List<String> problems = new ArrayList<>(report.problems());
            List<NewTopic> missing = report.missing().stream()
                    .map(topic -> new NewTopic(topic.name(), topic.partitions(), replicationFactor).configs(topic.config()))
                    .toList();
            if (!missing.isEmpty()) {
                for (var entry : admin.createTopics(missing).values().entrySet()) {
                    Topic<?, ?> topic = report.missing().stream().filter(t -> t.name().equals(entry.getKey())).findFirst().orElseThrow();
                    try {
                        entry.getValue().get(30, TimeUnit.SECONDS);
                        LOG.info("created topic {}", entry.getKey());
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof AuthorizationException && report.hidden().contains(topic.name())) {
                            problems.add("topic " + topic.name() + " is missing, or this principal may not DESCRIBE it, and it may not create it: "
                                    + "allow DESCRIBE, or " + howToCreate(topic, replicationFactor));
                        } else if (e.getCause() instanceof AuthorizationException) {
                            problems.add("topic " + topic.name() + " is missing and this principal may not create it: " + howToCreate(topic, replicationFactor));
                        } else if (!(e.getCause() instanceof TopicExistsException)) {
                            problems.add("topic " + topic.name() + " is missing and could not be created (" + e.getCause() + "): " + howToCreate(topic, replicationFactor));
                        }
                    }
                }
            }
            report.warnings().forEach(LOG::warn);
            if (!problems.isEmpty()) {
                throw new TopicsNotReadyException(problems);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking Cube's topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot reach Kafka at " + kafka.bootstrapServers() + " to check Cube's topics: " + e.getMessage(), e);
        }
    }

    /** What a look at the cluster says of {@code topics}: those missing, what stops Cube, what is merely off. */
    record Report(List<Topic<?, ?>> missing, Set<String> hidden, List<String> problems, List<String> warnings) {
    }

    static Report check(Admin admin, List<? extends Topic<?, ?>> topics) throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, Topic<?, ?>> byName = new LinkedHashMap<>();
        topics.forEach(topic -> byName.put(topic.name(), topic));
        Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(byName.keySet()).topicNameValues();
        List<Topic<?, ?>> missing = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<Topic<?, ?>> existing = new ArrayList<>();
        Set<String> hidden = new java.util.HashSet<>();
        for (Topic<?, ?> topic : byName.values()) {
            try {
                TopicDescription description = described.get(topic.name()).get(30, TimeUnit.SECONDS);
                existing.add(topic);
                int partitions = description.partitions().size();
                if (partitions != topic.partitions()) {
                    if (flexiblePartitions(topic)) {
                        warnings.add("topic " + topic.name() + " has " + partitions + " partitions, where Cube creates " + topic.partitions() + ": Cube works with it");
                    } else {
                        problems.add("topic " + topic.name() + " has " + partitions + " partitions; Cube needs exactly " + topic.partitions());
                    }
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    missing.add(topic);
                } else if (e.getCause() instanceof AuthorizationException) {
                    // a topic the principal may not DESCRIBE looks missing to it; CREATE (if allowed) says which it is
                    missing.add(topic);
                    hidden.add(topic.name());
                } else {
                    throw e;
                }
            }
        }
        if (!existing.isEmpty()) {
            checkConfigs(admin, existing, warnings);
        }
        return new Report(missing, hidden, problems, warnings);
    }

    private static void checkConfigs(Admin admin, List<Topic<?, ?>> topics, List<String> warnings) throws InterruptedException, TimeoutException {
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name())).toList();
        Map<ConfigResource, KafkaFuture<Config>> configs = admin.describeConfigs(resources).values();
        for (Topic<?, ?> topic : topics) {
            Config config;
            try {
                config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name())).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                LOG.info("cannot check the configs of topic {} ({}); DESCRIBE_CONFIGS lets Cube check them", topic.name(), e.getCause().toString());
                continue;
            }
            for (var wanted : new TreeMap<>(topic.config()).entrySet()) {
                if (!CHECKED_CONFIGS.contains(wanted.getKey())) {
                    continue;
                }
                ConfigEntry actual = config.get(wanted.getKey());
                String value = actual == null ? null : actual.value();
                if (!wanted.getValue().equals(value)) {
                    warnings.add("topic " + topic.name() + " has " + wanted.getKey() + "=" + value + " where Cube's contract says "
                            + wanted.getValue() + " (kafka-configs.sh --alter --entity-type topics --entity-name " + topic.name()
                            + " --add-config " + wanted.getKey() + "=" + wanted.getValue() + ")");
                }
            }
        }
    }

    /** The topics that Cube reads with whatever partition count they have (task events and their states, hashed by the count read). */
    private static boolean flexiblePartitions(Topic<?, ?> topic) {
        return topic.name().equals(Topics.TASK_EVENTS.name()) || topic.name().equals(Topics.TASK_STATE.name());
    }

    static String howToCreate(Topic<?, ?> topic, short replicationFactor) {
        StringBuilder command = new StringBuilder("kafka-topics.sh --create --topic ").append(topic.name())
                .append(" --partitions ").append(topic.partitions())
                .append(" --replication-factor ").append(replicationFactor);
        new TreeMap<>(topic.config()).forEach((key, value) -> command.append(" --config ").append(key).append('=').append(value));
        return command.toString();
    }

    /** How many partitions {@code topic} has on the cluster. */
    public static int partitionCount(String bootstrapServers, String topic) {
        return partitionCount(KafkaClientConfig.of(bootstrapServers), topic);
    }

    /** How many partitions {@code topic} has on the cluster. */
    public static int partitionCount(KafkaClientConfig kafka, String topic) {
        try (Admin admin = admin(kafka)) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe topic " + topic + " at " + kafka.bootstrapServers(), e);
        }
    }

    private static Admin admin(KafkaClientConfig kafka) {
        return Admin.create(kafka.clientConfig(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "cube-topic-setup")));
    }

    /** Cube's topics are not there, or not as Cube needs them, and this principal cannot fix it: each problem says what to do. */
    public static final class TopicsNotReadyException extends IllegalStateException {
        private final List<String> problems;

        public TopicsNotReadyException(List<String> problems) {
            super("Cube's topics are not ready:\n  " + String.join("\n  ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}
