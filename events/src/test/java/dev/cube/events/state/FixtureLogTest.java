package dev.cube.events.state;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.CubeEvent;
import dev.cube.events.wire.CloudEventCodec;
import dev.cube.events.wire.ContractSchemas;
import dev.cube.events.wire.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A log recorded as producers of schema version 1 wrote it ({@code fixtures/task-events-v1.jsonl}),
 * read by today's codec (with its upcasters) and folded by today's {@link TaskStateMachine}, must
 * give the states of {@code fixtures/task-events-v1.expected.json}, forever: a change of schema that
 * breaks this needs an upcaster, not a new fixture.
 */
class FixtureLogTest {

    private static final String LOG = "fixtures/task-events-v1.jsonl";
    private static final String EXPECTED = "fixtures/task-events-v1.expected.json";

    @Test
    void theVersion1LogFoldsToTheRecordedStates() throws IOException {
        Map<String, List<CubeEvent>> byTask = new LinkedHashMap<>();
        for (String line : read(LOG).lines().filter(line -> !line.isBlank()).toList()) {
            CubeEvent event = CloudEventCodec.decode(line.getBytes(StandardCharsets.UTF_8));
            byTask.computeIfAbsent(event.subject(), subject -> new ArrayList<>()).add(event);
        }
        JsonNode expected = Json.MAPPER.readTree(read(EXPECTED));

        Map<String, Integer> outcomes = new TreeMap<>();
        Map<String, TaskState> states = new LinkedHashMap<>();
        byTask.forEach((task, events) -> {
            TaskState state = null;
            for (CubeEvent event : events) {
                Evolution evolution = TaskStateMachine.evolve(state, event);
                outcomes.merge(evolution.getClass().getSimpleName(), 1, Integer::sum);
                state = evolution.state();
            }
            assertThat(state).as("the fold of %s agrees with evolve step by step", task).isEqualTo(TaskStateMachine.fold(null, events));
            states.put(task, state);
        });

        Map<String, Integer> expectedOutcomes = new TreeMap<>();
        expected.get("outcomes").fields().forEachRemaining(e -> expectedOutcomes.put(e.getKey(), e.getValue().intValue()));
        assertThat(outcomes).isEqualTo(expectedOutcomes);

        List<String> expectedTasks = new ArrayList<>();
        expected.get("tasks").fieldNames().forEachRemaining(expectedTasks::add);
        assertThat(states.keySet()).containsExactlyInAnyOrderElementsOf(expectedTasks);
        expected.get("tasks").fields().forEachRemaining(task -> {
            JsonNode actual = Json.MAPPER.valueToTree(states.get(task.getKey()).forReaders());
            assertMatches(task.getKey(), task.getValue(), actual);
            assertThat(ContractSchemas.errors("task-state.json", actual)).as("%s against task-state.json", actual).isEmpty();
        });
    }

    /** Every field of {@code expected} is in {@code actual} with the same value (objects: recursively); null means absent. */
    private static void assertMatches(String path, JsonNode expected, JsonNode actual) {
        expected.fields().forEachRemaining(field -> {
            String fieldPath = path + "." + field.getKey();
            JsonNode value = actual == null ? null : actual.get(field.getKey());
            if (field.getValue().isNull()) {
                assertThat(value == null || value.isNull()).as("%s is absent, was %s", fieldPath, value).isTrue();
            } else if (field.getValue().isObject()) {
                assertMatches(fieldPath, field.getValue(), value);
            } else {
                assertThat(value).as(fieldPath).isNotNull();
                assertThat(value.toString()).as(fieldPath).isEqualTo(field.getValue().toString());
            }
        });
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = FixtureLogTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
