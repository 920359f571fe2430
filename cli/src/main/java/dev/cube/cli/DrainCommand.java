package dev.cube.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code cube drain <worker-id>}: asks the manager to give a worker no new work and move its tasks elsewhere. */
@Command(name = "drain",
        mixinStandardHelpOptions = true,
        description = "Drain a worker: it takes no new tasks, and its tasks are moved to other workers.",
        usageHelpAutoWidth = true)
public final class DrainCommand implements Callable<Integer> {

    @Mixin
    ManagerOptions manager;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "WORKER-ID", description = "The worker's id, as printed by cube workers.")
    String id;

    @Override
    public Integer call() {
        if (id.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "WORKER-ID must not be blank");
        }
        if (new ManagerClient(manager.manager()).drain(id)) {
            PrintWriter out = spec.commandLine().getOut();
            out.println("draining " + id);
            out.flush();
            return 0;
        }
        throw new CubeCliException("no worker " + id);
    }
}
