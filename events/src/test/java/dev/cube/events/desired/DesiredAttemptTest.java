package dev.cube.events.desired;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.topics.Topics;
import dev.cube.events.wire.ContractSchemas;
import dev.cube.events.wire.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DesiredAttemptTest {

    private static final TaskSpec SPEC = TaskSpec.of("web", "cube/busybox:local", List.of("sleep", "30"));

    @Test
    void isWrittenAsItsSchemaSaysAndReadBackTheSame() throws IOException {
        DesiredAttempt run = new DesiredAttempt("w1", "task-1", 2, DesiredAttempt.Goal.RUN, SPEC, true, null);
        DesiredAttempt stop = new DesiredAttempt("w1", "task-1", 2, DesiredAttempt.Goal.STOP, SPEC, true, "stop requested");

        for (DesiredAttempt desired : List.of(run, stop)) {
            byte[] bytes = Topics.DESIRED_ATTEMPTS.valueSerde().serializer().serialize(Topics.DESIRED_ATTEMPTS.name(), desired);
            JsonNode json = Json.MAPPER.readTree(bytes);

            assertThat(ContractSchemas.errors("desired-attempt.json", json)).as("%s", json).isEmpty();
            assertThat(Topics.DESIRED_ATTEMPTS.valueSerde().deserializer().deserialize(Topics.DESIRED_ATTEMPTS.name(), bytes)).isEqualTo(desired);
        }
        assertThat(new String(Topics.DESIRED_ATTEMPTS.valueSerde().serializer().serialize("t", run), StandardCharsets.UTF_8))
                .contains("\"goal\":\"run\"").doesNotContain("\"key\"");
    }

    @Test
    void isKeyedByTaskAndAttempt() {
        assertThat(new DesiredAttempt("w1", "task-1", 3, DesiredAttempt.Goal.RUN, SPEC, false, null).key()).isEqualTo("task-1/3");
    }

    @Test
    void aRevisionReadsBackFromItsHeaderAndNonsenseReadsAsNone() {
        Revision revision = new Revision(3, 1057);

        assertThat(Revision.parse(revision.bytes())).isEqualTo(revision);
        assertThat(Revision.parse("3-1057".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(Revision.parse("x:1".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(Revision.parse(null)).isNull();
        assertThat(Revision.isWatermarkKey(Revision.watermarkKey(2))).isTrue();
        assertThat(Revision.isWatermarkKey("task-1/1")).isFalse();
    }
}
