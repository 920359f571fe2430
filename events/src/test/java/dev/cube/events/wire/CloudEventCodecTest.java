package dev.cube.events.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.CubeEvent;
import dev.cube.events.EventData;
import dev.cube.events.EventType;
import dev.cube.events.ManagerEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.WorkerEvent;
import dev.cube.events.spec.TaskSpec;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CloudEventCodecTest {

    private static final Instant TIME = Instant.parse("2026-01-31T12:00:00.123456789Z");

    private static final TaskSpec FULL_SPEC = new TaskSpec(
            "web", "registry.example.com:5000/team/app:1.2", List.of("nginx", "-g", "daemon off;"),
            Map.of("MODE", "prod"), 0.5, 256L, 1024L,
            List.of(new TaskSpec.PortMapping(80, 8080, "tcp"), new TaskSpec.PortMapping(53, null, "udp")),
            new TaskSpec.RestartPolicy(TaskSpec.RestartPolicy.Mode.ON_FAILURE, 5, 10),
            new TaskSpec.HealthCheck("/health", 80, 5),
            Map.of("team", "payments"));

    /** One realistic event of each type; the switch has no default, so a new type does not compile until it has a sample. */
    static EventData sampleData(EventType type) {
        return switch (type) {
            case TASK_SUBMITTED -> new TaskEvent.Submitted(FULL_SPEC);
            case TASK_UNPLACED -> new TaskEvent.Unplaced("no worker has 256 MB free");
            case TASK_SCHEDULED -> new TaskEvent.Scheduled("w1", 1);
            case TASK_RUNNING -> new TaskEvent.Running("w1", 1, "c0ffee",
                    List.of(new TaskEvent.PublishedPort(80, 8080, "0.0.0.0"), new TaskEvent.PublishedPort(53, 32768, "::")));
            case TASK_COMPLETED -> new TaskEvent.Completed(1, 0);
            case TASK_FAILED -> new TaskEvent.Failed(2, 137, "out of memory", true);
            case TASK_STOP_REQUESTED -> new TaskEvent.StopRequested("no longer needed");
            case TASK_STOPPED -> new TaskEvent.Stopped(1, null);
            case TASK_LOST -> new TaskEvent.Lost("w1", 1, "no heartbeat for 30 s");
            case WORKER_HEARTBEAT -> new WorkerEvent.Heartbeat("w1", "10.0.0.7:7070",
                    new WorkerEvent.Capacity(4.0, 8192, 100_000), Instant.parse("2026-01-31T11:00:00Z"),
                    new WorkerEvent.Stats(0.25, 2048, 40_000, 0.7, 3),
                    WorkerEvent.Engine.unreachable(Instant.parse("2026-01-31T11:59:30Z"), "No Docker engine answers at unix:///var/run/docker.sock"));
            case WORKER_LEFT -> new WorkerEvent.Left("w1", "shutdown");
            case WORKER_DRAINING -> new WorkerEvent.Draining("w1", "kernel upgrade");
            case WORKER_LOST -> new WorkerEvent.Lost("w1", Instant.parse("2026-01-31T11:59:00Z"), "no heartbeat for 20 s");
            case WORKER_UNDRAINED -> new WorkerEvent.Undrained("w1", "upgrade done");
            case MANAGER_TICK -> new ManagerEvent.Tick("cube-manager");
        };
    }

    static CubeEvent sample(EventType type) {
        return new CubeEvent("event-" + type.ordinal(), "/cube/manager", "task-1", TIME, EventType.CURRENT_SCHEMA_VERSION, sampleData(type));
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new AssertionError("encoded event is not JSON", e);
        }
    }

    @Nested
    class Encoding {

        @ParameterizedTest
        @EnumSource(EventType.class)
        void roundTripsEveryEventType(EventType type) {
            CubeEvent event = sample(type);

            CubeEvent decoded = CloudEventCodec.decode(CloudEventCodec.encode(event));

            assertThat(decoded).isEqualTo(event);
            assertThat(decoded.type()).isEqualTo(type);
        }

        @ParameterizedTest
        @EnumSource(EventType.class)
        void writesExactlyTheCloudEventsAttributesWithTheLogicalTypeName(EventType type) {
            JsonNode json = parse(CloudEventCodec.encode(sample(type)));

            List<String> attributes = new ArrayList<>();
            json.fieldNames().forEachRemaining(attributes::add);
            assertThat(attributes).containsExactlyInAnyOrder(
                    "specversion", "id", "source", "type", "subject", "time", "datacontenttype", "schemaversion", "data");
            assertThat(json.get("specversion").asText()).isEqualTo("1.0");
            assertThat(json.get("id").asText()).isEqualTo("event-" + type.ordinal());
            assertThat(json.get("source").asText()).isEqualTo("/cube/manager");
            assertThat(json.get("type").asText()).isEqualTo(type.typeName()).startsWith("dev.cube.")
                    .doesNotContain("$").doesNotContain("Event").doesNotContain("dev.cube.events");
            assertThat(json.get("subject").asText()).isEqualTo("task-1");
            assertThat(json.get("time").asText()).isEqualTo("2026-01-31T12:00:00.123456789Z");
            assertThat(json.get("datacontenttype").asText()).isEqualTo("application/json");
            assertThat(json.get("schemaversion").intValue()).isEqualTo(1);
            assertThat(json.get("data").isObject()).isTrue();
        }

        @Test
        void writesTheSubmittedTypeAsItsLogicalName() {
            JsonNode json = parse(CloudEventCodec.encode(sample(EventType.TASK_SUBMITTED)));

            assertThat(json.get("type").asText()).isEqualTo("dev.cube.task.submitted");
            assertThat(json.at("/data/spec/restartPolicy/mode").asText()).isEqualTo("on-failure");
        }
    }

    @Nested
    class DecodingWhatAnOutsideProducerWrote {

        @Test
        void readsAHandWrittenSubmissionWithDefaults() {
            String json = """
                    {
                      "specversion": "1.0",
                      "id": "billing-42",
                      "source": "/billing/nightly",
                      "type": "dev.cube.task.submitted",
                      "subject": "nightly-report",
                      "time": "2026-01-31T13:00:00+01:00",
                      "datacontenttype": "application/json",
                      "data": {
                        "spec": {
                          "name": "nightly-report",
                          "image": "postgres:13",
                          "command": ["psql", "-c", "select 1"],
                          "memory": 256,
                          "ports": [{"containerPort": 5432}],
                          "restartPolicy": {"mode": "on-failure"}
                        }
                      }
                    }
                    """;

            CubeEvent event = CloudEventCodec.decode(json.getBytes(StandardCharsets.UTF_8));

            assertThat(event.id()).isEqualTo("billing-42");
            assertThat(event.source()).isEqualTo("/billing/nightly");
            assertThat(event.subject()).isEqualTo("nightly-report");
            assertThat(event.time()).isEqualTo(Instant.parse("2026-01-31T12:00:00Z"));
            assertThat(event.schemaVersion()).as("schemaversion defaults to 1").isEqualTo(1);
            assertThat(event.type()).isEqualTo(EventType.TASK_SUBMITTED);
            TaskSpec spec = ((TaskEvent.Submitted) event.data()).spec();
            assertThat(spec.image()).isEqualTo("postgres:13");
            assertThat(spec.command()).containsExactly("psql", "-c", "select 1");
            assertThat(spec.memory()).isEqualTo(256L);
            assertThat(spec.ports()).containsExactly(new TaskSpec.PortMapping(5432, null, "tcp"));
            assertThat(spec.restartPolicy().mode()).isEqualTo(TaskSpec.RestartPolicy.Mode.ON_FAILURE);
            assertThat(spec.restartPolicy().maxRestarts()).isEqualTo(TaskSpec.RestartPolicy.DEFAULT_MAX_RESTARTS);
            assertThat(spec.env()).isEmpty();
            assertThat(spec.labels()).isEmpty();
        }
    }

    @Test
    void aHeartbeatWithoutEngineAsOlderWorkersWroteItMeansTheEngineAnswers() {
        ObjectNode json = CloudEventCodec.toJson(sample(EventType.WORKER_HEARTBEAT));
        ((ObjectNode) json.get("data")).remove("engine");

        CubeEvent decoded = CloudEventCodec.decode(json.toString().getBytes(StandardCharsets.UTF_8));

        assertThat(decoded.data()).isInstanceOfSatisfying(WorkerEvent.Heartbeat.class, beat -> {
            assertThat(beat.engine()).isNull();
            assertThat(beat.engineAnswers()).isTrue();
        });
        assertThat(((WorkerEvent.Heartbeat) sample(EventType.WORKER_HEARTBEAT).data()).engineAnswers()).isFalse();
    }

    @Nested
    class RefusingMalformedInput {

        /** A valid submission as JSON, changed by {@code edit}, then decoded; the refusal is returned. */
        private InvalidEventException refusalOf(Consumer<ObjectNode> edit) {
            ObjectNode json = CloudEventCodec.toJson(sample(EventType.TASK_SUBMITTED));
            edit.accept(json);
            return refusalOf(json.toString());
        }

        private InvalidEventException refusalOf(String text) {
            InvalidEventException refusal = catchThrowableOfType(InvalidEventException.class,
                    () -> CloudEventCodec.decode(text.getBytes(StandardCharsets.UTF_8)));
            assertThat(refusal).as("decoding %s", text.length() > 500 ? text.substring(0, 500) + "..." : text).isNotNull();
            assertThat(refusal.reason()).isNotBlank();
            return refusal;
        }

        private static ObjectNode spec(ObjectNode json) {
            return (ObjectNode) json.get("data").get("spec");
        }

        @Test
        void theUneditedBaseEventIsValid() {
            ObjectNode json = CloudEventCodec.toJson(sample(EventType.TASK_SUBMITTED));

            assertThat(CloudEventCodec.decode(json.toString().getBytes(StandardCharsets.UTF_8)))
                    .isEqualTo(sample(EventType.TASK_SUBMITTED));
        }

        @Test
        void textThatIsNotJson() {
            InvalidEventException refusal = refusalOf("task submitted, please run busybox");

            assertThat(refusal.field()).isNull();
            assertThat(refusal.reason()).startsWith("not JSON");
        }

        @Test
        void aJsonArray() {
            InvalidEventException refusal = refusalOf("[{\"specversion\": \"1.0\"}]");

            assertThat(refusal.field()).isNull();
            assertThat(refusal.reason()).contains("not a JSON object");
        }

        @Test
        void anEmptyValue() {
            InvalidEventException refusal = catchThrowableOfType(InvalidEventException.class, () -> CloudEventCodec.decode(new byte[0]));

            assertThat(refusal.field()).isNull();
            assertThat(refusal.reason()).contains("empty");
        }

        @Test
        void aMissingId() {
            InvalidEventException refusal = refusalOf(json -> json.remove("id"));

            assertThat(refusal.field()).isEqualTo("id");
            assertThat(refusal.reason()).isEqualTo("is required");
        }

        @Test
        void aBlankSource() {
            InvalidEventException refusal = refusalOf(json -> json.put("source", " "));

            assertThat(refusal.field()).isEqualTo("source");
            assertThat(refusal.reason()).contains("blank");
        }

        @Test
        void aMissingType() {
            InvalidEventException refusal = refusalOf(json -> json.remove("type"));

            assertThat(refusal.field()).isEqualTo("type");
            assertThat(refusal.reason()).isEqualTo("is required");
        }

        @Test
        void anUnknownType() {
            InvalidEventException refusal = refusalOf(json -> json.put("type", "dev.cube.task.exploded"));

            assertThat(refusal.field()).isEqualTo("type");
            assertThat(refusal.reason()).contains("unknown event type 'dev.cube.task.exploded'");
        }

        @Test
        void aJavaClassNameAsType() {
            InvalidEventException refusal = refusalOf(json -> json.put("type", TaskEvent.Submitted.class.getName()));

            assertThat(refusal.field()).isEqualTo("type");
            assertThat(refusal.reason()).contains("unknown event type");
        }

        @Test
        void anotherCloudEventsVersion() {
            InvalidEventException refusal = refusalOf(json -> json.put("specversion", "0.3"));

            assertThat(refusal.field()).isEqualTo("specversion");
            assertThat(refusal.reason()).contains("'0.3'").contains("1.0");
        }

        @Test
        void aTimeThatIsNotRfc3339() {
            InvalidEventException refusal = refusalOf(json -> json.put("time", "yesterday at noon"));

            assertThat(refusal.field()).isEqualTo("time");
            assertThat(refusal.reason()).contains("RFC 3339").contains("'yesterday at noon'");
        }

        @Test
        void aTimeWithoutAnOffset() {
            InvalidEventException refusal = refusalOf(json -> json.put("time", "2026-01-31T12:00:00"));

            assertThat(refusal.field()).isEqualTo("time");
        }

        @Test
        void anotherContentType() {
            InvalidEventException refusal = refusalOf(json -> json.put("datacontenttype", "application/xml"));

            assertThat(refusal.field()).isEqualTo("datacontenttype");
            assertThat(refusal.reason()).contains("application/json");
        }

        @Test
        void missingData() {
            InvalidEventException refusal = refusalOf(json -> json.remove("data"));

            assertThat(refusal.field()).isEqualTo("data");
            assertThat(refusal.reason()).isEqualTo("is required");
        }

        @Test
        void dataThatIsNotAnObject() {
            InvalidEventException refusal = refusalOf(json -> json.put("data", "run busybox"));

            assertThat(refusal.field()).isEqualTo("data");
            assertThat(refusal.reason()).contains("JSON object");
        }

        @Test
        void aWrongTypeInsideData() {
            InvalidEventException refusal = refusalOf(json -> spec(json).put("memory", "lots"));

            assertThat(refusal.field()).isEqualTo("data.spec.memory");
            assertThat(refusal.reason()).isEqualTo("must be an integer, was 'lots'");
        }

        @Test
        void aFractionWhereAnIntegerBelongs() {
            InvalidEventException refusal = refusalOf(json -> spec(json).put("memory", 512.7));

            assertThat(refusal.field()).isEqualTo("data.spec.memory");
            assertThat(refusal.reason()).startsWith("must be an integer");
        }

        @Test
        void aStringWhereAListBelongs() {
            InvalidEventException refusal = refusalOf(json -> spec(json).put("command", "nginx -g 'daemon off;'"));

            assertThat(refusal.field()).isEqualTo("data.spec.command");
            assertThat(refusal.reason()).isEqualTo("must be a JSON array");
        }

        @Test
        void aNullWhereAnIntegerIsRequired() {
            ObjectNode json = CloudEventCodec.toJson(sample(EventType.TASK_SCHEDULED));
            ((ObjectNode) json.get("data")).putNull("attempt");

            InvalidEventException refusal = refusalOf(json.toString());

            assertThat(refusal.field()).isEqualTo("data.attempt");
            assertThat(refusal.reason()).isEqualTo("is required");
        }

        @Test
        void anAttributeGivenTwice() {
            String json = CloudEventCodec.toJson(sample(EventType.TASK_SUBMITTED)).toString();
            String twice = json.substring(0, json.length() - 1) + ",\"id\":\"another-id\"}";

            InvalidEventException refusal = refusalOf(twice);

            assertThat(refusal.reason()).contains("Duplicate field 'id'");
        }

        @Test
        void contentAfterTheEvent() {
            String json = CloudEventCodec.toJson(sample(EventType.TASK_SUBMITTED)).toString();

            InvalidEventException refusal = refusalOf(json + " {\"id\":\"second\"}");

            assertThat(refusal.field()).isNull();
            assertThat(refusal.reason()).startsWith("not JSON");
        }

        @Test
        void reasonsSpeakJsonNotJava() {
            List<InvalidEventException> refusals = List.of(
                    refusalOf(json -> spec(json).put("memory", "lots")),
                    refusalOf(json -> spec(json).put("colour", "blue")),
                    refusalOf(json -> ((ObjectNode) json.get("data")).put("priority", 1)),
                    refusalOf(json -> ((ObjectNode) spec(json).get("restartPolicy")).put("mode", "sometimes")),
                    refusalOf(json -> spec(json).put("command", "sleep 5")),
                    refusalOf(json -> spec(json).put("cpu", "half")));

            assertThat(refusals).extracting(InvalidEventException::reason).allSatisfy(reason -> assertThat(reason)
                    .doesNotContain("java.").doesNotContain("dev.cube.events").doesNotContain("$")
                    .doesNotContain("DeserializationFeature"));
        }

        @Test
        void aWrongTypeInsideAListInData() {
            InvalidEventException refusal = refusalOf(json ->
                    ((ObjectNode) spec(json).get("ports").get(1)).put("containerPort", "http"));

            assertThat(refusal.field()).isEqualTo("data.spec.ports[1].containerPort");
        }

        @Test
        void anUnknownRestartMode() {
            InvalidEventException refusal = refusalOf(json -> ((ObjectNode) spec(json).get("restartPolicy")).put("mode", "sometimes"));

            assertThat(refusal.field()).isEqualTo("data.spec.restartPolicy.mode");
            assertThat(refusal.reason()).isEqualTo("must be one of never, on-failure, always, was 'sometimes'");
        }

        @Test
        void anUnknownFieldInData() {
            InvalidEventException refusal = refusalOf(json -> spec(json).put("colour", "blue"));

            assertThat(refusal.field()).isEqualTo("data.spec.colour");
            assertThat(refusal.reason()).isEqualTo("unknown field 'colour'");
        }

        @Test
        void aNegativeMemory() {
            InvalidEventException refusal = refusalOf(json -> spec(json).put("memory", -1));

            assertThat(refusal.field()).isEqualTo("data.spec.memory");
            assertThat(refusal.reason()).contains("at least 6 MB");
        }

        @Test
        void aMissingImage() {
            InvalidEventException refusal = refusalOf(json -> spec(json).remove("image"));

            assertThat(refusal.field()).isEqualTo("data.spec.image");
            assertThat(refusal.reason()).isEqualTo("is required");
        }

        @Test
        void aMissingSpec() {
            InvalidEventException refusal = refusalOf(json -> ((ObjectNode) json.get("data")).remove("spec"));

            assertThat(refusal.field()).isEqualTo("data.spec");
            assertThat(refusal.reason()).isEqualTo("is required");
        }

        @Test
        void aCompletionWithANonZeroExitCode() {
            ObjectNode json = CloudEventCodec.toJson(sample(EventType.TASK_COMPLETED));
            ((ObjectNode) json.get("data")).put("exitCode", 3);

            InvalidEventException refusal = refusalOf(json.toString());

            assertThat(refusal.field()).isEqualTo("data.exitCode");
            assertThat(refusal.reason()).contains("dev.cube.task.failed");
        }

        @Test
        void aHeartbeatWhoseEngineDoesNotSayWhetherItAnswers() {
            ObjectNode json = CloudEventCodec.toJson(sample(EventType.WORKER_HEARTBEAT));
            ((ObjectNode) json.get("data").get("engine")).remove("answers");

            InvalidEventException refusal = refusalOf(json.toString());

            assertThat(refusal.field()).isEqualTo("data.engine.answers");
            assertThat(refusal.reason()).isEqualTo("is required");
        }

        @Test
        void aSchedulingWithoutAnAttempt() {
            ObjectNode json = CloudEventCodec.toJson(sample(EventType.TASK_SCHEDULED));
            ((ObjectNode) json.get("data")).remove("attempt");

            InvalidEventException refusal = refusalOf(json.toString());

            assertThat(refusal.field()).isEqualTo("data.attempt");
            assertThat(refusal.reason()).isEqualTo("is required");
        }

        @Test
        void aSchemaVersionFromTheFuture() {
            InvalidEventException refusal = refusalOf(json -> json.put("schemaversion", 99));

            assertThat(refusal.field()).isEqualTo("schemaversion");
            assertThat(refusal.reason()).contains("99").contains("1 to 1");
        }

        @Test
        void aSchemaVersionThatIsNotAnInteger() {
            InvalidEventException refusal = refusalOf(json -> json.put("schemaversion", "one"));

            assertThat(refusal.field()).isEqualTo("schemaversion");
            assertThat(refusal.reason()).contains("integer");
        }

        @Test
        void anEventLargerThan256KiB() {
            InvalidEventException refusal = refusalOf(json ->
                    ((ObjectNode) spec(json).get("env")).put("PADDING", "x".repeat(CloudEventCodec.MAX_EVENT_BYTES)));

            assertThat(refusal.field()).isNull();
            assertThat(refusal.reason()).contains("exceeds the limit of 262144 bytes");
        }

        @Test
        void anAttributeNameThatCloudEventsDoesNotAllow() {
            InvalidEventException upper = refusalOf(json -> json.put("Priority", "high"));
            InvalidEventException dash = refusalOf(json -> json.put("trace-id", "abc"));

            assertThat(upper.field()).isEqualTo("Priority");
            assertThat(upper.reason()).contains("lowercase letters a-z and digits 0-9");
            assertThat(dash.field()).isEqualTo("trace-id");
        }
    }

    @Nested
    class Extensions {

        private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        private CubeEvent decodeWith(Consumer<ObjectNode> edit) {
            ObjectNode json = CloudEventCodec.toJson(sample(EventType.TASK_SUBMITTED));
            edit.accept(json);
            return CloudEventCodec.decode(json.toString().getBytes(StandardCharsets.UTF_8));
        }

        private InvalidEventException refusalOf(Consumer<ObjectNode> edit) {
            InvalidEventException refusal = catchThrowableOfType(InvalidEventException.class, () -> decodeWith(edit));
            assertThat(refusal).isNotNull();
            return refusal;
        }

        @Test
        void areKeptByNameInTheirOrderWithTheirJsonTypes() {
            CubeEvent event = decodeWith(json -> json.put("traceparent", TRACEPARENT).put("partitionkey", "task-1")
                    .put("priority", 7).put("urgent", true).put("team", "payments"));

            assertThat(event.extensions()).containsExactly(Map.entry("traceparent", TRACEPARENT), Map.entry("partitionkey", "task-1"),
                    Map.entry("priority", 7), Map.entry("urgent", true), Map.entry("team", "payments"));
            assertThat(event.data()).isEqualTo(sample(EventType.TASK_SUBMITTED).data());
        }

        @Test
        void areWrittenBackAsTopLevelAttributesAndRoundTrip() {
            CubeEvent event = sample(EventType.TASK_RUNNING).withExtensions(Map.of("traceparent", TRACEPARENT, "priority", 7, "urgent", false));

            JsonNode json = parse(CloudEventCodec.encode(event));

            assertThat(json.get("traceparent").asText()).isEqualTo(TRACEPARENT);
            assertThat(json.get("priority").isInt()).isTrue();
            assertThat(json.get("urgent").isBoolean()).isTrue();
            assertThat(CloudEventCodec.decode(CloudEventCodec.encode(event))).isEqualTo(event);
        }

        @Test
        void aNullValueIsAnAbsentAttribute() {
            CubeEvent event = decodeWith(json -> json.putNull("traceparent"));

            assertThat(event.extensions()).isEmpty();
        }

        @Test
        void aNameLongerThanTheRecommended20CharactersIsAcceptedUpTo64() {
            assertThat(decodeWith(json -> json.put("a".repeat(64), "x")).extensions()).containsKey("a".repeat(64));

            InvalidEventException refusal = refusalOf(json -> json.put("a".repeat(65), "x"));
            assertThat(refusal.field()).isEqualTo("a".repeat(65));
            assertThat(refusal.reason()).contains("at most 64 characters");
        }

        @Test
        void aValueThatIsNotAStringABooleanOrAnInteger() {
            assertThat(refusalOf(json -> json.putObject("trace").put("id", 1))).extracting(InvalidEventException::field, InvalidEventException::reason)
                    .containsExactly("trace", "must be a string, a boolean or an integer, not a JSON object");
            assertThat(refusalOf(json -> json.putArray("tags").add("a")).reason()).isEqualTo("must be a string, a boolean or an integer, not a JSON array");
            assertThat(refusalOf(json -> json.put("rate", 0.5)).reason()).contains("no fractional numbers");
            assertThat(refusalOf(json -> json.put("big", 1L << 40)).reason()).isEqualTo("must be an integer from -2147483648 to 2147483647, was 1099511627776");
        }

        @Test
        void aStringWithCharactersCloudEventsDisallows() {
            assertThat(refusalOf(json -> json.put("note", "two\nlines"))).extracting(InvalidEventException::field, InvalidEventException::reason)
                    .containsExactly("note", "must not contain control characters (U+000A at index 3)");
            assertThat(refusalOf(json -> json.put("note", "a\u0085b")).reason()).contains("U+0085");
            String base = CloudEventCodec.toJson(sample(EventType.TASK_SUBMITTED)).toString();
            String loneSurrogate = base.substring(0, base.length() - 1) + ",\"note\":\"\\uD800\"}";
            assertThat(catchThrowableOfType(InvalidEventException.class,
                    () -> CloudEventCodec.decode(loneSurrogate.getBytes(StandardCharsets.UTF_8))).reason()).contains("unpaired surrogate");
            assertThat(refusalOf(json -> json.put("note", "\uFFFE")).reason()).contains("noncharacter U+FFFE");
            assertThat(decodeWith(json -> json.put("note", "caf\u00e9 \uD83D\uDE80")).extensions()).containsEntry("note", "caf\u00e9 \uD83D\uDE80");
            assertThat(refusalOf(json -> json.put("note", "x".repeat(8193))).reason()).isEqualTo("must be at most 8192 characters");
        }

        @Test
        void aPartitionKeyIsANonEmptyString() {
            assertThat(refusalOf(json -> json.put("partitionkey", 5))).extracting(InvalidEventException::field, InvalidEventException::reason)
                    .containsExactly("partitionkey", "must be a string");
            assertThat(refusalOf(json -> json.put("partitionkey", "")).reason()).isEqualTo("must not be empty");
        }

        @Test
        void dataInBase64IsRefused() {
            InvalidEventException refusal = refusalOf(json -> json.put("data_base64", "e30="));

            assertThat(refusal.field()).isEqualTo("data_base64");
            assertThat(refusal.reason()).contains("JSON object");
        }

        @Test
        void anEventCannotBeBuiltWithAnExtensionThatCloudEventsDisallows() {
            CubeEvent event = sample(EventType.TASK_COMPLETED);

            assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> event.withExtensions(Map.of("Trace", "x")))).isNotNull();
            assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> event.withExtensions(Map.of("id", "x")))).isNotNull();
            assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> event.withExtensions(Map.of("schemaversion", 2)))).isNotNull();
            assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> event.withExtensions(Map.of("rate", 0.5)))).isNotNull();
        }
    }

    @Nested
    class Times {

        @Test
        void theFormCubeWritesAndEveryOtherRfc3339FormReadTheSameAsTheGeneralParser() {
            for (String time : List.of("2026-01-31T12:00:00Z", "2026-01-31T12:00:00.1Z", "2026-01-31T12:00:00.123456789Z",
                    "2024-02-29T23:59:59.5Z", "0001-01-01T00:00:00Z", "2026-01-31T13:00:00+01:00", "2026-01-31T12:00:00.25-00:30",
                    "2026-01-31t12:00:00z")) {
                assertThat(CloudEventCodec.parseTime(time)).as(time).isEqualTo(java.time.OffsetDateTime.parse(time).toInstant());
            }
        }

        @Test
        void whatTheGeneralParserRefusesIsRefused() {
            for (String time : List.of("2026-02-30T12:00:00Z", "2025-02-29T12:00:00Z", "2026-13-01T12:00:00Z", "2026-01-31T24:00:00Z",
                    "2026-01-31T12:60:00Z", "2026-01-31T12:00:60Z", "2026-01-31T12:00:00.1234567891Z", "2026-01-31T12:00:00",
                    "2026-01-31 12:00:00Z", "2026-1-31T12:00:00Z", "2026-01-31T12:00:0xZ")) {
                InvalidEventException refusal = catchThrowableOfType(InvalidEventException.class, () -> CloudEventCodec.parseTime(time));
                assertThat(refusal).as(time).isNotNull();
                assertThat(refusal.reason()).contains("RFC 3339").contains(time);
            }
        }
    }
}
