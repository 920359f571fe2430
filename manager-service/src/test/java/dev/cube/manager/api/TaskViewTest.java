package dev.cube.manager.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.TaskEvent;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.state.DesiredState;
import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStatus;
import dev.cube.events.wire.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TaskViewTest {

    private static TaskState running(List<TaskSpec.PortMapping> requested, List<TaskEvent.PublishedPort> published) {
        TaskSpec spec = new TaskSpec("web", "cube/busybox:local", List.of("httpd"), null, null, null, null, requested, null, null, null);
        Instant t = Instant.parse("2026-01-31T12:00:00Z");
        return new TaskState("t-1", spec, TaskStatus.Running, DesiredState.Running, 1, "w1", "c0ffee", published, null, null,
                t, t, t, null, t, 3, List.of("e1", "e2", "e3"));
    }

    /** The answer as the API's JSON mapping writes it (the contract's Jackson, with the view's own annotations). */
    private static JsonNode view(TaskState task) {
        return Json.MAPPER.valueToTree(TaskView.of(task));
    }

    @Test
    void shouldShowTheRequestedPortsAndThePublishedOnesApart() {
        JsonNode view = view(running(
                List.of(new TaskSpec.PortMapping(8080, null, "tcp"), new TaskSpec.PortMapping(9090, 19090, "udp")),
                List.of(new TaskEvent.PublishedPort(8080, 49153, "0.0.0.0"), new TaskEvent.PublishedPort(9090, 19090, "0.0.0.0"))));

        assertThat(view.get("ports")).hasSize(2);
        assertThat(view.get("ports").get(0).has("hostPort")).as("the engine picks it: none was requested").isFalse();
        assertThat(view.get("ports").get(1).get("hostPort").asInt()).isEqualTo(19090);
        assertThat(view.get("ports").get(1).get("protocol").asText()).isEqualTo("udp");
        assertThat(view.get("publishedPorts")).hasSize(2);
        assertThat(view.get("publishedPorts").get(0).get("containerPort").asInt()).isEqualTo(8080);
        assertThat(view.get("publishedPorts").get(0).get("hostPort").asInt()).isEqualTo(49153);
        assertThat(view.get("publishedPorts").get(0).get("hostIp").asText()).isEqualTo("0.0.0.0");
    }

    @Test
    void shouldShowNoPublishedPortsBeforeTheTaskRuns() {
        JsonNode view = view(running(List.of(new TaskSpec.PortMapping(8080, 18080, "tcp")), List.of()));

        assertThat(view.get("ports").get(0).get("hostPort").asInt()).isEqualTo(18080);
        assertThat(view.get("publishedPorts")).isEmpty();
    }

    @Test
    void shouldKeepTheStateFieldsAndLeaveOutTheBookkeeping() {
        JsonNode view = view(running(List.of(), List.of()));

        assertThat(view.get("id").asText()).isEqualTo("t-1");
        assertThat(view.get("state").asText()).isEqualTo("Running");
        assertThat(view.get("workerId").asText()).isEqualTo("w1");
        assertThat(view.get("image").asText()).isEqualTo("cube/busybox:local");
        assertThat(view.has("spec")).isFalse();
        assertThat(view.has("recentEventIds")).isFalse();
        assertThat(view.get("submittedAt").asText()).isEqualTo("2026-01-31T12:00:00Z");
        assertThat(view.get("restartPolicy").get("mode").asText()).isEqualTo("never");
        assertThat(view.has("exitCode")).as("absent values are left out").isFalse();
        assertThat(view.get("command")).hasSize(1);
        assertThat(view.get("env")).isEmpty();
    }
}
