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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cube ps}: lists the manager's tasks ({@code cube status ID} shows one in detail). */
@Command(name = "ps",
        mixinStandardHelpOptions = true,
        description = "List tasks: ID, NAME, CREATED, STATE, CONTAINER, IMAGE, WORKER, PORTS (published, as docker ps shows them).",
        usageHelpAutoWidth = true)
public final class PsCommand implements Callable<Integer> {

    enum Output { TABLE, JSON }

    private static final int PAGE_SIZE = 100;

    @Mixin
    ManagerOptions manager;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--state", paramLabel = "STATE",
            description = "Only tasks in this state: Pending, Scheduled, Running, Completed, Failed, Stopped or Lost.")
    String state;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table or json (default: table).")
    Output output;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", defaultValue = "1000",
            description = "List at most N tasks (default: ${DEFAULT-VALUE}).")
    int limit;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws JsonProcessingException {
        List<JsonNode> tasks = fetch(manager.client());
        PrintWriter out = spec.commandLine().getOut();
        if (output == Output.JSON) {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tasks));
        } else {
            out.print(TaskTable.format(tasks, clock.instant()));
        }
        out.flush();
        return 0;
    }

    private List<JsonNode> fetch(ManagerClient client) {
        List<JsonNode> tasks = new ArrayList<>();
        long offset = 0;
        while (tasks.size() < limit) {
            JsonNode page = client.tasks(state, Math.min(PAGE_SIZE, limit - tasks.size()), offset);
            page.path("items").forEach(tasks::add);
            JsonNode next = page.path("nextOffset");
            if (!next.canConvertToLong() || next.asLong() <= offset) {
                break;
            }
            offset = next.asLong();
        }
        return tasks.size() > limit ? tasks.subList(0, limit) : tasks;
    }
}
