package dev.cube.manager;

import dev.cube.events.topics.Topic;
import dev.cube.events.topics.Topics;
import dev.cube.kafka.TopicSetup;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How long {@code cube.task-logs} keeps output, when {@code cube.manager.task-logs-retention} says: the
 * manager creates the topic with it, or sets it on the topic as it is (its {@code retention.ms}), at
 * start. Without the setting the topic keeps what it was created with (7 days) or what an operator set.
 */
@Context
@Requires(property = ManagerApplication.ENABLED, value = "true")
@Requires(property = TaskLogsRetention.SETTING)
public final class TaskLogsRetention {

    public static final String SETTING = "cube.manager.task-logs-retention";
    private static final Logger LOG = LoggerFactory.getLogger(TaskLogsRetention.class);

    public TaskLogsRetention(ManagerSettings settings, dev.cube.kafka.KafkaClientConfig kafka, @Value("${" + SETTING + "}") Duration retention) {
        String millis = String.valueOf(retention.toMillis());
        Map<String, String> config = new HashMap<>(Topics.TASK_LOGS.config());
        config.put("retention.ms", millis);
        Topic<?, ?> topic = new Topic<>(Topics.TASK_LOGS.name(), Topics.TASK_LOGS.partitions(), config,
                Topics.TASK_LOGS.keySerde(), Topics.TASK_LOGS.valueSerde());
        TopicSetup.ensure(kafka, List.of(topic), (short) settings.replicationFactor());
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
        try (Admin admin = Admin.create(kafka.clientConfig(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "cube-manager-task-logs-retention")))) {
            ConfigEntry now = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource).get("retention.ms");
            if (now == null || !millis.equals(now.value())) {
                admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry("retention.ms", millis),
                        AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
                LOG.info("{} keeps output {} now (was {} ms)", topic.name(), retention, now == null ? "?" : now.value());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting the retention of " + topic.name(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot set the retention of " + topic.name() + " to " + retention, e);
        }
    }
}
