package dev.cube.kafka;

import dev.cube.events.topics.Topics;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TopicSetupTest {

    static TopicSetup.Layout layout(int partitions, int replicas, Map<String, String> config) {
        return new TopicSetup.Layout(partitions, replicas, config);
    }

    static Map<String, String> with(Map<String, String> config, String key, String value) {
        Map<String, String> changed = new HashMap<>(config);
        changed.put(key, value);
        return changed;
    }

    @Test
    void shouldFindNothingWrongWithATopicAsCubeCreatesIt() {
        assertThat(TopicSetup.problems(Topics.TASK_EVENTS, layout(4, 3, with(Topics.TASK_EVENTS.config(), "min.insync.replicas", "2")))).isEmpty();
        assertThat(TopicSetup.problems(Topics.WORKERS, layout(1, 1, Topics.WORKERS.config()))).isEmpty();
    }

    @Test
    void shouldRefuseASinglePartitionTopicWithMorePartitions() {
        assertThat(TopicSetup.problems(Topics.WORKERS, layout(3, 1, Topics.WORKERS.config())))
                .singleElement().asString().contains("cube.workers has 3 partitions; Cube needs exactly 1");
    }

    @Test
    void shouldRefuseAnotherCleanupPolicyAndSayHowToFixIt() {
        assertThat(TopicSetup.problems(Topics.TASK_EVENTS, layout(4, 1, with(Topics.TASK_EVENTS.config(), "cleanup.policy", "compact"))))
                .singleElement().asString()
                .contains("cube.task-events has cleanup.policy=compact; Cube needs delete")
                .contains("kafka-configs.sh --alter --entity-type topics --entity-name cube.task-events --add-config cleanup.policy=delete");
        assertThat(TopicSetup.problems(Topics.WORKERS, layout(1, 1, with(Topics.WORKERS.config(), "cleanup.policy", "delete,compact"))))
                .as("a policy that also deletes loses the latest record of a key").isNotEmpty();
        assertThat(TopicSetup.problems(Topics.WORKERS, layout(1, 1, with(Topics.WORKERS.config(), "cleanup.policy", " compact")))).isEmpty();
    }

    @Test
    void shouldRefuseTheProducersClockWhereCubeNeedsTheBrokersAndARetentionOnWhatIsKeptForever() {
        assertThat(TopicSetup.problems(Topics.WORKERS, layout(1, 1, with(Topics.WORKERS.config(), "message.timestamp.type", "CreateTime"))))
                .singleElement().asString().contains("message.timestamp.type=CreateTime; Cube needs message.timestamp.type=LogAppendTime");
        assertThat(TopicSetup.problems(Topics.TASK_EVENTS, layout(4, 1, with(Topics.TASK_EVENTS.config(), "retention.ms", "604800000"))))
                .singleElement().asString().contains("retention.ms=604800000; Cube needs retention.ms=-1");
    }

    @Test
    void shouldRefuseMoreInSyncReplicasThanReplicas() {
        assertThat(TopicSetup.problems(Topics.TASK_STATE, layout(4, 1, with(Topics.TASK_STATE.config(), "min.insync.replicas", "2"))))
                .singleElement().asString().contains("has 1 replicas but min.insync.replicas=2");
    }

    @Test
    void shouldOnlyWarnOfOtherPartitionCountsAndFewerReplicasThanAskedFor() {
        assertThat(TopicSetup.problems(Topics.TASK_EVENTS, layout(8, 1, Topics.TASK_EVENTS.config()))).isEmpty();
        assertThat(TopicSetup.warnings(Topics.TASK_EVENTS, layout(8, 1, Topics.TASK_EVENTS.config()), (short) 3))
                .anySatisfy(w -> assertThat(w).contains("8 partitions (Cube creates 4)"))
                .anySatisfy(w -> assertThat(w).contains("1 replicas, fewer than cube.manager.replication-factor (3)"));
        assertThat(TopicSetup.warnings(Topics.TASK_EVENTS, layout(4, 1, Topics.TASK_EVENTS.config()), TopicSetup.CLUSTER_DEFAULT)).isEmpty();
    }
}
