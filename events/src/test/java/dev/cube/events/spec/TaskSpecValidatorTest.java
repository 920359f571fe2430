package dev.cube.events.spec;

import dev.cube.events.spec.TaskSpec.HealthCheck;
import dev.cube.events.spec.TaskSpec.PortMapping;
import dev.cube.events.spec.TaskSpec.RestartPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Given a spec, expect no violation or exactly the violation that names the offending field. */
class TaskSpecValidatorTest {

    private static final String DIGEST = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    /** A valid spec with every field set, to be spoiled one field at a time. */
    private static final class Spec {
        String name = "web";
        String image = "cube/busybox:local";
        List<String> command = new ArrayList<>(List.of("httpd", "-f"));
        Map<String, String> env = new HashMap<>(Map.of("MODE", "prod"));
        Double cpu = 0.5;
        Long memory = 64L;
        Long disk = 100L;
        List<PortMapping> ports = new ArrayList<>(List.of(new PortMapping(80, 8080, "tcp")));
        RestartPolicy restartPolicy = new RestartPolicy(RestartPolicy.Mode.ON_FAILURE, 3, 5);
        HealthCheck healthCheck = new HealthCheck("/health", 80, 10);
        Map<String, String> labels = new HashMap<>(Map.of("team", "payments"));

        TaskSpec build() {
            return new TaskSpec(name, image, command, env, cpu, memory, disk, ports, restartPolicy, healthCheck, labels);
        }
    }

    private static List<Violation> violationsOf(Spec spec) {
        return TaskSpecValidator.validate(spec.build(), "");
    }

    /** Exactly one violation, on {@code field}; returns its message. */
    private static String onlyViolationOf(Spec spec, String field) {
        List<Violation> violations = violationsOf(spec);
        assertThat(violations).extracting(Violation::field).containsExactly(field);
        assertThat(violations.getFirst().message()).isNotBlank();
        return violations.getFirst().message();
    }

    @Test
    void aFullSpecIsValid() {
        assertThat(violationsOf(new Spec())).isEmpty();
    }

    @Test
    void aSpecWithOnlyAnImageIsValid() {
        assertThat(TaskSpecValidator.validate(TaskSpec.of(null, "busybox", null), "")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "busybox",
            "cube/busybox:local",
            "registry.example.com:5000/team/app:1.2",
            "localhost:5000/app",
            "postgres:13",
            "library/postgres:13.4-alpine",
            "ghcr.io/owner/my_app__v2:latest",
            "alpine@" + DIGEST,
            "alpine:3.19@" + DIGEST})
    void acceptsTheImageReference(String image) {
        Spec spec = new Spec();
        spec.image = image;

        assertThat(violationsOf(spec)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Busybox", "busybox:", "busybox:has space", "-busybox", "busybox@sha256:abc", "http://registry/app"})
    void refusesTheImageReference(String image) {
        Spec spec = new Spec();
        spec.image = image;

        assertThat(onlyViolationOf(spec, "image")).contains("not a valid image reference").contains(image);
    }

    @Test
    void requiresAnImage() {
        Spec spec = new Spec();
        spec.image = null;

        assertThat(onlyViolationOf(spec, "image")).isEqualTo("is required");
    }

    @Test
    void requiresANonBlankImage() {
        Spec spec = new Spec();
        spec.image = "  ";

        assertThat(onlyViolationOf(spec, "image")).isEqualTo("is required");
    }

    @Test
    void refusesAnOverlongImage() {
        Spec spec = new Spec();
        spec.image = "a".repeat(TaskSpecValidator.MAX_IMAGE_LENGTH + 1);

        assertThat(onlyViolationOf(spec, "image")).contains("at most 255");
    }

    @ParameterizedTest
    @ValueSource(strings = {"my task", "-web", "web!", "wéb"})
    void refusesTheName(String name) {
        Spec spec = new Spec();
        spec.name = name;

        assertThat(onlyViolationOf(spec, "name")).contains("letters, digits");
    }

    @Test
    void refusesAnOverlongName() {
        Spec spec = new Spec();
        spec.name = "a".repeat(TaskSpecValidator.MAX_NAME_LENGTH + 1);

        assertThat(onlyViolationOf(spec, "name")).contains("at most 128");
    }

    @Test
    void refusesANullCommandArgumentNamingItsIndex() {
        Spec spec = new Spec();
        spec.command = Arrays.asList("httpd", null);

        assertThat(onlyViolationOf(spec, "command[1]")).isEqualTo("must not be null");
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.5, 1024.5, Double.NaN})
    void refusesTheCpu(double cpu) {
        Spec spec = new Spec();
        spec.cpu = cpu;

        assertThat(onlyViolationOf(spec, "cpu")).contains("between 0 and 1024");
    }

    @Test
    void refusesANegativeMemory() {
        Spec spec = new Spec();
        spec.memory = -1L;

        assertThat(onlyViolationOf(spec, "memory")).contains("at least 6 MB");
    }

    @Test
    void refusesAMemoryTooSmallForAContainer() {
        Spec spec = new Spec();
        spec.memory = 3L;

        assertThat(onlyViolationOf(spec, "memory")).isEqualTo("must be 0 (no limit) or at least 6 MB");
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 6})
    void acceptsNoMemoryLimitAndTheSmallestLimit(long memory) {
        Spec spec = new Spec();
        spec.memory = memory;

        assertThat(violationsOf(spec)).isEmpty();
    }

    @Test
    void refusesANegativeDisk() {
        Spec spec = new Spec();
        spec.disk = -1L;

        assertThat(onlyViolationOf(spec, "disk")).contains("negative");
    }

    @Test
    void requiresTheContainerPortOfEachPortMapping() {
        Spec spec = new Spec();
        spec.ports.add(new PortMapping(null, 9090, "tcp"));

        assertThat(onlyViolationOf(spec, "ports[1].containerPort")).isEqualTo("is required");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 65536})
    void refusesAContainerPortOutOfRange(int port) {
        Spec spec = new Spec();
        spec.ports.add(new PortMapping(port, null, null));

        assertThat(onlyViolationOf(spec, "ports[1].containerPort")).contains("between 1 and 65535");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 70000})
    void refusesAHostPortOutOfRange(int port) {
        Spec spec = new Spec();
        spec.ports.add(new PortMapping(443, port, "tcp"));

        assertThat(onlyViolationOf(spec, "ports[1].hostPort")).contains("between 1 and 65535");
    }

    @Test
    void refusesAProtocolOtherThanTcpOrUdp() {
        Spec spec = new Spec();
        spec.ports.set(0, new PortMapping(80, 8080, "sctp"));

        assertThat(onlyViolationOf(spec, "ports[0].protocol")).isEqualTo("must be tcp or udp");
    }

    @Test
    void refusesANullPortMapping() {
        Spec spec = new Spec();
        spec.ports.add(null);

        assertThat(onlyViolationOf(spec, "ports[1]")).isEqualTo("must not be null");
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 101})
    void refusesTheMaximumNumberOfRestarts(int maxRestarts) {
        Spec spec = new Spec();
        spec.restartPolicy = new RestartPolicy(RestartPolicy.Mode.ALWAYS, maxRestarts, null);

        assertThat(onlyViolationOf(spec, "restartPolicy.maxRestarts")).contains("between 0 and 100");
    }

    @Test
    void refusesANegativeBackoff() {
        Spec spec = new Spec();
        spec.restartPolicy = new RestartPolicy(RestartPolicy.Mode.ALWAYS, 3, -1);

        assertThat(onlyViolationOf(spec, "restartPolicy.backoffSeconds")).contains("between 0 and 3600");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "health"})
    void refusesAHealthCheckPathThatIsNotAnAbsolutePath(String path) {
        Spec spec = new Spec();
        spec.healthCheck = new HealthCheck(path, 80, 10);

        assertThat(onlyViolationOf(spec, "healthCheck.path")).contains("must start with '/'");
    }

    @Test
    void requiresAHealthCheckPath() {
        Spec spec = new Spec();
        spec.healthCheck = new HealthCheck(null, 80, 10);

        assertThat(onlyViolationOf(spec, "healthCheck.path")).contains("is required");
    }

    @Test
    void refusesAHealthCheckPortOutOfRange() {
        Spec spec = new Spec();
        spec.healthCheck = new HealthCheck("/health", 0, 10);

        assertThat(onlyViolationOf(spec, "healthCheck.port")).contains("between 1 and 65535");
    }

    @Test
    void refusesAHealthCheckIntervalOfZero() {
        Spec spec = new Spec();
        spec.healthCheck = new HealthCheck("/health", 80, 0);

        assertThat(onlyViolationOf(spec, "healthCheck.intervalSeconds")).contains("between 1 and 3600");
    }

    @Test
    void refusesAHealthCheckOnATaskThatPublishesNoPort() {
        Spec spec = new Spec();
        spec.ports.clear();
        spec.healthCheck = new HealthCheck("/health", null, 5);

        assertThat(onlyViolationOf(spec, "healthCheck")).contains("publishes none");
    }

    @Test
    void refusesAHealthCheckOnAPortTheTaskDoesNotExpose() {
        Spec spec = new Spec();
        spec.healthCheck = new HealthCheck("/health", 9090, 5);

        assertThat(onlyViolationOf(spec, "healthCheck.port")).contains("one of the task's container ports");
    }

    @Test
    void refusesALabelWithTheReservedPrefix() {
        Spec spec = new Spec();
        spec.labels.put("dev.cube.task-id", "forged");

        assertThat(onlyViolationOf(spec, "labels.dev.cube.task-id")).contains("'dev.cube.' is reserved");
    }

    @Test
    void allowsTheReservedPrefixInEnvironmentVariables() {
        Spec spec = new Spec();
        spec.env.put("dev.cube.anything", "x");

        assertThat(violationsOf(spec)).isEmpty();
    }

    @Test
    void refusesANullEnvironmentValue() {
        Spec spec = new Spec();
        spec.env.put("TOKEN", null);

        assertThat(onlyViolationOf(spec, "env.TOKEN")).isEqualTo("must not be null");
    }

    @Test
    void refusesABlankLabelKey() {
        Spec spec = new Spec();
        spec.labels.put(" ", "x");

        assertThat(onlyViolationOf(spec, "labels")).contains("blank");
    }

    @Test
    void reportsEveryViolationAtOnce() {
        Spec spec = new Spec();
        spec.image = null;
        spec.memory = -1L;
        spec.ports.set(0, new PortMapping(0, 8080, "tcp"));
        spec.healthCheck = null;

        assertThat(violationsOf(spec)).extracting(Violation::field)
                .containsExactlyInAnyOrder("image", "memory", "ports[0].containerPort");
    }

    @Test
    void prefixesFieldsWithWhereTheSpecSits() {
        Spec spec = new Spec();
        spec.memory = 3L;

        assertThat(TaskSpecValidator.validate(spec.build(), "data.spec."))
                .extracting(Violation::field).containsExactly("data.spec.memory");
    }

    @Test
    void requiresASpecNamingWhereItWasExpected() {
        assertThat(TaskSpecValidator.validate(null, "")).containsExactly(new Violation("spec", "is required"));
        assertThat(TaskSpecValidator.validate(null, "data.spec.")).containsExactly(new Violation("data.spec", "is required"));
    }
}
