package dev.cube.events.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.topics.Topics;
import dev.cube.events.wire.ContractSchemas;
import dev.cube.events.wire.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutputRecordTest {

    private static final Instant AT = Instant.parse("2026-01-31T12:00:00.123456789Z");

    @Test
    void everyKindIsWrittenAsItsSchemaSaysAndReadBackTheSame() throws IOException {
        List<OutputRecord> records = List.of(
                OutputRecord.line("task-1", 2, 1, "w1", AT, OutputRecord.Stream.STDOUT, "hello from Cube"),
                OutputRecord.line("task-1", 2, 2, "w1", AT, OutputRecord.Stream.STDERR, ""),
                OutputRecord.cut("task-1", 2, 3, "w1", AT, "cut after 2 lines"),
                OutputRecord.end("task-1", 2, 4, "w1", AT));

        for (OutputRecord record : records) {
            byte[] bytes = Topics.TASK_LOGS.valueSerde().serializer().serialize(Topics.TASK_LOGS.name(), record);
            JsonNode json = Json.MAPPER.readTree(bytes);

            assertThat(ContractSchemas.errors("output-record.json", json)).as("%s", json).isEmpty();
            assertThat(Topics.TASK_LOGS.valueSerde().deserializer().deserialize(Topics.TASK_LOGS.name(), bytes)).isEqualTo(record);
        }
    }

    @Test
    void aLineKeepsTheEnginesNanosecondsAndSaysItsStreamInLowerCase() throws IOException {
        byte[] bytes = Topics.TASK_LOGS.valueSerde().serializer().serialize("t",
                OutputRecord.line("task-1", 1, 1, "w1", AT, OutputRecord.Stream.STDERR, "oops"));

        JsonNode json = Json.MAPPER.readTree(bytes);

        assertThat(json.get("time").asText()).isEqualTo("2026-01-31T12:00:00.123456789Z");
        assertThat(json.get("stream").asText()).isEqualTo("stderr");
        assertThat(json.get("kind").asText()).isEqualTo("line");
        assertThat(json.has("reason")).isFalse();
    }

    @Test
    void theSchemaRefusesALineWithoutItsTextAndAnUnknownField() throws IOException {
        ObjectNode line = (ObjectNode) Json.MAPPER.readTree(Topics.TASK_LOGS.valueSerde().serializer().serialize("t",
                OutputRecord.line("task-1", 1, 1, "w1", AT, OutputRecord.Stream.STDOUT, "x")));
        ObjectNode withoutText = line.deepCopy();
        withoutText.remove("line");
        ObjectNode withColour = line.deepCopy();
        withColour.put("colour", "blue");

        assertThat(ContractSchemas.errors("output-record.json", withoutText)).isNotEmpty();
        assertThat(ContractSchemas.errors("output-record.json", withColour)).isNotEmpty();
    }

    @Test
    void aLineNeedsItsStreamAndText() {
        assertThatThrownBy(() -> new OutputRecord("task-1", 1, 1, OutputRecord.Kind.LINE, "w1", AT, null, "x", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OutputRecord.end("task-1", 1, 0, "w1", AT)).isInstanceOf(IllegalArgumentException.class);
    }
}
