package dev.cube.cli;

import dev.cube.events.topics.Topic;
import dev.cube.events.topics.Topics;
import dev.cube.kafka.CubeAcls;
import dev.cube.kafka.KafkaClientConfig;
import dev.cube.kafka.TopicSetup;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * {@code cube acls}: the broker ACLs of Cube's roles ({@link CubeAcls}), printed as {@code kafka-acls.sh}
 * commands or, with {@code --apply}, created with the Admin API as the principal of {@code --kafka-config}
 * (an administrator's).
 */
@Command(name = "acls",
        mixinStandardHelpOptions = true,
        description = {"The Kafka ACLs of Cube's principals (docs/security.md): by default printed as kafka-acls.sh commands,",
                "with --apply created on the cluster (as the principal of --kafka-config, which needs ALTER on the cluster: an administrator).",
                "  cube acls --manager User:cube-manager --worker User:cube-worker-w1 --submitter User:alice",
                "  cube acls --apply --create-topics --bootstrap kafka:9092 --kafka-config admin.properties --manager User:cube-manager ..."},
        usageHelpAutoWidth = true)
public final class AclsCommand implements Callable<Integer> {

    private static final Pattern PRINCIPAL = Pattern.compile("[A-Za-z][A-Za-z0-9]*:.+");
    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_.:/=@,+%-]+");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--manager", paramLabel = "PRINCIPAL", description = "The manager's principal (User:cube-manager).")
    String manager;

    @Option(names = "--application-id", paramLabel = "ID", defaultValue = "cube-manager",
            description = "The manager's cube.manager.application-id: its groups, transactional ids and internal topics are named after it (default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--worker", paramLabel = "PRINCIPAL", description = "A worker's principal (User:cube-worker-w1); repeatable.")
    List<String> workers = new ArrayList<>();

    @Option(names = "--submitter", paramLabel = "PRINCIPAL", description = "A submitter's principal, an outside producer of cube.task-events (User:alice); repeatable.")
    List<String> submitters = new ArrayList<>();

    @Option(names = "--apply", description = "Create the ACLs on the cluster instead of printing the commands (creating an ACL that exists changes nothing).")
    boolean apply;

    @Option(names = "--create-topics",
            description = "Also create Cube's topics where missing (and check those found), as the manager would: its principal needs no CREATE then. "
                    + "Without --apply, print the kafka-topics.sh commands.")
    boolean createTopics;

    @Option(names = "--replication-factor", paramLabel = "N", defaultValue = "-1",
            description = "With --create-topics: the replicas of each topic (default: the cluster's default.replication.factor).")
    short replicationFactor;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "${env:CUBE_KAFKA_BOOTSTRAP:-127.0.0.1:9092}",
            description = "The Kafka cluster (env CUBE_KAFKA_BOOTSTRAP; default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--kafka-config", paramLabel = "FILE", defaultValue = "${env:CUBE_KAFKA_CONFIG}",
            description = "Kafka client properties of an administrator (security.protocol, sasl.*, ssl.*, ...), as Kafka's own tools take with --command-config "
                    + "(env CUBE_KAFKA_CONFIG). Printed commands name it as their --command-config (default there: admin.properties).")
    Path kafkaConfig;

    @Override
    public Integer call() {
        for (String principal : principals()) {
            if (!PRINCIPAL.matcher(principal).matches()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "'" + principal + "' is not a principal: TYPE:NAME, as User:alice");
            }
        }
        if (manager == null && workers.isEmpty() && submitters.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "name at least one principal: --manager, --worker or --submitter");
        }
        if (applicationId == null || applicationId.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--application-id is empty");
        }
        List<AclBinding> bindings = CubeAcls.all(manager, applicationId, workers, submitters);
        PrintWriter out = spec.commandLine().getOut();
        if (apply) {
            apply(out, bindings);
        } else {
            String connection = "--bootstrap-server " + quote(bootstrap) + " --command-config " + quote(kafkaConfig == null ? "admin.properties" : kafkaConfig.toString());
            if (createTopics) {
                for (Topic<?, ?> topic : Topics.ALL) {
                    out.println(TopicSetup.howToCreate(topic, replicationFactor).replaceFirst("^kafka-topics\\.sh ", "kafka-topics.sh " + connection + " "));
                }
            }
            commands(bindings, connection).forEach(out::println);
        }
        out.flush();
        return Cube.EXIT_OK;
    }

    /**
     * One {@code kafka-acls.sh --add} command per principal and resource, with all its operations, in the order
     * of {@code bindings}; {@code connection} is put after the tool's name.
     */
    static List<String> commands(List<AclBinding> bindings, String connection) {
        Map<String, List<String>> operations = new LinkedHashMap<>();
        Map<String, AclBinding> firsts = new LinkedHashMap<>();
        for (AclBinding binding : bindings) {
            String key = binding.entry().principal() + "\n" + binding.pattern();
            firsts.putIfAbsent(key, binding);
            operations.computeIfAbsent(key, k -> new ArrayList<>()).add(operationName(binding.entry().operation().name()));
        }
        List<String> commands = new ArrayList<>();
        firsts.forEach((key, binding) -> {
            StringBuilder command = new StringBuilder("kafka-acls.sh ").append(connection).append(" --add --allow-principal ")
                    .append(quote(binding.entry().principal()));
            operations.get(key).forEach(operation -> command.append(" --operation ").append(operation));
            ResourcePattern pattern = binding.pattern();
            if (pattern.patternType() == PatternType.PREFIXED) {
                command.append(" --resource-pattern-type prefixed");
            }
            command.append(' ').append(resourceOption(pattern.resourceType())).append(' ').append(quote(pattern.name()));
            commands.add(command.toString());
        });
        return commands;
    }

    private void apply(PrintWriter out, List<AclBinding> bindings) {
        KafkaClientConfig kafka;
        try {
            kafka = KafkaClientConfig.load(bootstrap, Map.of(), kafkaConfig);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (createTopics) {
            try {
                TopicSetup.ensure(kafka, Topics.ALL, replicationFactor);
            } catch (IllegalStateException e) {
                throw new CubeCliException(e.getMessage(), e);
            }
            out.println("Cube's topics are there (" + Topics.ALL.size() + ")");
        }
        try (Admin admin = Admin.create(kafka.clientConfig(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "cube-acls")))) {
            admin.createAcls(bindings).all().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CubeCliException("interrupted while creating the ACLs", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new CubeCliException("cannot create the ACLs at " + kafka.bootstrapServers() + ": " + cause, e);
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        bindings.forEach(binding -> counts.merge(binding.entry().principal(), 1, Integer::sum));
        counts.forEach((principal, count) -> out.println("allowed " + principal + ": " + count + " ACLs"));
    }

    private List<String> principals() {
        List<String> all = new ArrayList<>();
        if (manager != null) {
            all.add(manager);
        }
        all.addAll(workers);
        all.addAll(submitters);
        return all;
    }

    /** READ -> Read, DESCRIBE_CONFIGS -> DescribeConfigs: kafka-acls.sh's spelling. */
    private static String operationName(String name) {
        StringBuilder out = new StringBuilder();
        for (String part : name.toLowerCase(Locale.ROOT).split("_")) {
            out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return out.toString();
    }

    private static String resourceOption(ResourceType type) {
        return switch (type) {
            case TOPIC -> "--topic";
            case GROUP -> "--group";
            case TRANSACTIONAL_ID -> "--transactional-id";
            case CLUSTER -> "--cluster";
            default -> throw new IllegalArgumentException("no kafka-acls.sh option for " + type);
        };
    }

    private static String quote(String word) {
        return PLAIN_WORD.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
