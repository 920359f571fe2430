package dev.cube.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AclsCommandTest {

    private static final String K = "kafka-acls.sh --bootstrap-server kafka:9092 --command-config /etc/cube/admin.properties --add --allow-principal ";

    @Test
    void printsOneKafkaAclsCommandPerPrincipalAndResourceWithTheOperationsOfDocsSecurity() {
        CubeRun run = CubeRun.of("acls", "--bootstrap", "kafka:9092", "--kafka-config", "/etc/cube/admin.properties",
                "--manager", "User:cube-manager", "--worker", "User:cube-worker-w1", "--worker", "User:cube-worker-w2", "--submitter", "User:alice");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out().lines()).containsExactly(
                K + "User:cube-manager --operation Read --operation Write --operation Describe --operation DescribeConfigs --topic cube.task-events",
                K + "User:cube-manager --operation Read --operation Write --operation Describe --operation DescribeConfigs --topic cube.workers",
                K + "User:cube-manager --operation Read --operation Write --operation Describe --operation DescribeConfigs --topic cube.worker-admin",
                K + "User:cube-manager --operation Write --operation Describe --operation DescribeConfigs --topic cube.desired-attempts",
                K + "User:cube-manager --operation Write --operation Describe --operation DescribeConfigs --topic cube.task-state",
                K + "User:cube-manager --operation Write --operation Describe --operation DescribeConfigs --topic cube.dead-letters",
                K + "User:cube-manager --operation Read --operation Describe --operation DescribeConfigs --topic cube.task-logs",
                K + "User:cube-manager --operation All --resource-pattern-type prefixed --topic cube-manager-",
                K + "User:cube-manager --operation All --resource-pattern-type prefixed --group cube-manager",
                K + "User:cube-manager --operation All --resource-pattern-type prefixed --transactional-id cube-manager",
                K + "User:cube-worker-w1 --operation Read --operation Describe --topic cube.desired-attempts",
                K + "User:cube-worker-w1 --operation Write --operation Describe --topic cube.task-events",
                K + "User:cube-worker-w1 --operation Write --operation Describe --topic cube.workers",
                K + "User:cube-worker-w1 --operation Read --operation Write --operation Describe --topic cube.task-logs",
                K + "User:cube-worker-w2 --operation Read --operation Describe --topic cube.desired-attempts",
                K + "User:cube-worker-w2 --operation Write --operation Describe --topic cube.task-events",
                K + "User:cube-worker-w2 --operation Write --operation Describe --topic cube.workers",
                K + "User:cube-worker-w2 --operation Read --operation Write --operation Describe --topic cube.task-logs",
                K + "User:alice --operation Write --operation Describe --topic cube.task-events");
    }

    @Test
    void theApplicationIdNamesTheManagersPrefixesAndTheDefaultsAreTheLocalBrokerAndAdminProperties() {
        CubeRun run = CubeRun.of("acls", "--bootstrap", "127.0.0.1:9092", "--manager", "User:m", "--application-id", "cube-blue");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out().lines()).hasSize(10)
                .allMatch(line -> line.startsWith("kafka-acls.sh --bootstrap-server 127.0.0.1:9092 --command-config admin.properties --add --allow-principal User:m "))
                .contains("kafka-acls.sh --bootstrap-server 127.0.0.1:9092 --command-config admin.properties --add --allow-principal User:m"
                        + " --operation All --resource-pattern-type prefixed --topic cube-blue-")
                .noneMatch(line -> line.contains("cube-manager"));
    }

    @Test
    void withCreateTopicsItPrintsTheTopicsFirstAndQuotesWhatTheShellWouldSplit() {
        CubeRun run = CubeRun.of("acls", "--create-topics", "--replication-factor", "3", "--bootstrap", "k:9092", "--submitter", "User:CN=alice, O=example");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out().lines()).first().asString()
                .startsWith("kafka-topics.sh --bootstrap-server k:9092 --command-config admin.properties --create --topic cube.task-events --partitions ")
                .contains("--replication-factor 3");
        assertThat(run.out().lines().filter(line -> line.startsWith("kafka-topics.sh")).count()).isEqualTo(dev.cube.events.topics.Topics.ALL.size());
        assertThat(run.out().lines()).last().isEqualTo("kafka-acls.sh --bootstrap-server k:9092 --command-config admin.properties --add"
                + " --allow-principal 'User:CN=alice, O=example' --operation Write --operation Describe --topic cube.task-events");
    }

    @Test
    void aPrincipalWithoutItsTypeOrNoPrincipalAtAllIsAUsageError() {
        CubeRun untyped = CubeRun.of("acls", "--worker", "cube-worker-w1");
        CubeRun none = CubeRun.of("acls");

        assertThat(untyped.exit()).isEqualTo(2);
        assertThat(untyped.err()).contains("'cube-worker-w1' is not a principal: TYPE:NAME");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("name at least one principal");
    }
}
