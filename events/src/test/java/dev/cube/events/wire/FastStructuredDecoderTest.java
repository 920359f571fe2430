package dev.cube.events.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.CubeEvent;
import dev.cube.events.EventType;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one-pass decoder is only a shortcut: on every event and every corruption of one generated here,
 * the codec gives what the general decoder gives (the same event, or the same error), and the shortcut
 * never accepts what the general decoder refuses.
 */
class FastStructuredDecoderTest {

    @Property(tries = 400)
    void everyEventWithItsDataLastTakesTheShortcutAndDecodesAsTheGeneralDecoderDoes(@ForAll("events") CubeEvent event, @ForAll long seed) {
        byte[] bytes = shuffled(CloudEventCodec.toJson(event), new Random(seed));

        Optional<CubeEvent> fast = FastStructuredDecoder.tryDecode(bytes, Upcasters.CUBE);

        assertThat(fast).as("a valid event of the current version takes the shortcut").isPresent();
        assertThat(fast.get()).isEqualTo(CloudEventCodec.decodeTree(bytes, Upcasters.CUBE)).isEqualTo(event);
    }

    @Property(tries = 2000)
    void aCorruptedEventIsDecidedAsTheGeneralDecoderDecidesIt(@ForAll("events") CubeEvent event, @ForAll("corruptions") Corruption corruption) {
        byte[] bytes = corruption.apply(CloudEventCodec.toJson(event));

        Outcome general = Outcome.of(() -> CloudEventCodec.decodeTree(bytes, Upcasters.CUBE));
        Optional<CubeEvent> fast = FastStructuredDecoder.tryDecode(bytes, Upcasters.CUBE);

        if (fast.isPresent()) {
            assertThat(general.event()).as("the shortcut accepted " + corruption + "; the general decoder said " + general).isEqualTo(fast.get());
        }
        assertThat(Outcome.of(() -> CloudEventCodec.decode(bytes))).isEqualTo(general);
    }

    record Outcome(CubeEvent event, String error) {
        static Outcome of(java.util.function.Supplier<CubeEvent> decode) {
            try {
                return new Outcome(decode.get(), null);
            } catch (InvalidEventException e) {
                return new Outcome(null, e.getMessage());
            }
        }
    }

    /** A change to an encoded event: {@code field} set to {@code value} (null: removed), or the text changed. */
    record Corruption(String kind, String field, JsonNode value, String text) {
        byte[] apply(ObjectNode json) {
            ObjectNode copy = json.deepCopy();
            String encoded;
            switch (kind) {
                case "set" -> {
                    copy.set(field, value);
                    encoded = copy.toString();
                }
                case "remove" -> {
                    copy.remove(field);
                    encoded = copy.toString();
                }
                case "set-in-data" -> {
                    ((ObjectNode) copy.get("data")).set(field, value);
                    encoded = copy.toString();
                }
                case "duplicate" -> {
                    String body = copy.toString();
                    encoded = "{\"" + field + "\":" + value + "," + body.substring(1);
                }
                case "duplicate-in-data" -> {
                    String data = copy.get("data").toString();
                    copy.remove("data");
                    String body = copy.toString();
                    encoded = body.substring(0, body.length() - 1) + ",\"data\":{\"" + field + "\":" + value + "," + data.substring(1) + "}";
                }
                default -> encoded = copy + text;
            }
            return encoded.getBytes(StandardCharsets.UTF_8);
        }
    }

    @Provide
    Arbitrary<CubeEvent> events() {
        Arbitrary<EventType> types = Arbitraries.of(EventType.class);
        Arbitrary<Map<String, Object>> extensions = Arbitraries.maps(Arbitraries.of("partitionkey", "traceparent", "tenant", "cubeflag", "n"),
                Arbitraries.oneOf(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12).map(v -> (Object) v),
                        Arbitraries.of(true, false).map(v -> (Object) v), Arbitraries.integers().map(v -> (Object) v))).ofMaxSize(3);
        return Combinators.combine(types, extensions, Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(20))
                .as((type, ext, id) -> {
                    CubeEvent sample = CloudEventCodecTest.sample(type);
                    Map<String, Object> valid = new java.util.LinkedHashMap<>();
                    ext.forEach((k, v) -> {
                        if (!k.equals("partitionkey") || v instanceof String) {
                            valid.put(k, v);
                        }
                    });
                    if (valid.containsKey("partitionkey")) {
                        valid.put("partitionkey", sample.subject());
                    }
                    return new CubeEvent(id, sample.source(), sample.subject(), sample.time(), sample.schemaVersion(), sample.data(), valid);
                }).filter(e -> {
                    try {
                        return CloudEventCodec.decodeTree(CloudEventCodec.encode(e), Upcasters.CUBE).equals(e);
                    } catch (InvalidEventException invalid) {
                        return false;
                    }
                });
    }

    @Provide
    Arbitrary<Corruption> corruptions() {
        Arbitrary<String> fields = Arbitraries.of("specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema",
                "schemaversion", "data", "data_base64", "partitionkey", "Bad-Name", "x", "traceparent");
        Arbitrary<String> dataFields = Arbitraries.of("spec", "workerId", "attempt", "exitCode", "reason", "containerId", "unknown", "image");
        Arbitrary<JsonNode> values = Arbitraries.of(
                Json.MAPPER.nullNode(), Json.MAPPER.getNodeFactory().numberNode(1), Json.MAPPER.getNodeFactory().numberNode(2),
                Json.MAPPER.getNodeFactory().numberNode(1.5), Json.MAPPER.getNodeFactory().numberNode(1L << 40),
                Json.MAPPER.getNodeFactory().booleanNode(true), Json.MAPPER.getNodeFactory().textNode(""),
                Json.MAPPER.getNodeFactory().textNode("1.0"), Json.MAPPER.getNodeFactory().textNode("dev.cube.task.completed"),
                Json.MAPPER.getNodeFactory().textNode("2026-01-31T12:00:00+01:00"), Json.MAPPER.getNodeFactory().textNode("2026-02-30T12:00:00Z"),
                Json.MAPPER.getNodeFactory().textNode("application/xml"), Json.MAPPER.getNodeFactory().textNode("x".repeat(300)),
                Json.MAPPER.createArrayNode(), Json.MAPPER.createObjectNode(), Json.MAPPER.createObjectNode().put("attempt", 1));
        Arbitrary<String> kinds = Arbitraries.of("set", "remove", "set-in-data", "duplicate", "duplicate-in-data", "text");
        Arbitrary<String> texts = Arbitraries.of(" ", "{}", "x", ",", "\n", "1");
        return Combinators.combine(kinds, fields, dataFields, values, texts).as((kind, field, dataField, value, text) ->
                new Corruption(kind, kind.endsWith("in-data") ? dataField : field, value, text));
    }

    /** The attributes in any order but data last, as producers write them (the shortcut needs the type before the data). */
    private static byte[] shuffled(ObjectNode json, Random random) {
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        names.remove("data");
        Collections.shuffle(names, random);
        names.add("data");
        ObjectNode out = Json.MAPPER.createObjectNode();
        names.forEach(name -> out.set(name, json.get(name)));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
