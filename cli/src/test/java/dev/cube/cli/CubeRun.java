package dev.cube.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of the {@code cube} command line in this JVM: its exit code and what it printed on stdout and stderr. */
record CubeRun(int exit, String out, String err) {

    static CubeRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Cube.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new CubeRun(exit, out.toString(), err.toString());
    }
}
