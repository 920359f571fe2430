package dev.cube.manager.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.state.TaskState;
import dev.cube.events.wire.Json;

/** The HTTP form of a task: its spec's fields plus what the log says of it. */
final class TaskViews {

    private TaskViews() {
    }

    static ObjectNode view(TaskState task) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("id", task.id());
        node.setAll((ObjectNode) Json.MAPPER.valueToTree(task.spec()));
        ObjectNode state = Json.MAPPER.valueToTree(task);
        state.remove(java.util.List.of("id", "spec", "recentEventIds"));
        node.setAll(state);
        return node;
    }
}
