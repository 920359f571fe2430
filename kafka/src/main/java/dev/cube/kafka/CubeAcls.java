package dev.cube.kafka;

import dev.cube.events.topics.Topics;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.List;

/**
 * The broker ACLs each of Cube's roles needs, and nothing more (docs/security.md, "Kafka: principals and
 * ACLs"): the manager, a worker, a submitter (an outside producer of {@code cube.task-events}). Every
 * binding allows, from any host ({@code *}). Topics are not created by these principals: an administrator
 * creates them ({@link TopicSetup}) and applies these bindings ({@code cube acls --apply}).
 */
public final class CubeAcls {

    private CubeAcls() {
    }

    /**
     * The manager's: read and write its inputs, write its outputs, and everything on what Kafka Streams
     * makes for application {@code applicationId} (its control topic and changelogs, its groups, its
     * transactional ids).
     *
     * @param principal     {@code User:cube-manager}, say
     * @param applicationId {@code cube.manager.application-id} ({@code cube-manager} by default)
     */
    public static List<AclBinding> manager(String principal, String applicationId) {
        List<AclBinding> out = new ArrayList<>();
        for (String topic : List.of(Topics.TASK_EVENTS.name(), Topics.WORKERS.name(), Topics.WORKER_ADMIN.name())) {
            allow(out, principal, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
        }
        for (String topic : List.of(Topics.DESIRED_ATTEMPTS.name(), Topics.TASK_STATE.name(), Topics.DEAD_LETTERS.name())) {
            allow(out, principal, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
        }
        allow(out, principal, ResourceType.TOPIC, Topics.TASK_LOGS.name(), PatternType.LITERAL, AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
        allow(out, principal, ResourceType.TOPIC, applicationId + "-", PatternType.PREFIXED, AclOperation.ALL);
        allow(out, principal, ResourceType.GROUP, applicationId, PatternType.PREFIXED, AclOperation.ALL);
        allow(out, principal, ResourceType.TRANSACTIONAL_ID, applicationId, PatternType.PREFIXED, AclOperation.ALL);
        return out;
    }

    /**
     * A worker's: read every partition of {@code cube.desired-attempts} (it assigns itself its own, no group),
     * write its reports and heartbeats, ship and read back its tasks' output.
     *
     * @param principal {@code User:cube-worker-w1}, say
     */
    public static List<AclBinding> worker(String principal) {
        List<AclBinding> out = new ArrayList<>();
        allow(out, principal, ResourceType.TOPIC, Topics.DESIRED_ATTEMPTS.name(), PatternType.LITERAL, AclOperation.READ, AclOperation.DESCRIBE);
        allow(out, principal, ResourceType.TOPIC, Topics.TASK_EVENTS.name(), PatternType.LITERAL, AclOperation.WRITE, AclOperation.DESCRIBE);
        allow(out, principal, ResourceType.TOPIC, Topics.WORKERS.name(), PatternType.LITERAL, AclOperation.WRITE, AclOperation.DESCRIBE);
        allow(out, principal, ResourceType.TOPIC, Topics.TASK_LOGS.name(), PatternType.LITERAL, AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE);
        return out;
    }

    /**
     * A submitter's: write {@code cube.task-events} (submit, stop). What else it writes there is refused by
     * origin proofs, not by the broker.
     *
     * @param principal {@code User:alice}, say
     */
    public static List<AclBinding> submitter(String principal) {
        List<AclBinding> out = new ArrayList<>();
        allow(out, principal, ResourceType.TOPIC, Topics.TASK_EVENTS.name(), PatternType.LITERAL, AclOperation.WRITE, AclOperation.DESCRIBE);
        return out;
    }

    /** Those of a manager (when {@code manager} is not {@code null}), of each worker and of each submitter, in that order. */
    public static List<AclBinding> all(String manager, String applicationId, List<String> workers, List<String> submitters) {
        List<AclBinding> out = new ArrayList<>();
        if (manager != null) {
            out.addAll(manager(manager, applicationId));
        }
        workers.forEach(worker -> out.addAll(worker(worker)));
        submitters.forEach(submitter -> out.addAll(submitter(submitter)));
        return out;
    }

    private static void allow(List<AclBinding> out, String principal, ResourceType type, String name, PatternType pattern, AclOperation... operations) {
        for (AclOperation operation : operations) {
            out.add(new AclBinding(new ResourcePattern(type, name, pattern),
                    new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
        }
    }
}
