package dev.cube.cli;

import dev.cube.events.origin.OriginProof;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerKeyCommandTest {

    @TempDir
    Path dir;

    @Test
    void printsTheWorkersOriginKeyDerivedFromTheClusterSecret() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "a-cluster-secret-for-tests-only\n");

        CubeRun run = CubeRun.of("worker-key", "w1", "--secret-file", secret.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out().strip()).isEqualTo(OriginProof.encodeKey(OriginProof.workerKey("a-cluster-secret-for-tests-only", "w1")));
    }

    @Test
    void refusesAShortSecretAndABadWorkerIdAsUsageErrors() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "short");

        assertThat(CubeRun.of("worker-key", "w1", "--secret-file", secret.toString()).exit()).isEqualTo(2);
        assertThat(CubeRun.of("worker-key", "no/slash", "--secret-file", secret.toString()).exit()).isEqualTo(2);
    }
}
