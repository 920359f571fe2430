package dev.cube.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The {@code cube} command line: a development cluster ({@code dev}) and the task commands that talk to a manager. */
@Command(name = "cube",
        mixinStandardHelpOptions = true,
        version = "cube 0.1.0",
        description = "Cube: an event-sourced container orchestrator on Kafka.",
        subcommands = {DevCommand.class, RunCommand.class, PsCommand.class, StopCommand.class, WorkersCommand.class, DrainCommand.class, dev.cube.cli.replay.ReplayCommand.class},
        usageHelpAutoWidth = true)
public final class Cube implements Runnable {

    /** Exit code of a command the manager refused (4xx, 5xx) or that did not reach its goal. */
    public static final int EXIT_FAILED = 1;
    /** Exit code when the manager cannot be reached. */
    public static final int EXIT_UNREACHABLE = 2;

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
        cli.setExecutionExceptionHandler(Cube::handle);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }

    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (e instanceof ManagerUnreachableException unreachable) {
            err.println(unreachable.getMessage());
            err.flush();
            return EXIT_UNREACHABLE;
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
        throw new RuntimeException(e);
    }
}
