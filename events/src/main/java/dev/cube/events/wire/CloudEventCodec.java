package dev.cube.events.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.CubeEvent;
import dev.cube.events.EventData;
import dev.cube.events.EventType;
import dev.cube.events.ExtensionAttributes;
import dev.cube.events.spec.Violation;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.time.temporal.Temporal;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Cube events as CloudEvents 1.0 on Kafka. Cube writes structured JSON mode (the whole event is the
 * record value, with the {@code content-type} header {@link #STRUCTURED_MODE_CONTENT_TYPE}: see
 * {@link dev.cube.events.topics.CubeEventSerde}); it reads structured mode and binary mode
 * (attributes in {@code ce_*} headers, the data as the value), as the CloudEvents Kafka protocol
 * binding defines them, extension attributes included ({@link ExtensionAttributes}). Decoding checks
 * everything a reader needs to trust an event that came from any producer, brings older schema
 * versions to the current one ({@link Upcasters}), and throws {@link InvalidEventException} naming
 * the field otherwise. Every method is pure and thread-safe.
 */
public final class CloudEventCodec {

    public static final String SPEC_VERSION = "1.0";
    public static final String CONTENT_TYPE = "application/json";
    public static final String STRUCTURED_CONTENT_TYPE = "application/cloudevents+json";
    /** The {@code content-type} header of every record Cube writes: structured mode, JSON format, UTF-8. */
    public static final String STRUCTURED_MODE_CONTENT_TYPE = STRUCTURED_CONTENT_TYPE + "; charset=UTF-8";
    public static final int MAX_EVENT_BYTES = 256 * 1024;
    public static final int MAX_ATTRIBUTE_LENGTH = 256;

    /** Prefix of the Kafka headers that carry the attributes in binary mode. */
    public static final String HEADER_PREFIX = "ce_";
    /** The Kafka header that carries {@code datacontenttype} in binary mode (and says "structured" when it is {@link #STRUCTURED_CONTENT_TYPE}). */
    public static final String CONTENT_TYPE_HEADER = "content-type";

    private static final Set<String> ATTRIBUTES =
            Set.of("specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema", "schemaversion", "data");

    private CloudEventCodec() {
    }

    public static byte[] encode(CubeEvent event) {
        try {
            return Json.MAPPER.writeValueAsBytes(toJson(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode event " + event.id(), e);
        }
    }

    public static ObjectNode toJson(CubeEvent event) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("specversion", SPEC_VERSION);
        node.put("id", event.id());
        node.put("source", event.source());
        node.put("type", event.type().typeName());
        node.put("subject", event.subject());
        node.put("time", event.time().toString());
        node.put("datacontenttype", CONTENT_TYPE);
        node.put("schemaversion", event.schemaVersion());
        event.extensions().forEach((name, value) -> {
            switch (value) {
                case String text -> node.put(name, text);
                case Boolean flag -> node.put(name, flag);
                case Integer number -> node.put(name, number);
                default -> throw new IllegalStateException("extension " + name + " of event " + event.id() + " is a " + value.getClass());
            }
        });
        node.set("data", Json.MAPPER.valueToTree(event.data()));
        return node;
    }

    /** Decodes a structured-mode record value. */
    public static CubeEvent decode(byte[] bytes) {
        return decode(bytes, Upcasters.CUBE);
    }

    /**
     * Decodes a record in either mode: binary when it has a {@code ce_specversion} header and its
     * {@code content-type} header does not say {@code application/cloudevents}, structured otherwise.
     * In binary mode each other {@code ce_<name>} header is the extension attribute {@code <name>},
     * a string; headers other than {@code ce_*} and {@code content-type} are ignored.
     */
    public static CubeEvent decode(Headers headers, byte[] value) {
        if (headers == null || headers.lastHeader(HEADER_PREFIX + "specversion") == null
                || saysStructured(headers.lastHeader(CONTENT_TYPE_HEADER) == null ? null : headers.lastHeader(CONTENT_TYPE_HEADER).value())) {
            return decode(value, Upcasters.CUBE);
        }
        Map<String, byte[]> byName = new LinkedHashMap<>();
        for (Header header : headers) {
            byName.put(header.key(), header.value());
        }
        return decode(byName, value, Upcasters.CUBE);
    }

    /** The same for headers as a map (the last value of each header name). */
    public static CubeEvent decode(Map<String, byte[]> headers, byte[] value) {
        return decode(headers, value, Upcasters.CUBE);
    }

    /** The same, reading older schema versions through {@code upcasters}. */
    public static CubeEvent decode(Map<String, byte[]> headers, byte[] value, Upcasters upcasters) {
        if (headers == null || !isBinaryMode(headers)) {
            return decode(value, upcasters);
        }
        int size = (value == null ? 0 : value.length) + headers.entrySet().stream()
                .mapToInt(h -> h.getKey().length() + (h.getValue() == null ? 0 : h.getValue().length)).sum();
        if (size > MAX_EVENT_BYTES) {
            throw new InvalidEventException(null, "event of " + size + " bytes exceeds the limit of " + MAX_EVENT_BYTES + " bytes");
        }
        ObjectNode root = Json.MAPPER.createObjectNode();
        for (Map.Entry<String, byte[]> header : headers.entrySet()) {
            String name = header.getKey();
            if (!name.startsWith(HEADER_PREFIX) && !name.equals(CONTENT_TYPE_HEADER)) {
                continue;
            }
            String attribute = name.equals(CONTENT_TYPE_HEADER) ? "datacontenttype" : name.substring(HEADER_PREFIX.length());
            if (attribute.equals("data")) {
                throw new InvalidEventException(name, "is not a binary-mode header: the data is the record value, its content type the '" + CONTENT_TYPE_HEADER + "' header");
            }
            if (!ATTRIBUTES.contains(attribute)) {
                if (header.getValue() != null) {
                    root.put(attribute, extensionHeader(name, attribute, header.getValue()));
                }
                continue;
            }
            String text = header.getValue() == null ? null : new String(header.getValue(), StandardCharsets.UTF_8);
            if (attribute.equals("schemaversion") && text != null) {
                try {
                    root.put(attribute, Integer.parseInt(text.strip()));
                } catch (NumberFormatException e) {
                    throw new InvalidEventException("schemaversion", "must be an integer, was '" + text + "'");
                }
            } else {
                root.put(attribute, text);
            }
        }
        if (value == null || value.length == 0) {
            throw new InvalidEventException("data", "is required: in binary mode the record value is the event's data, a JSON object");
        }
        JsonNode data;
        try {
            data = Json.CONTRACT_READER.readTree(value);
        } catch (IOException e) {
            throw new InvalidEventException("data", "not JSON: " + firstLine(e.getMessage()));
        }
        root.set("data", data);
        return fromJson(root, upcasters);
    }

    /** Whether a record with these headers is a binary-mode event (as opposed to a structured one). */
    public static boolean isBinaryMode(Map<String, byte[]> headers) {
        return !saysStructured(headers.get(CONTENT_TYPE_HEADER)) && headers.containsKey(HEADER_PREFIX + "specversion");
    }

    private static boolean saysStructured(byte[] contentType) {
        return contentType != null && new String(contentType, StandardCharsets.UTF_8).strip().startsWith("application/cloudevents");
    }

    /** Decodes a structured-mode record value, reading older schema versions through {@code upcasters}. */
    public static CubeEvent decode(byte[] bytes, Upcasters upcasters) {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidEventException(null, "empty record value: expected a CloudEvents JSON object");
        }
        if (bytes.length > MAX_EVENT_BYTES) {
            throw new InvalidEventException(null, "event of " + bytes.length + " bytes exceeds the limit of " + MAX_EVENT_BYTES + " bytes");
        }
        Optional<CubeEvent> common = FastStructuredDecoder.tryDecode(bytes, upcasters);
        if (common.isPresent()) {
            return common.get();
        }
        return decodeTree(bytes, upcasters);
    }

    /** The general decoder, through a JSON tree: every schema version, every error with its field. */
    static CubeEvent decodeTree(byte[] bytes, Upcasters upcasters) {
        JsonNode root;
        try {
            root = Json.CONTRACT_READER.readTree(bytes);
        } catch (IOException e) {
            throw new InvalidEventException(null, "not JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidEventException(null, "not a JSON object: expected a CloudEvents JSON object");
        }
        return fromJson((ObjectNode) root, upcasters);
    }

    public static CubeEvent fromJson(ObjectNode root) {
        return fromJson(root, Upcasters.CUBE);
    }

    public static CubeEvent fromJson(ObjectNode root, Upcasters upcasters) {
        String specVersion = requiredText(root, "specversion");
        if (!SPEC_VERSION.equals(specVersion)) {
            throw new InvalidEventException("specversion", "unsupported CloudEvents version '" + specVersion + "', expected " + SPEC_VERSION);
        }
        String id = requiredText(root, "id");
        String source = requiredText(root, "source");
        String typeName = requiredText(root, "type");
        EventType type = EventType.named(typeName).orElseThrow(() ->
                new InvalidEventException("type", "unknown event type '" + typeName + "'"));
        String subject = requiredText(root, "subject");
        Instant time = parseTime(requiredText(root, "time"));
        JsonNode contentType = root.get("datacontenttype");
        if (contentType != null && !contentType.isNull() && !contentType.asText().startsWith(CONTENT_TYPE)) {
            throw new InvalidEventException("datacontenttype", "must be " + CONTENT_TYPE + ", was '" + contentType.asText() + "'");
        }
        int schemaVersion = schemaVersion(root.get("schemaversion"), upcasters);
        Map<String, Object> extensions = extensions(root);
        JsonNode dataNode = root.get("data");
        if (dataNode == null || dataNode.isNull()) {
            throw new InvalidEventException("data", "is required");
        }
        if (!dataNode.isObject()) {
            throw new InvalidEventException("data", "must be a JSON object");
        }
        EventData data = readData(upcast(type, schemaVersion, (ObjectNode) dataNode, upcasters), type);
        List<Violation> violations = EventRules.violations(data);
        if (!violations.isEmpty()) {
            Violation first = violations.getFirst();
            String all = violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
            throw new InvalidEventException(first.field(), violations.size() == 1 ? first.message() : first.message() + " (all: " + all + ")");
        }
        return new CubeEvent(id, source, subject, time, upcasters.targetVersion(), data, extensions);
    }

    /** The extension attributes of a structured-mode event, in their order; a JSON null is an absent attribute. */
    private static Map<String, Object> extensions(ObjectNode root) {
        Map<String, Object> extensions = Map.of();
        for (Iterator<Map.Entry<String, JsonNode>> fields = root.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if (ATTRIBUTES.contains(name)) {
                continue;
            }
            if (name.equals("data_base64")) {
                throw new InvalidEventException(name, "is not accepted: the data of a Cube event is a JSON object, in data");
            }
            String nameViolation = ExtensionAttributes.nameViolation(name);
            if (nameViolation != null) {
                throw new InvalidEventException(name, nameViolation);
            }
            Object value = extensionValue(name, field.getValue());
            if (value != null) {
                if (extensions.isEmpty()) {
                    extensions = new LinkedHashMap<>();
                }
                extensions.put(name, value);
            }
        }
        return extensions;
    }

    private static Object extensionValue(String name, JsonNode node) {
        Object value = switch (node.getNodeType()) {
            case NULL -> null;
            case STRING -> node.textValue();
            case BOOLEAN -> node.booleanValue();
            case NUMBER -> {
                if (!node.isIntegralNumber()) {
                    throw new InvalidEventException(name, "must be a string, a boolean or an integer: CloudEvents has no fractional numbers, was " + node);
                }
                if (!node.canConvertToInt()) {
                    throw new InvalidEventException(name, "must be an integer from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE + ", was " + node);
                }
                yield node.intValue();
            }
            default -> throw new InvalidEventException(name, "must be a string, a boolean or an integer, not a JSON " + node.getNodeType().name().toLowerCase());
        };
        String violation = value == null ? null : ExtensionAttributes.violation(name, value);
        if (violation != null) {
            throw new InvalidEventException(name, violation);
        }
        return value;
    }

    /** The value of the binary-mode header {@code header}, which carries the extension {@code name}: UTF-8 text. */
    private static String extensionHeader(String header, String name, byte[] value) {
        String nameViolation = ExtensionAttributes.nameViolation(name);
        if (nameViolation != null) {
            throw new InvalidEventException(header, nameViolation);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidEventException(header, "must be UTF-8 text");
        }
        String violation = ExtensionAttributes.violation(name, text);
        if (violation != null) {
            throw new InvalidEventException(header, violation);
        }
        return text;
    }

    private static ObjectNode upcast(EventType type, int version, ObjectNode data, Upcasters upcasters) {
        ObjectNode upcast;
        try {
            upcast = version == upcasters.targetVersion() ? data : upcasters.upcast(type, version, data.deepCopy());
        } catch (RuntimeException e) {
            throw new InvalidEventException("data", "cannot be read as schema version " + version + " of " + type.typeName() + ": " + firstLine(e.getMessage()));
        }
        if (upcast == null) {
            throw new InvalidEventException("data", "cannot be read as schema version " + version + " of " + type.typeName());
        }
        return upcast;
    }

    private static EventData readData(JsonNode dataNode, EventType type) {
        try {
            return Json.CONTRACT_READER.forType(type.dataClass()).readValue(dataNode);
        } catch (JsonMappingException e) {
            throw new InvalidEventException(path("data", e.getPath()), reason(e));
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidEventException("data", firstLine(e.getMessage()));
        }
    }

    private static int schemaVersion(JsonNode node, Upcasters upcasters) {
        if (node == null || node.isNull()) {
            return 1;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber()) {
            throw new InvalidEventException("schemaversion", "must be an integer");
        }
        int version = node.intValue();
        if (!upcasters.supports(version)) {
            throw new InvalidEventException("schemaversion", "unsupported schema version " + version
                    + "; this Cube reads versions 1 to " + upcasters.targetVersion());
        }
        return version;
    }

    private static String requiredText(JsonNode root, String name) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            throw new InvalidEventException(name, "is required");
        }
        if (!node.isTextual()) {
            throw new InvalidEventException(name, "must be a string");
        }
        String text = node.asText();
        if (text.isBlank()) {
            throw new InvalidEventException(name, "must not be blank");
        }
        if (text.length() > MAX_ATTRIBUTE_LENGTH) {
            throw new InvalidEventException(name, "must be at most " + MAX_ATTRIBUTE_LENGTH + " characters");
        }
        return text;
    }

    /** RFC 3339; the form Cube writes ({@code 2026-01-31T12:00:00.123Z}, UTC) without the general parser. */
    static Instant parseTime(String text) {
        Instant utc = parseUtc(text);
        if (utc != null) {
            return utc;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidEventException("time", "must be an RFC 3339 timestamp such as 2026-01-31T12:00:00Z, was '" + text + "'");
        }
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, or null for anything else (left to the general parser, which decides). */
    private static Instant parseUtc(String text) {
        int length = text.length();
        if (length < 20 || length > 30 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > YearMonth.of(year, month).lengthOfMonth()
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (length > 20) {
            int fractionDigits = length - 21;
            if (text.charAt(19) != '.' || fractionDigits < 1) {
                return null;
            }
            int fraction = digits(text, 20, length - 1);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction * POWERS_OF_TEN[9 - fractionDigits];
        }
        long days = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    /** The decimal number in {@code text[from, to)}, or -1 when a character there is not an ASCII digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    static String path(String root, List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder(root);
        for (JsonMappingException.Reference ref : references) {
            if (ref.getFieldName() != null) {
                path.append('.').append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** What the field must be, in JSON terms: a reader outside Cube should never see a Java type. */
    static String reason(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "unknown field '" + unknown.getPropertyName() + "'";
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Cannot map `null`")) {
                return "is required";
            }
            String was = e instanceof InvalidFormatException invalid ? ", was '" + invalid.getValue() + "'" : "";
            return "must be " + jsonKind(mismatch.getTargetType()) + was;
        }
        return firstLine(e.getOriginalMessage());
    }

    private static String jsonKind(Class<?> type) {
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants())
                    .map(constant -> Json.MAPPER.convertValue(constant, String.class))
                    .collect(Collectors.joining(", "));
        }
        if (type == int.class || type == long.class || type == short.class || type == Integer.class
                || type == Long.class || type == Short.class || type == BigInteger.class) {
            return "an integer";
        }
        if (type.isPrimitive() && type != boolean.class || Number.class.isAssignableFrom(type)) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (CharSequence.class.isAssignableFrom(type)) {
            return "a string";
        }
        if (Temporal.class.isAssignableFrom(type)) {
            return "an RFC 3339 timestamp";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "a JSON array";
        }
        return "a JSON object";
    }

    static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
