package dev.cube.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.wire.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cube status <id>}: one task in detail, with the timeline of its events. */
@Command(name = "status",
        mixinStandardHelpOptions = true,
        description = {"Show one task in detail: spec, state, attempts, worker, ports and timeline.",
                "The ports are those the spec requested and those the engine published; the timeline is the",
                "task's records on the log (GET /api/v1/tasks/{id}/history): log time, offset, type and outcome."},
        usageHelpAutoWidth = true)
public final class StatusCommand implements Callable<Integer> {

    @Mixin
    ManagerOptions manager;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The task's id, as printed by cube run and cube ps, or enough of its start to name one task.")
    String given;

    @Option(names = "--json", description = "Print {\"task\": <the task as the API answers it>, \"history\": [<its history items>]} instead of tables.")
    boolean json;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws JsonProcessingException {
        if (given.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "ID must not be blank");
        }
        ManagerClient client = manager.client();
        String id = TaskIds.resolve(client, given);
        JsonNode task = client.task(id).orElseThrow(() -> new CubeCliException("no task " + id));
        List<JsonNode> history = client.history(id).orElse(List.of());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(TaskDetail.json(task, history)));
        } else {
            out.print(TaskDetail.format(task, history, clock.instant()));
        }
        out.flush();
        return 0;
    }
}
