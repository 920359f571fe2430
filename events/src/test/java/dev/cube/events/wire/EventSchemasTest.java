package dev.cube.events.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.CubeEvent;
import dev.cube.events.EventData;
import dev.cube.events.EventType;
import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.spec.TaskSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The JSON Schemas of {@code events/src/main/resources/schemas} (published as {@code docs/schemas}):
 * every event Cube writes is valid against its type's schema and the envelope, every type has a
 * schema, and what the codec refuses the schemas refuse too.
 */
class EventSchemasTest {

    private static final Path PUBLISHED = Path.of("..", "docs", "schemas");
    private static final Path SOURCES = Path.of("src", "main", "resources", "schemas");

    static String schemaFile(EventType type) {
        return type.typeName() + ".json";
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyEventTypeHasASchemaNamedByItsType(EventType type) {
        assertThat(ContractSchemas.exists(schemaFile(type)))
                .as("schemas/%s: a new event type needs its schema (and a line in docs/events.md and docs/asyncapi.yaml)", schemaFile(type))
                .isTrue();
        JsonNode schema = ContractSchemas.named(schemaFile(type)).getSchemaNode();
        assertThat(schema.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.get("$id").asText()).isEqualTo(ContractSchemas.BASE + schemaFile(type));
        assertThat(schema.get("title").asText()).isEqualTo(type.typeName());
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyEventCubeWritesIsValidAgainstItsSchemaAndTheEnvelope(EventType type) {
        for (CubeEvent event : eventsCubeWrites(type)) {
            JsonNode json = CloudEventCodec.toJson(event);

            assertThat(ContractSchemas.errors(schemaFile(type), json.get("data"))).as("data of %s", json).isEmpty();
            assertThat(ContractSchemas.errors("envelope.json", json)).as("%s", json).isEmpty();
        }
    }

    /** The codec's samples (every field set) and, where a type has optional fields, the event with all of them absent. */
    private static List<CubeEvent> eventsCubeWrites(EventType type) {
        List<CubeEvent> events = new ArrayList<>();
        events.add(CloudEventCodecTest.sample(type));
        EventData minimal = switch (type) {
            case TASK_SUBMITTED -> new TaskEvent.Submitted(TaskSpec.of(null, "cube/busybox:local", null));
            case TASK_RUNNING -> new TaskEvent.Running("w1", 1, "c0ffee", List.of(new TaskEvent.PublishedPort(80, 32768, null)));
            case TASK_FAILED -> new TaskEvent.Failed(1, null, "image not found", false);
            case TASK_STOP_REQUESTED -> new TaskEvent.StopRequested(null);
            case TASK_STOPPED -> new TaskEvent.Stopped(1, "stop requested");
            case TASK_LOST -> new TaskEvent.Lost("w1", 1, null);
            case WORKER_HEARTBEAT -> new WorkerEvent.Heartbeat("w1", null, new WorkerEvent.Capacity(2, 4096, 0), null);
            case WORKER_LEFT -> new WorkerEvent.Left("w1", null);
            case WORKER_DRAINING -> new WorkerEvent.Draining("w1", null);
            case WORKER_LOST -> new WorkerEvent.Lost("w1", null, null);
            case WORKER_UNDRAINED -> new WorkerEvent.Undrained("w1", null);
            case TASK_UNPLACED, TASK_SCHEDULED, TASK_COMPLETED, MANAGER_TICK -> null;
        };
        if (minimal != null) {
            events.add(CubeEvent.of("/cube/test", "task-1", Instant.parse("2026-01-31T12:00:00Z"), minimal));
        }
        return events;
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void anEventWithExtensionAttributesIsValidAgainstTheEnvelope(EventType type) {
        CubeEvent event = CloudEventCodecTest.sample(type).withExtensions(Map.of("traceparent",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "partitionkey", "task-1", "priority", 7, "urgent", true));
        ObjectNode json = CloudEventCodec.toJson(event);
        json.putNull("tracestate");

        assertThat(ContractSchemas.errors("envelope.json", json)).as("%s", json).isEmpty();
    }

    @Test
    void theEnvelopeNamesExactlyTheEventTypesAndEachHasItsDataSchema() {
        JsonNode envelope = ContractSchemas.named("envelope.json").getSchemaNode();

        Set<String> named = new TreeSet<>();
        envelope.at("/properties/type/enum").forEach(name -> named.add(name.asText()));
        Set<String> conditioned = new TreeSet<>();
        envelope.get("allOf").forEach(rule -> {
            String type = rule.at("/if/properties/type/const").asText();
            conditioned.add(type);
            assertThat(rule.at("/then/properties/data/$ref").asText()).isEqualTo(type + ".json");
        });

        Set<String> types = new TreeSet<>(Arrays.stream(EventType.values()).map(EventType::typeName).toList());
        assertThat(named).isEqualTo(types);
        assertThat(conditioned).isEqualTo(types);
    }

    @Test
    void thePublishedSchemasAreExactCopiesOfTheShippedOnes() throws IOException {
        assertThat(fileNames(PUBLISHED)).as("docs/schemas against events/src/main/resources/schemas").isEqualTo(fileNames(SOURCES));
        for (String name : fileNames(SOURCES)) {
            assertThat(Files.readString(PUBLISHED.resolve(name))).as("docs/schemas/%s: copy it from events/src/main/resources/schemas", name)
                    .isEqualTo(Files.readString(SOURCES.resolve(name)));
        }
    }

    private static Set<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return new TreeSet<>(files.map(f -> f.getFileName().toString()).toList());
        }
    }

    /** Malformed submissions that the codec refuses; the schemas must refuse them as well. */
    static Stream<Consumer<ObjectNode>> malformedSubmissions() {
        return Stream.of(
                json -> json.remove("id"),
                json -> json.put("specversion", "0.3"),
                json -> json.put("type", "dev.cube.task.exploded"),
                json -> json.put("time", "yesterday at noon"),
                json -> json.put("Priority", "high"),
                json -> json.put("trace-id", "abc"),
                json -> json.putObject("trace").put("id", 1),
                json -> json.put("rate", 0.5),
                json -> json.put("big", 1L << 40),
                json -> json.put("note", "two\nlines"),
                json -> json.put("partitionkey", 5),
                json -> json.put("partitionkey", ""),
                json -> json.put("data_base64", "e30="),
                json -> json.put("schemaversion", "one"),
                json -> json.put("data", "run busybox"),
                json -> spec(json).put("memory", "lots"),
                json -> spec(json).put("memory", 3),
                json -> spec(json).put("cpu", -1),
                json -> spec(json).put("command", "sleep 5"),
                json -> spec(json).put("colour", "blue"),
                json -> spec(json).remove("image"),
                json -> spec(json).put("image", "Not An Image!"),
                json -> spec(json).put("name", "-starts-with-a-dash"),
                json -> ((ObjectNode) spec(json).get("labels")).put("dev.cube.task-id", "mine"),
                json -> ((ObjectNode) spec(json).get("restartPolicy")).put("mode", "sometimes"),
                json -> ((ObjectNode) spec(json).get("ports").get(0)).put("containerPort", 70000),
                json -> ((ObjectNode) json.get("data")).remove("spec"));
    }

    private static ObjectNode spec(ObjectNode json) {
        return (ObjectNode) json.get("data").get("spec");
    }

    @ParameterizedTest
    @MethodSource("malformedSubmissions")
    void whatTheCodecRefusesTheSchemasRefuse(Consumer<ObjectNode> edit) {
        ObjectNode json = CloudEventCodec.toJson(CloudEventCodecTest.sample(EventType.TASK_SUBMITTED));
        edit.accept(json);

        InvalidEventException refusal = catchThrowableOfType(InvalidEventException.class,
                () -> CloudEventCodec.decode(json.toString().getBytes(StandardCharsets.UTF_8)));

        assertThat(refusal).as("the codec refuses %s", json).isNotNull();
        assertThat(ContractSchemas.errors("envelope.json", json)).as("the envelope schema refuses %s", json).isNotEmpty();
    }

    @Test
    void aReportWithoutItsAttemptIsRefusedByBoth() {
        ObjectNode json = CloudEventCodec.toJson(CloudEventCodecTest.sample(EventType.TASK_COMPLETED));
        ((ObjectNode) json.get("data")).remove("attempt");

        assertThat(catchThrowableOfType(InvalidEventException.class,
                () -> CloudEventCodec.decode(json.toString().getBytes(StandardCharsets.UTF_8)))).isNotNull();
        assertThat(ContractSchemas.errors("dev.cube.task.completed.json", json.get("data"))).isNotEmpty();
    }
}
