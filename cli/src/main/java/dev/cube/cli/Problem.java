package dev.cube.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.wire.Json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An error answer of the manager: RFC 9457 {@code application/problem+json} with Cube's
 * {@code errors} extension, or whatever text the server sent instead.
 */
public record Problem(int status, String title, String detail, List<FieldError> errors) {

    private static final int MAX_BODY_CHARS = 500;

    public Problem {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public record FieldError(String field, String message) {
    }

    /** Reads a response body; a body that is not a problem document becomes the detail. */
    public static Problem parse(int status, String body) {
        JsonNode root = null;
        if (body != null && !body.isBlank()) {
            try {
                root = Json.MAPPER.readTree(body);
            } catch (IOException e) {
                root = null;
            }
        }
        if (root == null || !root.isObject()) {
            String detail = body == null || body.isBlank() ? null : abbreviate(body.strip());
            return new Problem(status, reasonPhrase(status), detail, List.of());
        }
        List<FieldError> errors = new ArrayList<>();
        for (JsonNode error : root.path("errors")) {
            errors.add(new FieldError(text(error, "field"), text(error, "message")));
        }
        String title = text(root, "title");
        return new Problem(status, title == null ? reasonPhrase(status) : title, text(root, "detail"), errors);
    }

    /** The problem as lines for a terminal: {@code error: title (status): detail}, then one line per field. */
    public String describe() {
        StringBuilder out = new StringBuilder("error: ").append(title).append(" (").append(status).append(')');
        if (detail != null && !detail.isBlank() && !detail.equals(title)) {
            out.append(": ").append(detail);
        }
        out.append(System.lineSeparator());
        for (FieldError error : errors) {
            out.append("  - ");
            if (error.field() != null && !error.field().isBlank()) {
                out.append(error.field()).append(": ");
            }
            out.append(error.message() == null ? "is invalid" : error.message()).append(System.lineSeparator());
        }
        return out.toString();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String abbreviate(String text) {
        return text.length() <= MAX_BODY_CHARS ? text : text.substring(0, MAX_BODY_CHARS) + "...";
    }

    private static String reasonPhrase(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "HTTP " + status;
        };
    }
}
