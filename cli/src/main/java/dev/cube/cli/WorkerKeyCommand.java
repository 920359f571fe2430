package dev.cube.cli;

import dev.cube.events.origin.OriginProof;
import dev.cube.events.wire.EventRules;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code cube worker-key <id>}: the origin key of one worker, derived from the cluster secret. */
@Command(name = "worker-key",
        mixinStandardHelpOptions = true,
        description = {"Print the origin key of worker ID, for its cube.worker.origin-key (CUBE_WORKER_ORIGIN_KEY).",
                "It is derived from the cluster secret that only the manager holds (cube.security.cluster-secret): "
                        + "the worker can prove its own records with it and nothing else. See docs/security.md."},
        usageHelpAutoWidth = true)
public final class WorkerKeyCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The worker's id (cube.worker.id).")
    String workerId;

    @Option(names = "--secret-file", paramLabel = "FILE",
            description = "A file holding the cluster secret (default: the environment variable CUBE_SECURITY_CLUSTER_SECRET).")
    Path secretFile;

    @Override
    public Integer call() throws IOException {
        if (!EventRules.isWorkerId(workerId)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "'" + workerId + "' is not a worker id: 1 to 253 letters, digits, '.', '_' or '-'");
        }
        String secret = secretFile != null ? Files.readString(secretFile, StandardCharsets.UTF_8).strip() : System.getenv("CUBE_SECURITY_CLUSTER_SECRET");
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < OriginProof.MIN_SECRET_LENGTH) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give the cluster secret (at least " + OriginProof.MIN_SECRET_LENGTH + " bytes) in CUBE_SECURITY_CLUSTER_SECRET or --secret-file");
        }
        spec.commandLine().getOut().println(OriginProof.encodeKey(OriginProof.workerKey(secret, workerId)));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
