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
                 "containerId":"0123456789abcdef0123","submittedAt":"2026-01-01T11:59:18Z"}""");
        JsonNode pending = json("""
                {"id":"a-much-longer-id","image":"cube/busybox:local","state":"Pending",
                 "submittedAt":"2025-12-30T11:00:00Z","workerId":null,"containerId":null}""");

        String table = TaskTable.format(List.of(running, pending), NOW);

        assertThat(table.lines()).containsExactly(
                "ID                 NAME   CREATED   STATE     CONTAINER      IMAGE                WORKER",
                "7f3a               web    42s ago   Running   0123456789ab   cube/busybox:local   dev-worker",
                "a-much-longer-id   -      2d ago    Pending   -              cube/busybox:local   -");
    }

    @Test
    void shouldPrintOnlyTheHeaderWhenThereAreNoTasks() {
        assertThat(TaskTable.format(List.of(), NOW).lines())
                .containsExactly("ID   NAME   CREATED   STATE   CONTAINER   IMAGE   WORKER");
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
