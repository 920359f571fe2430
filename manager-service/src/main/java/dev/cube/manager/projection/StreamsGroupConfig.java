package dev.cube.manager.projection;

import dev.cube.manager.ManagerSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Under the streams group protocol (KIP-1071) the group, not the client, says how many standby copies
 * each task has and how long a silent member keeps its tasks: sets them on the application's group, as
 * {@code kafka-configs.sh --entity-type groups} would. A session timeout below the broker's bound
 * ({@code group.streams.min.session.timeout.ms}, 45 s by default) is refused by the broker: the manager
 * says so and keeps the group's.
 */
final class StreamsGroupConfig {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsGroupConfig.class);

    private StreamsGroupConfig() {
    }

    static void apply(ManagerSettings settings, dev.cube.kafka.KafkaClientConfig kafka) {
        ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, settings.applicationId());
        try (Admin admin = Admin.create(kafka.clientConfig(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "cube-manager-group-config")))) {
            alter(admin, group, "streams.num.standby.replicas", String.valueOf(settings.standbyReplicas()));
            alter(admin, group, "streams.session.timeout.ms", String.valueOf(settings.sessionTimeout().toMillis()));
        }
    }

    private static void alter(Admin admin, ConfigResource group, String key, String value) {
        try {
            admin.incrementalAlterConfigs(Map.of(group, List.of(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            LOG.warn("the broker refused {}={} for the streams group {}: {}; the group keeps the broker's default", key, value, group.name(),
                    e.getCause().getMessage());
        } catch (TimeoutException e) {
            LOG.warn("the broker did not answer in time to set {}={} for the streams group {}", key, value, group.name());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
