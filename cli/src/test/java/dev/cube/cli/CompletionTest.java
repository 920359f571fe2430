package dev.cube.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cube completion}: picocli's bash/zsh completion script, checked by asking a real bash to complete. */
class CompletionTest {

    @TempDir
    Path dir;

    /** What bash offers for {@code words} (the last one being completed) once the script is sourced. */
    private List<String> complete(String... words) throws IOException, InterruptedException {
        CubeRun completion = CubeRun.of("completion");
        assertThat(completion.exit()).as(completion.err()).isZero();
        Path script = Files.writeString(dir.resolve("cube-completion.bash"), completion.out());
        String line = String.join(" ", words);
        String driver = """
                source '%s'
                COMP_WORDS=(%s)
                COMP_CWORD=%d
                COMP_LINE='%s'
                COMP_POINT=${#COMP_LINE}
                _complete_cube 2>/dev/null  # compopt says it runs outside a real completion: harmless here
                printf '%%s\\n' "${COMPREPLY[@]}"
                """.formatted(script, line, words.length - 1, line);
        Process bash = new ProcessBuilder("bash", "-c", driver).redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor()).as(output).isZero();
        return output.lines().map(String::strip).filter(word -> !word.isEmpty()).toList();
    }

    @Test
    void shouldPrintAScriptThatRegistersForCube() {
        CubeRun completion = CubeRun.of("completion");

        assertThat(completion.exit()).isZero();
        assertThat(completion.out()).startsWith("#!/usr/bin/env bash").contains("complete -F _complete_cube");
    }

    @Test
    void shouldCompleteCommands() throws Exception {
        assertThat(complete("cube", "st")).containsExactlyInAnyOrder("status", "stop");
        assertThat(complete("cube", "")).contains("dev", "run", "ps", "status", "stop", "workers", "drain", "replay", "completion");
    }

    @Test
    void shouldCompleteOptionsAndTheirValues() throws Exception {
        assertThat(complete("cube", "run", "--ti")).containsExactly("--timeout");
        assertThat(complete("cube", "replay", "--state", "")).contains("Pending", "Running", "Completed", "Failed", "Stopped", "Lost");
        assertThat(complete("cube", "run", "--restart", "")).containsExactlyInAnyOrder("never", "on-failure", "always");
    }
}
