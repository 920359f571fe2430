package dev.cube.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.wire.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerTableTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    private static JsonNode json(String text) throws IOException {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void shouldPrintAllocatedOutOfCapacityWithTasksAndLastSeen() throws IOException {
        JsonNode busy = json("""
                {"id":"dev-worker","address":"host-1","status":"ready",
                 "capacity":{"cpu":4.0,"memory":15890,"disk":102400},
                 "allocated":{"cpu":0.5,"memory":64,"disk":0},
                 "tasks":["t-1","t-2"],
                 "stats":{"cpuUsage":0.12,"memoryUsed":3100,"diskUsed":40000,"loadAverage":0.4,"containers":2},
                 "startedAt":"2026-01-01T10:00:00Z","lastSeen":"2026-01-01T11:59:57Z"}""");
        JsonNode gone = json("""
                {"id":"w-2","status":"lost","capacity":{"cpu":2,"memory":2048,"disk":51200},
                 "allocated":{"cpu":0,"memory":0,"disk":0},"tasks":[],"lastSeen":"2026-01-01T11:50:00Z"}""");

        String table = WorkerTable.format(List.of(busy, gone), NOW);

        assertThat(table.lines()).containsExactly(
                "ID           STATUS   CPU     MEMORY MiB   DISK GiB   TASKS   LAST SEEN",
                "dev-worker   ready    0.5/4   64/15890     0/100      2       3s ago",
                "w-2          lost     0/2     0/2048       0/50       0       10m ago");
    }

    @Test
    void shouldSayWhenAWorkersEngineDoesNotAnswer() throws IOException {
        JsonNode down = json("""
                {"id":"w-1","status":"engine-unreachable","capacity":{"cpu":2,"memory":2048,"disk":51200},
                 "allocated":{"cpu":0.5,"memory":64,"disk":0},"tasks":["t-1"],"lastSeen":"2026-01-01T11:59:58Z",
                 "engine":{"answers":false,"since":"2026-01-01T11:59:20Z","reason":"No Docker engine answers at unix:///var/run/docker.sock"}}""");
        JsonNode drainingAndDown = json("""
                {"id":"w-2","status":"draining","capacity":{"cpu":2,"memory":2048,"disk":51200},
                 "allocated":{"cpu":0,"memory":0,"disk":0},"tasks":[],"lastSeen":"2026-01-01T11:59:58Z",
                 "engine":{"answers":false}}""");
        JsonNode answers = json("""
                {"id":"w-3","status":"ready","capacity":{"cpu":2,"memory":2048,"disk":51200},
                 "allocated":{"cpu":0,"memory":0,"disk":0},"tasks":[],"lastSeen":"2026-01-01T11:59:58Z","engine":{"answers":true}}""");

        String table = WorkerTable.format(List.of(down, drainingAndDown, answers), NOW);

        assertThat(table.lines()).containsExactly(
                "ID    STATUS                        CPU     MEMORY MiB   DISK GiB   TASKS   LAST SEEN",
                "w-1   engine-unreachable            0.5/2   64/2048      0/50       1       2s ago",
                "w-2   draining,engine-unreachable   0/2     0/2048       0/50       0       2s ago",
                "w-3   ready                         0/2     0/2048       0/50       0       2s ago");
    }

    @Test
    void shouldPrintOnlyTheHeaderWhenThereAreNoWorkers() {
        assertThat(WorkerTable.format(List.of(), NOW).lines())
                .containsExactly("ID   STATUS   CPU   MEMORY MiB   DISK GiB   TASKS   LAST SEEN");
    }

    @Test
    void shouldPrintADashForWhatTheManagerDidNotSay() throws IOException {
        String table = WorkerTable.format(List.of(json("{\"id\":\"w-3\"}")), NOW);

        assertThat(table.lines().toList().get(1)).isEqualTo("w-3   -        -     -            -          0       -");
    }

    @Test
    void shouldRoundDiskToOneDecimalOfAGibAndCoresToTwoDecimals() throws IOException {
        assertThat(WorkerTable.fraction(json("512"), json("100000"), 1024)).isEqualTo("0.5/97.7");
        assertThat(WorkerTable.fraction(json("0.125"), json("8"), 1)).isEqualTo("0.13/8");
        assertThat(WorkerTable.fraction(json("null"), json("8"), 1)).isEqualTo("0/8");
        assertThat(WorkerTable.fraction(json("1"), json("null"), 1)).isEqualTo("-");
    }
}
