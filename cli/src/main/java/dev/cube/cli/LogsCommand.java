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
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code cube logs ID}: what a task's container wrote, read from the log; {@code -f} follows it as it is written. */
@Command(name = "logs",
        mixinStandardHelpOptions = true,
        description = {"Print what a task's container wrote: its stdout on stdout, its stderr on stderr.",
                "The output is read from the log (cube.task-logs), so it stays readable after the container is gone",
                "and after its worker is lost. By default the current attempt's; -f follows it as it is written,",
                "until the attempt has ended and all its output is read."},
        usageHelpAutoWidth = true)
public final class LogsCommand implements Callable<Integer> {

    enum Stream { STDOUT, STDERR }

    static final String NDJSON = "application/x-ndjson";
    private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);
    private static final Duration RECONNECT_LIMIT = Duration.ofSeconds(60);

    @Mixin
    ManagerOptions manager;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The task's id, or enough of its start to name one task.")
    String given;

    @Option(names = {"-f", "--follow"}, description = "Follow the output as it is written, until the attempt has ended.")
    boolean follow;

    @Option(names = "--attempt", paramLabel = "N", description = "Which attempt's output (default: the current one).")
    Integer attempt;

    @Option(names = "--stream", paramLabel = "STREAM", description = "Only stdout or only stderr (default: both).")
    Stream stream;

    private long lastSeq;
    private boolean ended;

    @Override
    public Integer call() {
        if (given.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "ID must not be blank");
        }
        if (attempt != null && attempt < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--attempt must be 1 or more, was " + attempt);
        }
        String id = TaskIds.resolve(manager.client(), given);
        ManagerStreams streams = new ManagerStreams(manager.manager());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Instant brokenSince = null;
        while (true) {
            try {
                streams.lines(path(id), NDJSON, Map.of(), line -> print(line, out, err));
                return Cube.EXIT_OK;
            } catch (ManagerStreams.BrokenOffException | ManagerUnreachableException e) {
                if (!follow || ended) {
                    throw e;
                }
                Instant now = Instant.now();
                brokenSince = brokenSince == null ? now : brokenSince;
                if (Duration.between(brokenSince, now).compareTo(RECONNECT_LIMIT) > 0) {
                    throw e;
                }
                ManagerClient.sleep(RECONNECT_PAUSE);
            }
        }
    }

    private String path(String id) {
        StringBuilder path = new StringBuilder(ManagerClient.TASKS).append('/').append(ManagerStreams.encode(id)).append("/logs?follow=").append(follow);
        if (attempt != null) {
            path.append("&attempt=").append(attempt);
        }
        if (stream != null) {
            path.append("&stream=").append(stream.name().toLowerCase(Locale.ROOT));
        }
        if (lastSeq > 0) {
            path.append("&after=").append(lastSeq);
        }
        return path.toString();
    }

    private void print(String line, PrintWriter out, PrintWriter err) {
        if (line.isBlank()) {
            return;
        }
        JsonNode record;
        try {
            record = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new CubeCliException("the manager sent something that is not an output record: " + e.getOriginalMessage());
        }
        lastSeq = Math.max(lastSeq, record.path("seq").asLong(lastSeq));
        switch (record.path("kind").asText()) {
            case "line" -> {
                PrintWriter to = record.path("stream").asText().equals("stderr") ? err : out;
                to.println(record.path("line").asText());
                to.flush();
            }
            case "cut" -> {
                err.println("cube: the output was cut here: " + record.path("reason").asText());
                err.flush();
            }
            case "end" -> ended = true;
            default -> {
                // a kind this cube does not know: nothing to print
            }
        }
    }
}
