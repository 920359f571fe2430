package dev.cube.events.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.cube.events.EventType;
import dev.cube.events.topics.Topic;
import dev.cube.events.topics.Topics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code docs/asyncapi.yaml} describes every topic of {@link Topics#ALL} and every {@link EventType}, and its references resolve. */
class AsyncApiTest {

    private static final Path DOCS = Path.of("..", "docs");
    private static JsonNode doc;

    @BeforeAll
    static void read() throws IOException {
        doc = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(DOCS.resolve("asyncapi.yaml")));
    }

    @Test
    void isAnAsyncApi3Document() {
        assertThat(doc.get("asyncapi").asText()).startsWith("3.");
        assertThat(doc.at("/servers/local/protocol").asText()).isEqualTo("kafka");
    }

    @Test
    void describesEveryTopicWithItsPartitionsAndAKey() {
        Map<String, JsonNode> byAddress = new HashMap<>();
        doc.get("channels").forEach(channel -> byAddress.put(channel.get("address").asText(), channel));

        assertThat(byAddress.keySet()).containsExactlyInAnyOrderElementsOf(Topics.ALL.stream().map(Topic::name).toList());
        for (Topic<?, ?> topic : Topics.ALL) {
            JsonNode channel = byAddress.get(topic.name());
            assertThat(channel.at("/bindings/kafka/partitions").asInt()).as(topic.name()).isEqualTo(topic.partitions());
            assertThat(channel.at("/bindings/kafka/topicConfiguration/cleanup.policy/0").asText()).as(topic.name())
                    .isEqualTo(topic.config().get("cleanup.policy"));
            assertThat(channel.get("messages").size()).as(topic.name()).isPositive();
            channel.get("messages").forEach(ref -> {
                JsonNode message = resolve(ref.get("$ref").asText());
                assertThat(message.at("/bindings/kafka/key/type").asText()).as("key of %s", ref).isEqualTo("string");
            });
        }
    }

    @Test
    void hasAMessageForEveryEventTypeWhosePayloadIsItsSchema() {
        Set<String> named = new TreeSet<>();
        doc.at("/components/messages").forEach(message -> named.add(message.get("name").asText()));
        for (EventType type : EventType.values()) {
            assertThat(named).as("a message for %s", type.typeName()).contains(type.typeName());
        }
        doc.at("/components/messages").forEach(message -> {
            String name = message.get("name").asText();
            if (EventType.named(name).isPresent()) {
                assertThat(message.toString()).contains("./schemas/" + name + ".json").contains("./schemas/envelope.json");
            }
        });
    }

    @Test
    void everyEventTypeIsSentAndReceivedBySomeone() {
        for (String action : List.of("send", "receive")) {
            Set<String> messages = new TreeSet<>();
            doc.get("operations").forEach(operation -> {
                if (operation.get("action").asText().equals(action)) {
                    operation.get("messages").forEach(ref -> messages.add(resolve(resolve(ref.get("$ref").asText()).get("$ref").asText()).get("name").asText()));
                }
            });
            for (EventType type : EventType.values()) {
                assertThat(messages).as("someone does %s %s", action, type.typeName()).contains(type.typeName());
            }
        }
    }

    @Test
    void everyStructuredModeMessageDescribesTheContentTypeHeaderCubeWrites() {
        int structured = 0;
        for (JsonNode message : doc.at("/components/messages")) {
            if (!message.get("contentType").asText().equals(CloudEventCodec.STRUCTURED_CONTENT_TYPE)) {
                continue;
            }
            structured++;
            JsonNode headers = message.get("headers");
            assertThat(headers).as("headers of %s", message.get("name")).isNotNull();
            Schema schema = headerSchema(headers.has("$ref") ? resolve(headers.get("$ref").asText()) : headers);

            assertThat(schema.validate(headersOf(Map.of("content-type", CloudEventCodec.STRUCTURED_MODE_CONTENT_TYPE))))
                    .as("%s with the header Cube writes", message.get("name")).isEmpty();
            assertThat(schema.validate(headersOf(Map.of("content-type", "application/json"))))
                    .as("%s with a binary-mode content type", message.get("name")).isNotEmpty();
        }
        assertThat(structured).isGreaterThanOrEqualTo(EventType.values().length);
    }

    @Test
    void theBinaryModeMessageAllowsExtensionHeadersWithCloudEventsNames() {
        Schema schema = headerSchema(doc.at("/components/messages/taskEventBinaryMode/headers"));
        Map<String, String> headers = new HashMap<>(Map.of("ce_specversion", "1.0", "ce_id", "e-1", "ce_source", "/my/script",
                "ce_type", "dev.cube.task.submitted", "ce_subject", "task-1", "ce_time", "2026-01-31T12:00:00Z",
                "content-type", "application/json"));
        headers.put("ce_partitionkey", "task-1");
        headers.put("ce_traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        headers.put("ce_priority", "7");
        headers.put("traceparent", "not a CloudEvents header, ignored");

        assertThat(schema.validate(headersOf(headers))).isEmpty();
        headers.put("ce_Priority", "7");
        assertThat(schema.validate(headersOf(headers))).isNotEmpty();
    }

    private static Schema headerSchema(JsonNode multiFormatSchema) {
        assertThat(multiFormatSchema.get("schemaFormat").asText()).isEqualTo("application/schema+json;version=draft-2020-12");
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(multiFormatSchema.get("schema"));
    }

    private static JsonNode headersOf(Map<String, String> headers) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        headers.forEach(node::put);
        return node;
    }

    @Test
    void everyReferenceResolves() {
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            if (ref.startsWith("#/")) {
                assertThat(resolve(ref).isMissingNode()).as(ref).isFalse();
            } else {
                assertThat(DOCS.resolve(ref).normalize()).as(ref).exists();
            }
        }
        for (JsonNode operation : doc.get("operations")) {
            String channel = operation.at("/channel/$ref").asText();
            operation.get("messages").forEach(ref -> assertThat(ref.get("$ref").asText()).startsWith(channel + "/messages/"));
        }
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                if (field.getKey().equals("$ref")) {
                    refs.add(field.getValue().asText());
                } else {
                    collectRefs(field.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, refs));
        }
    }

    private static JsonNode resolve(String ref) {
        assertThat(ref).startsWith("#/");
        StringBuilder pointer = new StringBuilder();
        for (String part : ref.substring(2).split("/")) {
            pointer.append('/').append(part.replace("~", "~0").replace("/", "~1"));
        }
        return doc.at(pointer.toString());
    }
}
