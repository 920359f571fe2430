package dev.cube.kafka;

import dev.cube.events.topics.Topic;
import dev.cube.events.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Creates Cube's topics ({@link Topics#ALL}, or any others) where they are missing, then checks that
 * every one of them, new or found, is laid out as Cube needs it; what is wrong fails the start with one
 * line per topic saying what and how to fix it, rather than an obscure failure later. Safe to run any
 * number of times, by any number of processes.
 *
 * <p>What must hold: the partition count of a single-partition topic (one order for the placement
 * stage), the cleanup policy, the broker's timestamps where Cube's contract says {@code LogAppendTime},
 * the retention of what is kept forever, and {@code min.insync.replicas} no higher than the replicas
 * (else no write with {@code acks=all} succeeds). What only deserves a warning: other partition counts
 * than Cube creates, and fewer replicas than asked for.
 *
 * <p>Topics may be created ahead of time by an administrator: a principal without CREATE is told, for each
 * topic it finds missing, the command that creates it. Needs DESCRIBE on the topics, and DESCRIBE_CONFIGS
 * to check their configs (without it the configs are not checked, and the log says so).
 */
public final class TopicSetup {

    /** Asks for the cluster's {@code default.replication.factor}. */
    public static final short CLUSTER_DEFAULT = -1;

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);
    private static final List<String> CHECKED = List.of("cleanup.policy", "message.timestamp.type", "retention.ms");

    private TopicSetup() {
    }

    /** Cube's topics with the cluster's default replication. */
    public static void ensureTopics(String bootstrapServers) {
        ensureTopics(bootstrapServers, CLUSTER_DEFAULT);
    }

    public static void ensureTopics(String bootstrapServers, short replicationFactor) {
        ensure(bootstrapServers, Topics.ALL, replicationFactor);
    }

    /** Creates those of {@code topics} that do not exist, then checks them all (see below). */
    public static void ensure(String bootstrapServers, List<? extends Topic<?, ?>> topics, short replicationFactor) {
        ensure(KafkaClientConfig.of(bootstrapServers), topics, replicationFactor);
    }

    /**
     * Creates those of {@code topics} that do not exist, where this principal may, with {@code replicationFactor}
     * copies (or the cluster's default, {@link #CLUSTER_DEFAULT}), then checks them all.
     *
     * @throws TopicsNotReadyException when a topic is missing and cannot be created, or is not as Cube needs it
     * @throws IllegalStateException   if Kafka cannot be reached
     */
    public static void ensure(KafkaClientConfig kafka, List<? extends Topic<?, ?>> topics, short replicationFactor) {
        try (Admin admin = admin(kafka)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            Optional<Short> replicas = replicationFactor > 0 ? Optional.of(replicationFactor) : Optional.empty();
            List<String> problems = new ArrayList<>();
            List<Topic<?, ?>> present = new ArrayList<>();
            List<Topic<?, ?>> absent = new ArrayList<>();
            for (Topic<?, ?> topic : topics) {
                (existing.contains(topic.name()) ? present : absent).add(topic);
            }
            List<NewTopic> missing = absent.stream()
                    .map(topic -> new NewTopic(topic.name(), Optional.of(topic.partitions()), replicas).configs(topic.config()))
                    .toList();
            // A topic absent from the listing is missing, or this principal may not DESCRIBE it: the broker says which.
            Set<String> hidden = new java.util.HashSet<>();
            if (!absent.isEmpty()) {
                var described = admin.describeTopics(absent.stream().map(Topic::name).toList()).topicNameValues();
                for (var entry : described.entrySet()) {
                    try {
                        entry.getValue().get(30, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof AuthorizationException) {
                            hidden.add(entry.getKey());
                        }
                    }
                }
            }
            if (!missing.isEmpty()) {
                var created = admin.createTopics(missing).values();
                for (Topic<?, ?> topic : absent) {
                    try {
                        created.get(topic.name()).get(30, TimeUnit.SECONDS);
                        LOG.info("created topic {}", topic.name());
                        present.add(topic);
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof TopicExistsException) {
                            present.add(topic);
                        } else if (e.getCause() instanceof AuthorizationException && hidden.contains(topic.name())) {
                            problems.add("topic " + topic.name() + " is missing, or this principal may not DESCRIBE it, and it may not create it: "
                                    + "allow DESCRIBE, or " + howToCreate(topic, replicationFactor));
                        } else if (e.getCause() instanceof AuthorizationException) {
                            problems.add("topic " + topic.name() + " is missing and this principal may not create it: " + howToCreate(topic, replicationFactor));
                        } else {
                            problems.add("topic " + topic.name() + " is missing and could not be created (" + e.getCause() + "): "
                                    + howToCreate(topic, replicationFactor));
                        }
                    }
                }
            }
            if (!present.isEmpty()) {
                problems.addAll(check(admin, present, replicationFactor));
            }
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

    /** What is wrong with {@code topics} (all of which exist), one line each; warnings are logged. */
    private static List<String> check(Admin admin, List<? extends Topic<?, ?>> topics, short replicationFactor)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<String> names = topics.stream().map(Topic::name).toList();
        List<ConfigResource> resources = names.stream().map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
        Map<String, TopicDescription> descriptions;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                // A topic just created may not be known yet to the broker asked, in a cluster of several.
                descriptions = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
                break;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
        awaitLeaders(admin, descriptions.values());
        Map<ConfigResource, Config> configs;
        try {
            configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof AuthorizationException)) {
                throw e;
            }
            LOG.info("cannot check the configs of Cube's topics ({}); DESCRIBE_CONFIGS lets Cube check them", e.getCause().toString());
            configs = null;
        }
        List<String> problems = new ArrayList<>();
        for (Topic<?, ?> topic : topics) {
            TopicDescription description = descriptions.get(topic.name());
            int replicas = description.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
            if (configs == null) {
                // Without the configs, only what the description shows can be checked.
                Layout found = new Layout(description.partitions().size(), replicas, topic.config());
                problems.addAll(problems(topic, found));
                warnings(topic, found, replicationFactor).forEach(LOG::warn);
                continue;
            }
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
            Map<String, String> values = config.entries().stream().filter(entry -> entry.value() != null)
                    .collect(Collectors.toMap(ConfigEntry::name, ConfigEntry::value, (a, b) -> a));
            Layout found = new Layout(description.partitions().size(), replicas, values);
            problems.addAll(problems(topic, found));
            warnings(topic, found, replicationFactor).forEach(LOG::warn);
        }
        return problems;
    }

    /**
     * Waits until the leader of every partition of {@code topics} serves it: answers ListOffsets, which it does only
     * once it has made itself leader of the partition, as a write needs. A topic just created is named in the metadata
     * (with its leader) a moment before that: a write in that moment is refused (NOT_LEADER_OR_FOLLOWER, retriable).
     * An idempotent producer with several requests in flight may then see a later batch of the same partition accepted
     * first, at a sequence other than 0 (a broker with no state for the producer accepts any first sequence), and its
     * first batch refused as out of order at every retry until it expires: those records are lost (KAFKA-15591, which
     * the bench met as "OutOfOrderSequenceException ... 0 (incoming seq. number), N (current end sequence number)";
     * docs/benchmarks.md). The Admin client retries ListOffsets on those errors until the leader answers.
     */
    static void awaitLeaders(Admin admin, java.util.Collection<TopicDescription> topics)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> partitions = new java.util.HashMap<>();
        for (TopicDescription topic : topics) {
            for (var partition : topic.partitions()) {
                partitions.put(new org.apache.kafka.common.TopicPartition(topic.name(), partition.partition()),
                        org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
        }
        if (!partitions.isEmpty()) {
            admin.listOffsets(partitions).all().get(60, TimeUnit.SECONDS);
        }
    }

    /** How a topic is on the cluster: its partitions, the fewest replicas any partition has, and its configuration. */
    public record Layout(int partitions, int replicas, Map<String, String> config) {
    }

    /** What is wrong with {@code found} for {@code topic}, one sentence each; empty when nothing is. */
    public static List<String> problems(Topic<?, ?> topic, Layout found) {
        List<String> problems = new ArrayList<>();
        String name = topic.name();
        if (topic.partitions() == 1 && found.partitions() != 1) {
            problems.add(name + " has " + found.partitions() + " partitions; Cube needs exactly 1 (the placement stage reads it in one order):"
                    + " delete it and let Cube create it again");
        }
        Function<String, String> value = key -> found.config().getOrDefault(key, "");
        String wantedPolicy = topic.config().get("cleanup.policy");
        if (wantedPolicy != null && !policies(wantedPolicy).equals(policies(value.apply("cleanup.policy")))) {
            problems.add(name + " has cleanup.policy=" + value.apply("cleanup.policy") + "; Cube needs " + wantedPolicy
                    + (wantedPolicy.equals("delete") ? " (compaction would delete events of its history)" : " (the latest record per key)")
                    + ": kafka-configs.sh --alter --entity-type topics --entity-name " + name + " --add-config cleanup.policy=" + wantedPolicy);
        }
        for (String key : CHECKED) {
            if (key.equals("cleanup.policy")) {
                continue;
            }
            String wanted = topic.config().get(key);
            if (wanted != null && !wanted.equals(value.apply(key))) {
                problems.add(name + " has " + key + "=" + value.apply(key) + "; Cube needs " + key + "=" + wanted + " (" + why(key) + "):"
                        + " kafka-configs.sh --alter --entity-type topics --entity-name " + name + " --add-config " + key + "=" + wanted);
            }
        }
        String minInSync = value.apply("min.insync.replicas");
        if (!minInSync.isEmpty() && found.replicas() > 0 && Integer.parseInt(minInSync) > found.replicas()) {
            problems.add(name + " has " + found.replicas() + " replicas but min.insync.replicas=" + minInSync
                    + ": no write acknowledged by all in-sync replicas can succeed; add replicas or lower min.insync.replicas");
        }
        return problems;
    }

    /** What is unusual but works: other partition counts than Cube creates, fewer replicas than asked for. */
    public static List<String> warnings(Topic<?, ?> topic, Layout found, short replicationFactor) {
        List<String> warnings = new ArrayList<>();
        if (topic.partitions() > 1 && found.partitions() != topic.partitions()) {
            warnings.add(topic.name() + " has " + found.partitions() + " partitions (Cube creates " + topic.partitions() + "); Cube works with it as it is");
        }
        if (replicationFactor > 0 && found.replicas() < replicationFactor) {
            warnings.add(topic.name() + " has " + found.replicas() + " replicas, fewer than cube.manager.replication-factor (" + replicationFactor
                    + "): a broker's loss can lose its data; add replicas with kafka-reassign-partitions.sh");
        }
        return warnings;
    }

    private static Set<String> policies(String policy) {
        return Arrays.stream(policy.split(",")).map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String why(String key) {
        return switch (key) {
            case "message.timestamp.type" -> "liveness and history are judged in the broker's clock";
            case "retention.ms" -> "the log is the system of record, kept forever";
            default -> "Cube's contract";
        };
    }

    /** The command that creates {@code topic} as Cube would. */
    public static String howToCreate(Topic<?, ?> topic, short replicationFactor) {
        StringBuilder command = new StringBuilder("kafka-topics.sh --create --topic ").append(topic.name())
                .append(" --partitions ").append(topic.partitions());
        if (replicationFactor > 0) {
            command.append(" --replication-factor ").append(replicationFactor);
        }
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
            super("Cube's topics are not as Cube needs them:\n  " + String.join("\n  ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}
