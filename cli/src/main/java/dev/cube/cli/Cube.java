package dev.cube.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The {@code cube} command line: a development cluster ({@code dev}) and the task commands that talk to a manager. */
@Command(name = "cube",
        mixinStandardHelpOptions = true,
        version = "cube 0.1.0",
        description = "Cube: an event-sourced container orchestrator on Kafka.",
        subcommands = {DevCommand.class, RunCommand.class, PsCommand.class, StatusCommand.class, LogsCommand.class, EventsCommand.class, StopCommand.class, WorkersCommand.class, DrainCommand.class, dev.cube.cli.replay.ReplayCommand.class, WorkerKeyCommand.class, AclsCommand.class},
        usageHelpAutoWidth = true,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success",
                "1:failure: the manager could not be reached, refused the request (4xx, 5xx), or a wait timed out",
                "2:usage error: an unknown option, a malformed value, options that do not go together"})
public final class Cube implements Runnable {

    /** Exit code of a command that did what it was asked. */
    public static final int EXIT_OK = CommandLine.ExitCode.OK;
    /**
     * Exit code of a command that failed: the manager could not be reached, refused the request
     * (a 4xx or 5xx problem), or the goal was not reached in time.
     */
    public static final int EXIT_FAILED = CommandLine.ExitCode.SOFTWARE;
    /** Exit code of a command line picocli could not parse, or whose options do not go together. Only usage errors. */
    public static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        // The services each ship a logback.xml; the command uses its own, which logs to stderr.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "cube-cli-logback.xml");
        }
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, with Cube's mapping of failures to messages and exit codes. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Cube());
        cli.addSubcommand("completion", new AutoComplete.GenerateCompletion());
        cli.setExecutionExceptionHandler(Cube::handle);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }

    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (e instanceof ManagerUnreachableException unreachable) {
            err.println(unreachable.getMessage());
            err.flush();
            return EXIT_FAILED;
        }
        if (e instanceof ProblemException problem) {
            err.print(problem.problem().describe());
            err.flush();
            return EXIT_FAILED;
        }
        if (e instanceof CubeCliException failure) {
            err.println("cube: " + failure.getMessage());
            err.flush();
            return EXIT_FAILED;
        }
        err.println("cube: unexpected error: " + e);
        e.printStackTrace(err);
        err.flush();
        return EXIT_FAILED;
    }
}
