package io.carrara.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** What one in-process run of the CLI printed and returned. */
record CommandResult(int exitCode, String out, String err) {
    CommandResult {
        requireNonNull(out, "out is null");
        requireNonNull(err, "err is null");
    }

    /** Runs {@code carrara args...} in this JVM, the way {@link CarraraCli#main} does, capturing both streams. */
    static CommandResult run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new CarraraCli());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new CommandResult(exitCode, out.toString(), err.toString());
    }

    /** stdout without the final line break, e.g. the id that {@code instance upload} prints. */
    String outLine() {
        return out.stripTrailing();
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
