package dev.cube.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A task's ports as Docker writes them: requested ones as {@code cube run -p} takes them
 * ({@code 8080/tcp}, {@code 18080:8080/tcp}), published ones as {@code docker ps} shows them
 * ({@code 0.0.0.0:49153->8080/tcp}).
 */
final class Ports {

    private Ports() {
    }

    /** The spec's {@code ports}, as asked for; a port without a host port lets the engine pick one. */
    static List<String> requested(JsonNode task) {
        List<String> ports = new ArrayList<>();
        for (JsonNode port : task.path("ports")) {
            String container = port.path("containerPort").asText() + "/" + port.path("protocol").asText("tcp");
            ports.add(port.hasNonNull("hostPort") ? port.get("hostPort").asText() + ":" + container : container);
        }
        return ports;
    }

    /** The {@code publishedPorts} of the current attempt, each with the protocol the spec asked for. */
    static List<String> published(JsonNode task) {
        List<String> ports = new ArrayList<>();
        for (JsonNode port : task.path("publishedPorts")) {
            int containerPort = port.path("containerPort").asInt();
            ports.add(port.path("hostIp").asText("0.0.0.0") + ":" + port.path("hostPort").asText()
                    + "->" + containerPort + "/" + protocolOf(task, containerPort));
        }
        return ports;
    }

    private static String protocolOf(JsonNode task, int containerPort) {
        for (JsonNode port : task.path("ports")) {
            if (port.path("containerPort").asInt() == containerPort) {
                return port.path("protocol").asText("tcp");
            }
        }
        return "tcp";
    }
}
