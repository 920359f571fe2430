package dev.cube.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.wire.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TaskTableTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    private static JsonNode json(String text) throws IOException {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void shouldPrintTheBooksColumnsAlignedWithShortContainerIdsAndAges() throws IOException {
        JsonNode running = json("""
                {"id":"7f3a","name":"web","image":"cube/busybox:local","state":"Running",
                 "desiredState":"Running","attempt":1,"workerId":"dev-worker",
                 "containerId":"0123456789abcdef0123","submittedAt":"2026-01-01T11:59:18Z",
                 "ports":[{"containerPort":8080,"protocol":"tcp"},{"containerPort":53,"hostPort":5353,"protocol":"udp"}],
                 "publishedPorts":[{"containerPort":8080,"hostPort":49153,"hostIp":"0.0.0.0"},{"containerPort":53,"hostPort":5353,"hostIp":"0.0.0.0"}]}""");
        JsonNode pending = json("""
                {"id":"a-much-longer-id","image":"cube/busybox:local","state":"Pending",
                 "submittedAt":"2025-12-30T11:00:00Z","workerId":null,"containerId":null,
                 "ports":[{"containerPort":8080,"hostPort":18080,"protocol":"tcp"}],"publishedPorts":[]}""");

        String table = TaskTable.format(List.of(running, pending), NOW);

        assertThat(table.lines()).containsExactly(
                "ID                 NAME   CREATED   STATE     CONTAINER      IMAGE                WORKER       PORTS",
                "7f3a               web    42s ago   Running   0123456789ab   cube/busybox:local   dev-worker   0.0.0.0:49153->8080/tcp, 0.0.0.0:5353->53/udp",
                "a-much-longer-id   -      2d ago    Pending   -              cube/busybox:local   -            -");
    }

    @Test
    void shouldPrintOnlyTheHeaderWhenThereAreNoTasks() {
        assertThat(TaskTable.format(List.of(), NOW).lines())
                .containsExactly("ID   NAME   CREATED   STATE   CONTAINER   IMAGE   WORKER   PORTS");
    }

    @Test
    void shouldWriteRequestedPortsAsRunTakesThemAndPublishedOnesAsDockerPsShowsThem() throws IOException {
        JsonNode task = json("""
                {"ports":[{"containerPort":8080,"protocol":"tcp"},{"containerPort":53,"hostPort":5353,"protocol":"udp"}],
                 "publishedPorts":[{"containerPort":8080,"hostPort":49153,"hostIp":"0.0.0.0"}]}""");

        assertThat(Ports.requested(task)).containsExactly("8080/tcp", "5353:53/udp");
        assertThat(Ports.published(task)).containsExactly("0.0.0.0:49153->8080/tcp");
        assertThat(Ports.requested(json("{}"))).isEmpty();
    }

    @Test
    void shouldSayAgesInTheLargestWholeUnit() {
        assertThat(TaskTable.age("2026-01-01T12:00:00Z", NOW)).isEqualTo("0s ago");
        assertThat(TaskTable.age("2026-01-01T11:55:30Z", NOW)).isEqualTo("4m ago");
        assertThat(TaskTable.age("2026-01-01T09:00:00Z", NOW)).isEqualTo("3h ago");
        assertThat(TaskTable.age("2026-01-01T12:00:05Z", NOW)).isEqualTo("0s ago");
        assertThat(TaskTable.age(null, NOW)).isEqualTo("-");
        assertThat(TaskTable.age("yesterday", NOW)).isEqualTo("yesterday");
    }
}
