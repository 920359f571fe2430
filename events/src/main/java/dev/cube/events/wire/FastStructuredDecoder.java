package dev.cube.events.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.cube.events.CubeEvent;
import dev.cube.events.EventData;
import dev.cube.events.EventType;
import dev.cube.events.ExtensionAttributes;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The common case of {@link CloudEventCodec#decode(byte[], Upcasters)} in one pass over the bytes: a
 * structured-mode event of the current schema version, read token by token, its data bound straight
 * from the stream, with no JSON tree. The replay and fold profiles showed the tree (building it, then
 * binding the data from it) as most of the cost of decoding (docs/benchmarks.md).
 *
 * <p>It decides nothing on its own: anything but a well-formed, valid event of the target version
 * with its type (and schema version, if any) before its data, as Cube and the CloudEvents SDK write
 * them (an older version to upcast, data before the type, a type it does not expect, a duplicate, a rule
 * broken) makes it answer empty, and the general decoder then reads the record and gives the
 * accepted event or the error with its field. {@code FastStructuredDecoderTest} checks that both
 * agree on every event of a generated corpus and its corruptions.
 */
final class FastStructuredDecoder {

    /** Duplicate keys are looked for by hand at the top level and by Jackson inside the data only. */
    private static final JsonFactory FACTORY = Json.MAPPER.getFactory().copy().disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** The contract's readers of each type's data, mid-document (what follows the data is the event's, not trailing garbage). */
    private static final Map<EventType, ObjectReader> DATA_READERS = new EnumMap<>(EventType.class);

    static {
        for (EventType type : EventType.values()) {
            DATA_READERS.put(type, Json.CONTRACT_READER.without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).forType(type.dataClass()));
        }
    }

    private static final int SPECVERSION = 1;
    private static final int ID = 1 << 1;
    private static final int SOURCE = 1 << 2;
    private static final int TYPE = 1 << 3;
    private static final int SUBJECT = 1 << 4;
    private static final int TIME = 1 << 5;
    private static final int CONTENT_TYPE = 1 << 6;
    private static final int SCHEMA = 1 << 7;
    private static final int SCHEMA_VERSION = 1 << 8;
    private static final int DATA = 1 << 9;

    private FastStructuredDecoder() {
    }

    /** The event, when the bytes are a valid structured event of {@code upcasters}' target version; empty otherwise (undecided). */
    static Optional<CubeEvent> tryDecode(byte[] bytes, Upcasters upcasters) {
        try (JsonParser p = FACTORY.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            String specVersion = null;
            String id = null;
            String source = null;
            String typeName = null;
            String subject = null;
            String time = null;
            String contentType = null;
            int schemaVersion = 1;
            EventData data = null;
            Map<String, Object> extensions = Map.of();
            Set<String> extensionNames = null;
            int seen = 0;
            String name;
            while ((name = p.nextFieldName()) != null) {
                JsonToken token = p.nextToken();
                int bit = bit(name);
                if (bit != 0) {
                    if ((seen & bit) != 0) {
                        return Optional.empty();
                    }
                    seen |= bit;
                }
                switch (name) {
                    case "specversion", "id", "source", "type", "subject", "time" -> {
                        if (token != JsonToken.VALUE_STRING) {
                            return Optional.empty();
                        }
                        String text = p.getText();
                        switch (name) {
                            case "specversion" -> specVersion = text;
                            case "id" -> id = text;
                            case "source" -> source = text;
                            case "type" -> typeName = text;
                            case "subject" -> subject = text;
                            default -> time = text;
                        }
                    }
                    case "datacontenttype" -> {
                        if (token == JsonToken.VALUE_STRING) {
                            contentType = p.getText();
                        } else if (token != JsonToken.VALUE_NULL) {
                            return Optional.empty();
                        }
                    }
                    case "dataschema" -> p.skipChildren();
                    case "schemaversion" -> {
                        if (token != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                            return Optional.empty();
                        }
                        schemaVersion = p.getIntValue();
                        if (schemaVersion != upcasters.targetVersion()) {
                            return Optional.empty();
                        }
                    }
                    case "data" -> {
                        Optional<EventType> type = typeName == null ? Optional.empty() : EventType.named(typeName);
                        if (token != JsonToken.START_OBJECT || type.isEmpty() || upcasters.targetVersion() != schemaVersion) {
                            return Optional.empty();
                        }
                        p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
                        data = DATA_READERS.get(type.get()).readValue(p);
                        p.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
                    }
                    default -> {
                        if (name.equals("data_base64") || ExtensionAttributes.nameViolation(name) != null) {
                            return Optional.empty();
                        }
                        Object value = switch (token) {
                            case VALUE_NULL -> null;
                            case VALUE_STRING -> p.getText();
                            case VALUE_TRUE -> Boolean.TRUE;
                            case VALUE_FALSE -> Boolean.FALSE;
                            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.INT ? p.getIntValue() : EXIT;
                            default -> EXIT;
                        };
                        if (extensionNames == null) {
                            extensionNames = new HashSet<>();
                        }
                        if (value == EXIT || !extensionNames.add(name) || value != null && ExtensionAttributes.violation(name, value) != null) {
                            return Optional.empty();
                        }
                        if (value != null) {
                            if (extensions.isEmpty()) {
                                extensions = new LinkedHashMap<>();
                            }
                            extensions.put(name, value);
                        }
                    }
                }
            }
            if (p.nextToken() != null || data == null || !usable(specVersion) || !usable(id) || !usable(source) || !usable(typeName)
                    || !usable(subject) || !usable(time) || !CloudEventCodec.SPEC_VERSION.equals(specVersion)
                    || contentType != null && !contentType.startsWith(CloudEventCodec.CONTENT_TYPE)
                    || !EventRules.violations(data).isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new CubeEvent(id, source, subject, CloudEventCodec.parseTime(time), upcasters.targetVersion(), data, extensions));
        } catch (Exception e) {
            // Whatever it is, the general decoder says it better.
            return Optional.empty();
        }
    }

    /** A marker for a value the general decoder must look at. */
    private static final Object EXIT = new Object();

    private static boolean usable(String attribute) {
        return attribute != null && !attribute.isBlank() && attribute.length() <= CloudEventCodec.MAX_ATTRIBUTE_LENGTH;
    }

    private static int bit(String name) {
        return switch (name) {
            case "specversion" -> SPECVERSION;
            case "id" -> ID;
            case "source" -> SOURCE;
            case "type" -> TYPE;
            case "subject" -> SUBJECT;
            case "time" -> TIME;
            case "datacontenttype" -> CONTENT_TYPE;
            case "dataschema" -> SCHEMA;
            case "schemaversion" -> SCHEMA_VERSION;
            case "data" -> DATA;
            default -> 0;
        };
    }
}
