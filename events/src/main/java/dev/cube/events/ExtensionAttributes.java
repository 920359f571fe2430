package dev.cube.events;

import java.util.Set;

/**
 * What an extension attribute of a Cube event may be: the CloudEvents 1.0 rules, plus the few
 * bounds Cube adds. Pure and thread-safe.
 *
 * <ul>
 *   <li>A name is lowercase ASCII letters and digits ({@code a-z}, {@code 0-9}), as CloudEvents
 *       requires; CloudEvents recommends at most 20 characters, Cube accepts up to
 *       {@value #MAX_NAME_LENGTH}.</li>
 *   <li>A name is not one of {@link #RESERVED}: the context attributes CloudEvents defines, the
 *       members of its JSON format, and {@code schemaversion}, Cube's own extension, which
 *       {@link CubeEvent#schemaVersion()} carries.</li>
 *   <li>A value is a {@link String}, a {@link Boolean} or an {@link Integer} (CloudEvents'
 *       Integer is 32-bit). A string has at most {@value #MAX_VALUE_LENGTH} characters and none
 *       that CloudEvents disallows: control characters (U+0000-U+001F, U+007F-U+009F),
 *       unpaired surrogates, Unicode noncharacters. Other CloudEvents types (URI, timestamp,
 *       binary) travel as their string form, which is what both Kafka content modes carry.</li>
 *   <li>{@value #PARTITION_KEY} (the CloudEvents Partitioning extension) is a non-empty string.</li>
 * </ul>
 */
public final class ExtensionAttributes {

    /** Cube's own extension: the version of the data's schema. Not part of {@link CubeEvent#extensions()}. */
    public static final String SCHEMA_VERSION = "schemaversion";
    /** The CloudEvents Partitioning extension; on {@code cube.task-events} it must equal the record key. */
    public static final String PARTITION_KEY = "partitionkey";
    public static final int MAX_NAME_LENGTH = 64;
    public static final int MAX_VALUE_LENGTH = 8192;

    /** Names that are never extensions. */
    public static final Set<String> RESERVED = Set.of("specversion", "id", "source", "type", "subject", "time",
            "datacontenttype", "dataschema", "data", "data_base64", SCHEMA_VERSION);

    private ExtensionAttributes() {
    }

    /** Why {@code name} is not an extension name, or null when it is one. */
    public static String nameViolation(String name) {
        if (name == null || name.isEmpty()) {
            return "an attribute name must not be empty";
        }
        if (RESERVED.contains(name)) {
            return "is a CloudEvents or Cube attribute, not an extension";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9')) {
                return "is not a CloudEvents attribute name: names are lowercase letters a-z and digits 0-9";
            }
        }
        if (name.length() > MAX_NAME_LENGTH) {
            return "is not a valid extension name: at most " + MAX_NAME_LENGTH + " characters";
        }
        return null;
    }

    /** Why {@code name} with {@code value} is not an extension attribute, or null when it is one. */
    public static String violation(String name, Object value) {
        String nameViolation = nameViolation(name);
        if (nameViolation != null) {
            return nameViolation;
        }
        if (PARTITION_KEY.equals(name)) {
            if (!(value instanceof String text)) {
                return "must be a string";
            }
            return text.isEmpty() ? "must not be empty" : textViolation(text);
        }
        return switch (value) {
            case String text -> textViolation(text);
            case Boolean ignored -> null;
            case Integer ignored -> null;
            case null -> "must not be null";
            default -> "must be a string, a boolean or an integer";
        };
    }

    private static String textViolation(String text) {
        if (text.length() > MAX_VALUE_LENGTH) {
            return "must be at most " + MAX_VALUE_LENGTH + " characters";
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                continue;
            }
            if (c < 0x20 || c >= 0x7f && c <= 0x9f) {
                return "must not contain control characters (U+%04X at index %d)".formatted((int) c, i);
            }
            int codePoint = c;
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                codePoint = Character.toCodePoint(c, text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                return "must not contain an unpaired surrogate (index %d)".formatted(i);
            }
            if (codePoint >= 0xfdd0 && codePoint <= 0xfdef || (codePoint & 0xfffe) == 0xfffe) {
                return "must not contain the Unicode noncharacter U+%04X".formatted(codePoint);
            }
        }
        return null;
    }
}
