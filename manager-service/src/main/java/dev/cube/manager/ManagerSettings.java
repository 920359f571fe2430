package dev.cube.manager;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The manager's configuration keys and their defaults.
 *
 * @param replicationFactor copies of each topic Cube and Streams create; -1 (the default): the cluster's
 *                          {@code default.replication.factor}
 * @param advertisedHost    the host other managers reach this one's HTTP port at (Streams'
 *                          {@code application.server} with the port the server listens on); empty: the
 *                          server's configured host ({@code micronaut.server.host}, {@code serverHost}),
 *                          else this machine's host name
 * @param instanceId        this manager's stable name in the Streams group (static membership,
 *                          {@code group.instance.id}); empty: {@code <advertised host>-<HTTP port>}. Two
 *                          managers of one application id must never share it
 * @param standbyReplicas   how many other managers keep a warm copy of each of this one's stores
 * @param maxStandbyLag     how far behind its changelog (in records) a copy that is not the active one
 *                          may be and still answer a read when the active cannot
 * @param sessionTimeout    how long the group waits for a manager that stopped heartbeating (killed, cut
 *                          off) before moving its partitions; a manager that stops cleanly leaves at once
 * @param groupProtocol     {@code classic} (the default: static membership, a session timeout the manager
 *                          sets) or {@code streams} (KIP-1071: no static membership before Kafka 4.4, and the
 *                          broker bounds the session timeout, 45 s at least by default)
 */
@Singleton
public record ManagerSettings(
        @Value("${cube.kafka.bootstrap:`127.0.0.1:9092`}") String bootstrapServers,
        @Value("${cube.manager.application-id:cube-manager}") String applicationId,
        @Value("${cube.manager.state-dir:.cube/manager-state}") Path stateDir,
        @Value("${cube.manager.commit-interval:1s}") Duration commitInterval,
        @Value("${cube.manager.replication-factor:-1}") int replicationFactor,
        @Value("${cube.manager.worker-ttl:15s}") Duration workerTtl,
        @Value("${cube.manager.worker-grace:5s}") Duration workerGrace,
        @Value("${cube.manager.log-gap:5s}") Duration logGap,
        @Value("${cube.manager.tick-interval:1s}") Duration tickInterval,
        @Value("${cube.manager.placement-interval:500ms}") Duration placementInterval,
        @Value("${cube.manager.scheduler:epvm}") String scheduler,
        @Value("${cube.manager.fold-batch:5ms}") Duration foldBatch,
        @Value("${cube.manager.stream-threads:1}") int streamThreads,
        @Value("${cube.manager.prompt-commit:10ms}") Duration promptCommit,
        @Value("${cube.manager.advertised-host:}") String advertisedHost,
        @Value("${micronaut.server.host:}") String serverHost,
        @Value("${cube.manager.instance-id:}") String instanceId,
        @Value("${cube.manager.standby-replicas:1}") int standbyReplicas,
        @Value("${cube.manager.max-standby-lag:1000}") long maxStandbyLag,
        @Value("${cube.manager.session-timeout:10s}") Duration sessionTimeout,
        @Value("${cube.manager.group-protocol:classic}") String groupProtocol) {

    public ManagerSettings {
        if (replicationFactor == 0 || replicationFactor < -1) {
            throw new IllegalArgumentException("cube.manager.replication-factor must be -1 (the cluster's default) or at least 1, not " + replicationFactor);
        }
        if (standbyReplicas < 0) {
            throw new IllegalArgumentException("cube.manager.standby-replicas must be 0 or more, not " + standbyReplicas);
        }
        if (maxStandbyLag < 0) {
            throw new IllegalArgumentException("cube.manager.max-standby-lag must be 0 or more, not " + maxStandbyLag);
        }
        groupProtocol = groupProtocol == null || groupProtocol.isBlank() ? "classic" : groupProtocol.strip().toLowerCase(Locale.ROOT);
        if (!groupProtocol.equals("classic") && !groupProtocol.equals("streams")) {
            throw new IllegalArgumentException("cube.manager.group-protocol must be 'classic' or 'streams', not '" + groupProtocol + "'");
        }
        advertisedHost = advertisedHost == null ? "" : advertisedHost.strip();
        serverHost = serverHost == null ? "" : serverHost.strip();
        instanceId = instanceId == null ? "" : instanceId.strip();
        if (!instanceId.isEmpty() && !instanceId.matches("[A-Za-z0-9._-]{1,200}")) {
            throw new IllegalArgumentException("cube.manager.instance-id must be 1 to 200 letters, digits, '.', '_' or '-', not '" + instanceId + "'");
        }
    }

    /** The host other managers reach this one at: the configured one, else this machine's name. */
    public String advertisedHostOrDefault() {
        if (!advertisedHost.isEmpty()) {
            return advertisedHost;
        }
        if (!serverHost.isEmpty() && !serverHost.equals("0.0.0.0") && !serverHost.equals("::")) {
            return serverHost;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** This manager's name in the group when it listens on {@code httpPort}: the configured one, else derived from where it is reached. */
    public String instanceIdOrDefault(int httpPort) {
        if (!instanceId.isEmpty()) {
            return instanceId;
        }
        return (advertisedHostOrDefault() + "-" + httpPort).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    public boolean streamsProtocol() {
        return groupProtocol.equals("streams");
    }
}
