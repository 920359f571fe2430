package dev.cube.events.wire;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.spec.TaskSpec;

import java.io.IOException;

/** Reads a bare {@link TaskSpec} (the body of {@code POST /api/v1/tasks}) with errors that name the field. */
public final class TaskSpecCodec {

    private TaskSpecCodec() {
    }

    public static TaskSpec decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidEventException(null, "the body is empty: expected a task spec as a JSON object");
        }
        if (bytes.length > CloudEventCodec.MAX_EVENT_BYTES) {
            throw new InvalidEventException(null, "a spec of " + bytes.length + " bytes exceeds the limit of " + CloudEventCodec.MAX_EVENT_BYTES);
        }
        JsonNode root;
        try {
            root = Json.CONTRACT_READER.readTree(bytes);
        } catch (IOException e) {
            throw new InvalidEventException(null, "not JSON: " + CloudEventCodec.firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidEventException(null, "expected a task spec as a JSON object");
        }
        try {
            return Json.CONTRACT_READER.forType(TaskSpec.class).readValue(root);
        } catch (JsonMappingException e) {
            String path = CloudEventCodec.path("", e.getPath());
            throw new InvalidEventException(path.startsWith(".") ? path.substring(1) : path, CloudEventCodec.reason(e));
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidEventException(null, CloudEventCodec.firstLine(e.getMessage()));
        }
    }
}
