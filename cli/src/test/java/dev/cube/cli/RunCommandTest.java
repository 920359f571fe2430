package dev.cube.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.spec.TaskSpec;
import dev.cube.events.wire.Json;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunCommandTest {

    private static RunCommand parse(String... args) {
        CommandLine cli = Cube.commandLine();
        CommandLine.ParseResult result = cli.parseArgs(args);
        return (RunCommand) result.subcommand().commandSpec().userObject();
    }

    private static JsonNode specOf(String... args) throws IOException {
        return Json.MAPPER.readTree(parse(args).specJson());
    }

    @Test
    void shouldMapEveryInlineOptionToTheSpecJson() throws IOException {
        JsonNode spec = specOf("run", "--image", "cube/busybox:local", "--name", "web", "--cpu", "0.5",
                "--memory", "64", "--disk", "10", "--port", "18080:80", "--port", "9090", "--env", "A=1", "-e", "B=x=y",
                "--label", "team=core", "--restart", "on-failure", "--max-restarts", "5",
                "--health-path", "/health", "--", "httpd", "-f", "-p", "80");

        assertThat(spec.get("name").asText()).isEqualTo("web");
        assertThat(spec.get("image").asText()).isEqualTo("cube/busybox:local");
        assertThat(spec.get("command")).extracting(JsonNode::asText).containsExactly("httpd", "-f", "-p", "80");
        assertThat(spec.get("env").get("A").asText()).isEqualTo("1");
        assertThat(spec.get("env").get("B").asText()).isEqualTo("x=y");
        assertThat(spec.get("cpu").asDouble()).isEqualTo(0.5);
        assertThat(spec.get("memory").asLong()).isEqualTo(64);
        assertThat(spec.get("disk").asLong()).isEqualTo(10);
        assertThat(spec.get("ports")).hasSize(2);
        assertThat(spec.get("ports").get(0).get("containerPort").asInt()).isEqualTo(80);
        assertThat(spec.get("ports").get(0).get("hostPort").asInt()).isEqualTo(18080);
        assertThat(spec.get("ports").get(1).get("containerPort").asInt()).isEqualTo(9090);
        assertThat(spec.get("ports").get(1).has("hostPort")).isFalse();
        assertThat(spec.get("restartPolicy").get("mode").asText()).isEqualTo("on-failure");
        assertThat(spec.get("restartPolicy").get("maxRestarts").asInt()).isEqualTo(5);
        assertThat(spec.get("healthCheck").get("path").asText()).isEqualTo("/health");
        assertThat(spec.get("healthCheck").get("port").asInt()).isEqualTo(80);
        assertThat(spec.get("labels").get("team").asText()).isEqualTo("core");
    }

    @Test
    void shouldLeaveOutWhatWasNotGiven() throws IOException {
        JsonNode spec = specOf("run", "--image", "cube/busybox:local");

        assertThat(spec.has("name")).isFalse();
        assertThat(spec.has("cpu")).isFalse();
        assertThat(spec.has("memory")).isFalse();
        assertThat(spec.has("healthCheck")).isFalse();
        assertThat(spec.get("command")).isEmpty();
        assertThat(spec.get("restartPolicy").get("mode").asText()).isEqualTo("never");
    }

    @Test
    void shouldReadRestartPoliciesAsTheContractSpellsThem() {
        assertThat(parse("run", "--image", "i", "--restart", "always").toSpec().restartPolicy().mode().name()).isEqualTo("ALWAYS");
        assertThat(parse("run", "--image", "i", "--restart", "NEVER").toSpec().restartPolicy().mode().name()).isEqualTo("NEVER");
        assertThatThrownBy(() -> parse("run", "--image", "i", "--restart", "sometimes"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("never, on-failure or always");
    }

    @Test
    void shouldReadPortsInDockersOrderHostThenContainer() {
        TaskSpec.PortMapping published = parse("run", "--image", "i", "-p", "18080:8080").toSpec().ports().getFirst();
        TaskSpec.PortMapping picked = parse("run", "--image", "i", "-p", "8080").toSpec().ports().getFirst();
        TaskSpec.PortMapping udp = parse("run", "--image", "i", "-p", "5353:53/udp").toSpec().ports().getFirst();

        assertThat(published).isEqualTo(new TaskSpec.PortMapping(8080, 18080, "tcp"));
        assertThat(picked).isEqualTo(new TaskSpec.PortMapping(8080, null, "tcp"));
        assertThat(udp).isEqualTo(new TaskSpec.PortMapping(53, 5353, "udp"));
    }

    @Test
    void shouldTakeTheHealthCheckPortFromTheContainerSideOfTheFirstPort() {
        TaskSpec spec = parse("run", "--image", "i", "-p", "18080:8080", "--health-path", "/").toSpec();

        assertThat(spec.healthCheck().port()).isEqualTo(8080);
    }

    @Test
    void shouldRefuseAMalformedPortAsAUsageErrorSayingWhatIsExpected() {
        assertThatThrownBy(() -> parse("run", "--image", "i", "--port", "http"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("'http'")
                .hasMessageContaining("[HOST:]CONTAINER");
        assertThatThrownBy(() -> parse("run", "--image", "i", "--port", "127.0.0.1:18080:8080"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("no IP can be given");
        assertThatThrownBy(() -> parse("run", "--image", "i", "--port", "18080:70000"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("the container port must be between 1 and 65535");
        assertThatThrownBy(() -> parse("run", "--image", "i", "--port", "8080/sctp"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("tcp or udp");
    }

    @Test
    void shouldRequireAnImageOrAFile() {
        assertThatThrownBy(() -> parse("run", "--", "echo", "hi").specJson())
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--image");
    }

    @Test
    void shouldSendASpecFileAsWritten(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path file = dir.resolve("task.json");
        String json = "{\"name\":\"hello\",\"image\":\"cube/busybox:local\",\"command\":[\"echo\",\"hi\"],\"future\":1}";
        Files.writeString(file, json);

        assertThat(parse("run", "-f", file.toString()).specJson()).isEqualTo(json);
    }

    @Test
    void shouldRefuseASpecFileThatIsNotAJsonObject(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path file = dir.resolve("task.json");
        Files.writeString(file, "[1, 2");

        assertThatThrownBy(() -> parse("run", "-f", file.toString()).specJson())
                .isInstanceOf(CubeCliException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void shouldRefuseAFileTogetherWithInlineOptions(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path file = dir.resolve("task.json");
        Files.writeString(file, "{}");

        assertThatThrownBy(() -> parse("run", "-f", file.toString(), "--image", "i").specJson())
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("not both");
    }

    @Test
    void shouldTakeTheManagerFromTheOption() {
        assertThat(parse("run", "--manager", "http://10.0.0.1:9999", "--image", "i").manager.manager())
                .hasToString("http://10.0.0.1:9999");
    }
}
