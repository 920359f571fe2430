package dev.cube.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.wire.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cube workers} (alias {@code node}, the book's name): lists the workers the manager knows. */
@Command(name = "workers",
        aliases = "node",
        mixinStandardHelpOptions = true,
        description = "List workers: ID, STATUS, CPU, MEMORY MiB, DISK GiB (allocated/capacity), TASKS, LAST SEEN.",
        usageHelpAutoWidth = true)
public final class WorkersCommand implements Callable<Integer> {

    enum Output { TABLE, JSON }

    @Mixin
    ManagerOptions manager;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table or json (json has every field, live stats included; default: table).")
    Output output;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws JsonProcessingException {
        List<JsonNode> workers = manager.client().workers();
        PrintWriter out = spec.commandLine().getOut();
        if (output == Output.JSON) {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(workers));
        } else {
            out.print(WorkerTable.format(workers, clock.instant()));
        }
        out.flush();
        return 0;
    }
}
