package io.carrara.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Runs {@code carrara --server URL ARGS} in this JVM with a given environment, home directory and stdin, as a user would. */
final class InProcessCli {
    private InProcessCli() {}

    static CommandResult run(URI server, Path userHome, Map<String, String> environment, String stdin, String... args) {
        CarraraCli cli = new CarraraCli();
        cli.environment = environment;
        cli.userHome = userHome;
        cli.stdin = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(cli);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("--server", server.toString()));
        all.addAll(List.of(args));
        int exitCode = commandLine.execute(all.toArray(String[]::new));
        return new CommandResult(exitCode, out.toString(), err.toString());
    }
}
