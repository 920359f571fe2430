package dev.cube.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code cube stop <id>}: asks the manager to stop a task. */
@Command(name = "stop",
        mixinStandardHelpOptions = true,
        description = "Ask the manager to stop a task (its container is stopped by its worker).",
        usageHelpAutoWidth = true)
public final class StopCommand implements Callable<Integer> {

    @Mixin
    ManagerOptions manager;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The task's id, as printed by cube run and cube ps, or enough of its start to name one task.")
    String given;

    @Override
    public Integer call() {
        if (given.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "ID must not be blank");
        }
        ManagerClient client = manager.client();
        String id = TaskIds.resolve(client, given);
        if (client.stop(id)) {
            PrintWriter out = spec.commandLine().getOut();
            out.println("stopping " + id);
            out.flush();
            return 0;
        }
        throw new CubeCliException("no task " + id);
    }
}
