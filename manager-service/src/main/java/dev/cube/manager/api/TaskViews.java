package dev.cube.manager.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.state.TaskState;
import dev.cube.events.wire.Json;

import java.util.List;

/**
 * The HTTP form of a task: its spec's fields plus what the log says of it. The spec's {@code ports}
 * stay what was requested; the ports the current attempt's container was published on are
 * {@code publishedPorts}, so that neither hides the other.
 */
final class TaskViews {

    private TaskViews() {
    }

    static ObjectNode view(TaskState task) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("id", task.id());
        node.setAll((ObjectNode) Json.MAPPER.valueToTree(task.spec()));
        ObjectNode state = Json.MAPPER.valueToTree(task);
        JsonNode published = state.remove("ports");
        state.remove(List.of("id", "spec", "recentEventIds"));
        node.setAll(state);
        node.set("publishedPorts", published == null ? Json.MAPPER.createArrayNode() : published);
        return node;
    }
}
