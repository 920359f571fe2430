package dev.cube.events.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.CubeEvent;
import dev.cube.events.EventType;
import dev.cube.events.TaskEvent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The upcasting step of the codec, shown with a chain made for this test: pretend that version 1
 * of {@code dev.cube.task.failed} spelled {@code oomKilled} as {@code oom} and {@code exitCode} as
 * {@code code}, and that version 2 is today's shape. Cube's own chain ({@link Upcasters#CUBE}) has no
 * step yet: version 1 is the current version.
 */
class UpcastingTest {

    private static final Upcasters TWO_VERSIONS = new Upcasters(2, List.of(
            Upcaster.of(EventType.TASK_FAILED, 1, data -> {
                rename(data, "oom", "oomKilled");
                rename(data, "code", "exitCode");
                return data;
            })));

    private static void rename(ObjectNode data, String from, String to) {
        if (data.has(from)) {
            data.set(to, data.remove(from));
        }
    }

    private static String failed(int version, String data) {
        return """
                {"specversion":"1.0","id":"e-1","source":"/old/worker","type":"dev.cube.task.failed","subject":"task-1",
                 "time":"2026-01-31T12:00:00Z","schemaversion":%d,"data":%s}
                """.formatted(version, data);
    }

    private static CubeEvent decode(String json, Upcasters upcasters) {
        return CloudEventCodec.decode(json.getBytes(StandardCharsets.UTF_8), upcasters);
    }

    @Test
    void anOlderVersionIsReadAsTheCurrentRecord() {
        CubeEvent event = decode(failed(1, "{\"attempt\":1,\"code\":137,\"reason\":\"out of memory\",\"oom\":true}"), TWO_VERSIONS);

        assertThat(event.data()).isEqualTo(new TaskEvent.Failed(1, 137, "out of memory", true));
        assertThat(event.schemaVersion()).as("the data now has the shape of the target version").isEqualTo(2);
    }

    @Test
    void theCurrentVersionPassesUnchanged() {
        CubeEvent event = decode(failed(2, "{\"attempt\":1,\"exitCode\":1,\"reason\":\"exit 1\",\"oomKilled\":false}"), TWO_VERSIONS);

        assertThat(event.data()).isEqualTo(new TaskEvent.Failed(1, 1, "exit 1", false));
    }

    @Test
    void typesWithoutAStepAreReadAsTheyAre() {
        String scheduled = """
                {"specversion":"1.0","id":"e-2","source":"/old/manager","type":"dev.cube.task.scheduled","subject":"task-1",
                 "time":"2026-01-31T12:00:00Z","schemaversion":1,"data":{"workerId":"w1","attempt":1}}
                """;

        assertThat(decode(scheduled, TWO_VERSIONS).data()).isEqualTo(new TaskEvent.Scheduled("w1", 1));
    }

    @Test
    void theOldSpellingIsRefusedInTheNewVersion() {
        InvalidEventException refusal = catchThrowableOfType(InvalidEventException.class,
                () -> decode(failed(2, "{\"attempt\":1,\"reason\":\"x\",\"oomKilled\":true,\"oom\":true}"), TWO_VERSIONS));

        assertThat(refusal.field()).isEqualTo("data.oom");
    }

    @Test
    void aVersionNewerThanTheChainIsRefused() {
        InvalidEventException refusal = catchThrowableOfType(InvalidEventException.class,
                () -> decode(failed(3, "{\"attempt\":1,\"reason\":\"x\",\"oomKilled\":false}"), TWO_VERSIONS));

        assertThat(refusal.field()).isEqualTo("schemaversion");
        assertThat(refusal.reason()).contains("1 to 2");
    }

    @Test
    void aFailingUpcasterIsARefusalOfTheData() {
        Upcasters broken = new Upcasters(2, List.of(Upcaster.of(EventType.TASK_FAILED, 1, data -> {
            throw new IllegalStateException("no exit code to convert");
        })));

        InvalidEventException refusal = catchThrowableOfType(InvalidEventException.class,
                () -> decode(failed(1, "{\"attempt\":1,\"reason\":\"x\"}"), broken));

        assertThat(refusal.field()).isEqualTo("data");
        assertThat(refusal.reason()).contains("schema version 1").contains("no exit code to convert");
    }

    @Test
    void aChainRefusesStepsThatGoNowhereOrTwice() {
        assertThatThrownBy(() -> new Upcasters(2, List.of(Upcaster.of(EventType.TASK_FAILED, 2, d -> d))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Upcasters(3, List.of(Upcaster.of(EventType.TASK_FAILED, 1, d -> d), Upcaster.of(EventType.TASK_FAILED, 1, d -> d))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cubesOwnChainReadsEveryVersionUpToTheCurrentOne() {
        assertThat(Upcasters.CUBE.targetVersion()).isEqualTo(EventType.CURRENT_SCHEMA_VERSION);
        for (int version = 1; version <= EventType.CURRENT_SCHEMA_VERSION; version++) {
            assertThat(Upcasters.CUBE.supports(version)).isTrue();
        }
        assertThat(Upcasters.CUBE.supports(EventType.CURRENT_SCHEMA_VERSION + 1)).isFalse();
    }
}
