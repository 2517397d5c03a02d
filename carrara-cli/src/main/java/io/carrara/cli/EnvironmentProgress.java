package io.carrara.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;

/**
 * What an environment build is doing, on stderr: on a terminal a bar whose message is the build's
 * latest line (pip's "Collecting …", "Installing …"); elsewhere (logs, scripts, CI) one line when a
 * build starts and one when it ends, so a long build is visible without flooding the output. A
 * reused environment prints nothing.
 */
final class EnvironmentProgress implements AutoCloseable {
    private final JobBar bar;
    private final PrintWriter err;
    private final boolean terminal;
    private final String hash;
    private long lines;

    private EnvironmentProgress(PrintWriter err, boolean terminal, String hash) {
        this.err = requireNonNull(err, "err is null");
        this.terminal = terminal;
        this.hash = requireNonNull(hash, "hash is null");
        this.bar = new JobBar("environment", err, terminal);
    }

    static EnvironmentProgress on(PrintWriter err, String hash) {
        return new EnvironmentProgress(err, TransferBar.stderrIsTerminal(), hash);
    }

    /** One line of the build's output. */
    void line(String line) {
        if (lines++ == 0 && !terminal) {
            err.println("building the Python environment " + shortHash() + " (once per set of requirements; a minute or more)");
            err.flush();
        }
        bar.update(lines, 0, line.length() > 60 ? line.substring(0, 57) + "..." : line);
    }

    /** The build finished and the environment is in place. */
    void done() {
        bar.close();
        if (lines > 0 && !terminal) {
            err.println("environment " + shortHash() + " ready");
            err.flush();
        }
    }

    @Override
    public void close() {
        bar.close();
    }

    private String shortHash() {
        return hash.length() > 12 ? hash.substring(0, 12) : hash;
    }
}
