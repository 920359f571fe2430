package dev.cube.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.wire.Json;
import dev.cube.worker.runtime.DockerContainerRuntime;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A smoke run of every scenario at tiny sizes: it checks that each produces its figures (positive,
 * finite numbers, each with its baseline) and that the report is written, never how fast anything
 * is. It also checks that no container of the run is left on the engine.
 */
class BenchSmokeIT {

    @Test
    void everyScenarioProducesItsFiguresAndTheReport() throws Exception {
        Path target = Path.of("target").toAbsolutePath();
        Path report = target.resolve("bench-smoke-report.json");
        Files.deleteIfExists(report);
        BenchOptions options = BenchOptions.parse(new String[]{"--small", "--report", report.toString(),
                "--work-dir", target.resolve("bench-smoke-work").toString()}, target.getParent().getParent());

        Bench.Report result = Bench.run(options);

        assertThat(result.failures).isEmpty();
        assertThat(report).exists();
        JsonNode json = Json.MAPPER.readTree(report.toFile());
        assertThat(json.path("machine").path("cpus").asInt()).isPositive();
        List<String> scenarios = json.findValuesAsText("scenario");
        assertThat(scenarios).containsExactly("projection", "placement", "containers", "reads", "replay");
        for (JsonNode scenario : json.get("scenarios")) {
            assertThat(scenario.has("error")).as(scenario.toString()).isFalse();
            assertThat(scenario.get("figures")).as(scenario.path("scenario").asText()).isNotEmpty();
            for (JsonNode figure : scenario.get("figures")) {
                assertThat(figure.get("cube").asDouble()).as(figure.toString()).isPositive().isFinite();
                assertThat(figure.get("baselineValue").asDouble()).as(figure.toString()).isPositive().isFinite();
                assertThat(figure.get("ratio").asDouble()).as(figure.toString()).isPositive().isFinite();
            }
        }
        assertThat(result.table()).contains("| projection |", "| placement |", "| containers |", "| reads |", "| replay |");
        JsonNode replay = json.get("scenarios").get(4);
        assertThat(replay.path("figures")).hasSize(2);
        assertThat(replay.path("details").path("rounds")).hasSize(ReplayBench.ROUNDS);
        assertThat(replay.path("details").path("replayEventsPerSecond").asDouble()).isPositive().isFinite();

        // Every container the run created (the worker's and the raw baseline's) is gone.
        JsonNode containers = json.get("scenarios").get(2).get("details");
        String workerId = containers.get("workerId").asText();
        DockerContainerRuntime docker = DockerContainerRuntime.connect(null, Duration.ofSeconds(10));
        try {
            assertThat(ContainerBench.leftovers(docker.client(), workerId)).isZero();
            assertThat(docker.client().listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(ContainerBench.RAW_LABEL, "raw-" + containers.get("run").asText())).exec()).isEmpty();
        } finally {
            docker.client().close();
        }
    }
}
