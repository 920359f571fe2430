package dev.cube.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code cube drain <worker-id>}: asks the manager to give a worker no new work and move its tasks
 * elsewhere, until {@code cube drain --undo <worker-id>}. A drain stands across the worker's restarts.
 */
@Command(name = "drain",
        mixinStandardHelpOptions = true,
        description = {"Drain a worker: it takes no new tasks, and its tasks are moved to other workers.",
                "The drain stands, across the worker's restarts, until undone with --undo."},
        usageHelpAutoWidth = true)
public final class DrainCommand implements Callable<Integer> {

    @Mixin
    ManagerOptions manager;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "WORKER-ID", description = "The worker's id, as printed by cube workers.")
    String id;

    @CommandLine.Option(names = "--undo", description = "Undo a drain: the worker takes new tasks again.")
    boolean undo;

    @Override
    public Integer call() {
        if (id.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "WORKER-ID must not be blank");
        }
        ManagerClient client = manager.client();
        if (undo ? client.undrain(id) : client.drain(id)) {
            PrintWriter out = spec.commandLine().getOut();
            out.println((undo ? "undrained " : "draining ") + id);
            out.flush();
            return 0;
        }
        throw new CubeCliException("no worker " + id);
    }
}
