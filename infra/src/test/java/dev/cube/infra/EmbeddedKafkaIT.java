package dev.cube.infra;

import dev.cube.kafka.TopicSetup;
import dev.cube.events.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedKafkaIT {

    @Test
    void topicSetupCreatesCubesTopicsWithTheirLayoutAndIsIdempotent() throws Exception {
        String bootstrap = SharedKafka.bootstrapServers();
        TopicSetup.ensureTopics(bootstrap);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Set<String> names = admin.listTopics().names().get();
            assertThat(names).contains("cube.task-events", "cube.desired-attempts", "cube.workers", "cube.worker-admin", "cube.task-state", "cube.dead-letters");

            TopicDescription events = admin.describeTopics(List.of(Topics.TASK_EVENTS.name())).allTopicNames().get().get(Topics.TASK_EVENTS.name());
            assertThat(events.partitions()).hasSize(Topics.TASK_EVENTS.partitions());

            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, Topics.TASK_EVENTS.name());
            var config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get("retention.ms").value()).isEqualTo("-1");
            assertThat(config.get("message.timestamp.type").value()).isEqualTo("LogAppendTime");
        }
    }
}
