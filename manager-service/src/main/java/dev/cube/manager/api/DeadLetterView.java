package dev.cube.manager.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cube.manager.history.DeadLetters;
import io.micronaut.core.annotation.Nullable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A record Cube refused, as {@code cube.dead-letters} keeps it: why, where it came from, and the original bytes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "DeadLetter", description = "A record Cube refused: why, where it came from, and its original key, headers and value")
public record DeadLetterView(
        @Schema(description = "its offset on cube.dead-letters") long offset,
        @Schema(description = "when it was dead-lettered") Instant logTime,
        @Nullable @Schema(description = "the original record's key") String key,
        @Nullable @Schema(description = "why Cube refused it") String reason,
        @Nullable @Schema(description = "the offending field, when one is to blame (a JSON path such as data.spec.memory)") String field,
        @Nullable Source source,
        @Schema(description = "the original record's headers (as UTF-8 text), without Cube's cube.dlq.*") Map<String, String> headers,
        @Schema(description = "the original value's size in bytes") int size,
        @Nullable @Schema(description = "the original value as text, when it is valid UTF-8") String value,
        @Nullable @Schema(description = "the original value in base64, when it is not valid UTF-8") String valueBase64) {

    /** Where the refused record was. */
    @Schema(name = "DeadLetterSource")
    public record Source(String topic, @Nullable Integer partition, @Nullable Long offset) {
    }

    /** The last dead letters before an offset, in log order. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "DeadLetterPage")
    public record Page(List<DeadLetterView> items,
                       @Nullable @Schema(description = "pass as before for the dead letters before these; null at the start of the topic", nullable = true) Long earlier,
                       @Schema(description = "where cube.dead-letters ended when it was read") long end) {
    }

    static DeadLetterView of(DeadLetters.DeadLetter letter) {
        Map<String, String> headers = new LinkedHashMap<>();
        letter.headers().forEach((name, value) -> headers.put(name, value == null ? "" : new String(value, StandardCharsets.UTF_8)));
        byte[] bytes = letter.value() == null ? new byte[0] : letter.value();
        String text = utf8(bytes);
        return new DeadLetterView(letter.offset(), letter.logTime(), letter.key(), letter.reason(), letter.field(),
                letter.source() == null ? null : new Source(letter.source().topic(), letter.source().partition(), letter.source().offset()),
                headers, bytes.length, text, text == null ? Base64.getEncoder().encodeToString(bytes) : null);
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
