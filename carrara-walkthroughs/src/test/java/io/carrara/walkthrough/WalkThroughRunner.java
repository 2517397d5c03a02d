package io.carrara.walkthrough;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.carrara.walkthrough.WalkThrough.CodeBlock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the steps of a {@link WalkThrough} as a user would type them: one bash process for the whole
 * document ({@code set -euo pipefail}, so a variable set in one block is there in the next), in the
 * repository's root, block after block, each within a time limit. Two things are substituted, the
 * server's home and port: a line {@code ./carrara up ARGS} starts {@code ./carrara up ARGS --home
 * SCRATCH/home --port FREE} in the background and waits until it answers, {@code localhost:8080} in
 * a command becomes the free port, and {@code CARRARA_SERVER} points the CLI there. The server is
 * stopped when the document ends, however it ends.
 *
 * <p>The environment is the test's without any {@code CARRARA_*} variable (a newcomer has none), plus
 * {@code CARRARA_SKIP_BUILD=1} (the reactor built the jars), {@code CARRARA_HOME} set to the server's home
 * (a newcomer's CLI finds the server's admin token under {@code ~/.carrara}, the default home, the same way), and
 * {@code TMPDIR} and
 * {@code java.io.tmpdir} under the scratch directory, so that {@code mktemp} and the server's Spark
 * leave nothing behind, and {@code CARRARA_PYTHON_ENVIRONMENTS} set to the build's shared folder of
 * Python environments (system property {@code carrara.test.pythonEnvs}), so that the CLI and the
 * server of every walk-through reuse the environments other tests built instead of building their
 * own (a newcomer's CLI and server share {@code ~/.carrara/python/envs} the same way).
 *
 * <pre>WalkThroughRunner.Outcome outcome = new WalkThroughRunner(repository, scratch, Duration.ofMinutes(5)).run(readme);
 * assertThat(outcome.failure()).as(outcome.report()).isNull();</pre>
 */
public final class WalkThroughRunner {
    private static final String MARK = "##walkthrough## ";
    private static final Pattern CARRARA_UP = Pattern.compile("^(\\s*)\\./carrara up(\\s.*)?$");
    private static final Pattern LOCAL_SERVER = Pattern.compile("\\b(localhost|127\\.0\\.0\\.1):8080\\b");
    private static final Pattern BASH_LINE = Pattern.compile("walkthrough\\.sh: line (\\d+): ");
    private static final Pattern TRACE_LINE = Pattern.compile("^\\++ (\\d+): (.*)$");
    private static final int OUTPUT_LINES = 40;

    private final Path repository;
    private final Path scratch;
    private final Duration blockTimeout;

    /**
     * @param repository where the blocks run, and where {@code ./carrara} is
     * @param scratch an empty directory for the server's home, temporary files, the script and its logs
     * @param blockTimeout how long one block may run
     */
    public WalkThroughRunner(Path repository, Path scratch, Duration blockTimeout) {
        this.repository = requireNonNull(repository, "repository is null").toAbsolutePath();
        this.scratch = requireNonNull(scratch, "scratch is null").toAbsolutePath();
        this.blockTimeout = requireNonNull(blockTimeout, "blockTimeout is null");
    }

    /** How a run ended: {@code failure} is null when every step ran and succeeded. */
    public record Outcome(String document, List<BlockRun> blocks, Failure failure, String transcript, String serverLog) {
        /** What ran, how long each block took, and, for a failure, what failed with the output before it. */
        public String report() {
            StringBuilder report = new StringBuilder();
            if (failure != null) {
                report.append(document).append(", ").append(failure.block().describe()).append(": ").append(failure.reason())
                        .append("\n  command as written:\n").append(indent(failure.command(), "    "));
                if (failure.bashCommand() != null && !failure.bashCommand().equals(failure.command().strip())) {
                    report.append("  bash's command: ").append(failure.bashCommand()).append('\n');
                }
                report.append("  output of the block (last ").append(OUTPUT_LINES).append(" lines):\n")
                        .append(indent(tail(failure.output(), OUTPUT_LINES), "    "));
                if (!serverLog.isEmpty()) {
                    report.append("  server log (last ").append(OUTPUT_LINES).append(" lines):\n").append(indent(tail(serverLog, OUTPUT_LINES), "    "));
                }
                report.append("\n");
            }
            report.append(document).append(":\n");
            for (BlockRun run : blocks) {
                report.append("  ").append(run.block().describe()).append(": ").append(run.status()).append('\n');
            }
            return report.toString();
        }
    }

    /**
     * One block: {@code status} is "ran in 1.2 s", "FAILED: …", "not reached", "skipped, illustration: …"
     * or, for a block in another language, "shown, not run (yaml)".
     */
    public record BlockRun(CodeBlock block, String status) {}

    /**
     * @param block the block that failed
     * @param reason what happened, e.g. "a command failed with exit status 1" or "did not finish within 300.2 s; stopped"
     * @param command the failing command as the document writes it (with its continuation lines)
     * @param bashCommand the simple command bash was running, expanded, or null when bash did not say
     * @param output what the block printed
     */
    public record Failure(CodeBlock block, String reason, String command, String bashCommand, String output) {}

    /** Runs every step of {@code walkThrough}; a document without steps runs nothing. */
    public Outcome run(WalkThrough walkThrough) throws IOException, InterruptedException {
        List<CodeBlock> steps = walkThrough.steps();
        if (steps.isEmpty()) {
            List<BlockRun> shown = walkThrough.blocks().stream().map(block -> new BlockRun(block, notRun(block))).toList();
            return new Outcome(walkThrough.document(), shown, null, "", "");
        }
        Path home = Files.createDirectories(scratch.resolve("home"));
        Path temporary = Files.createDirectories(scratch.resolve("tmp"));
        Path serverLog = scratch.resolve("server.log");
        Path serverPid = scratch.resolve("server.pid");
        Path trace = scratch.resolve("trace.log");
        int port = freePort();
        Script script = script(steps, home, port, serverLog, serverPid, trace);
        Path scriptFile = scratch.resolve("walkthrough.sh");
        Files.writeString(scriptFile, script.text());

        ProcessBuilder builder = new ProcessBuilder("bash", scriptFile.toString())
                .directory(repository.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("CARRARA_"));
        environment.put("CARRARA_SKIP_BUILD", "1");
        environment.put("CARRARA_SERVER", "http://127.0.0.1:" + port);
        // What ~/.carrara is to a newcomer: the server's home, where the CLI and the SDK find its admin token.
        environment.put("CARRARA_HOME", home.toString());
        environment.put("CARRARA_JAVA_OPTS", "-Djava.io.tmpdir=" + temporary);
        environment.put("TMPDIR", temporary.toString());
        String pythonEnvironments = System.getProperty("carrara.test.pythonEnvs", "");
        if (!pythonEnvironments.isBlank()) {
            environment.put("CARRARA_PYTHON_ENVIRONMENTS", pythonEnvironments);
        }

        Progress progress = new Progress(steps);
        Process process = builder.start();
        Thread reader = new Thread(() -> progress.read(process), "walkthrough-output");
        reader.setDaemon(true);
        reader.start();
        boolean timedOut = false;
        try {
            while (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
                if (progress.runningLongerThan(blockTimeout)) {
                    timedOut = true;
                    break;
                }
            }
        } finally {
            if (process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
            stopServer(serverPid);
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));

        Failure failure = timedOut ? progress.timeout(script, lastTracedLine(trace, script)) : progress.failure(script, process.exitValue());
        String log = Files.isRegularFile(serverLog) ? Files.readString(serverLog, UTF_8) : "";
        List<BlockRun> runs = new ArrayList<>();
        for (CodeBlock block : walkThrough.blocks()) {
            runs.add(new BlockRun(block, progress.status(block, failure)));
        }
        return new Outcome(walkThrough.document(), runs, failure, progress.transcript(), log);
    }

    /** The generated script and, for each of its lines, the block and the block's line it came from. */
    record Script(String text, Map<Integer, CodeBlock> blockOfLine, Map<Integer, Integer> blockLineOfLine) {
        /** The command that ends on the script's {@code line}, as the document writes it, continuation lines included. */
        String command(int line) {
            CodeBlock block = blockOfLine.get(line);
            if (block == null) {
                return "(line " + line + " of the test's own script)\n";
            }
            String[] lines = block.text().split("\n", -1);
            // bash's LINENO for a command continued over several lines is one of them, not always the first or the last.
            int start = blockLineOfLine.get(line);
            while (start > 0 && lines[start - 1].endsWith("\\")) {
                start--;
            }
            int end = blockLineOfLine.get(line);
            while (end + 1 < lines.length && lines[end].endsWith("\\")) {
                end++;
            }
            return String.join("\n", List.of(lines).subList(start, end + 1)) + "\n";
        }
    }

    private Script script(List<CodeBlock> steps, Path home, int port, Path serverLog, Path serverPid, Path trace) {
        List<String> lines = new ArrayList<>(List.of(
                "# Generated by WalkThroughRunner: the steps of one document, in order, with markers between them.",
                "set -euo pipefail",
                "__walkthrough_home=" + quote(home.toString()),
                "__walkthrough_port=" + port,
                "__walkthrough_log=" + quote(serverLog.toString()),
                "__walkthrough_pid=" + quote(serverPid.toString()),
                "__walkthrough_server=",
                // Every command, with its line, goes to a file of its own: after a timeout its last line names what was running.
                "exec {__walkthrough_trace}>" + quote(trace.toString()),
                "BASH_XTRACEFD=$__walkthrough_trace",
                "PS4='+ ${LINENO}: '",
                // ./carrara up, in the background, on the test's home and port; returns once the server answers.
                "__walkthrough_up() {",
                "  ./carrara up \"$@\" --home \"$__walkthrough_home\" --port \"$__walkthrough_port\" >\"$__walkthrough_log\" 2>&1 &",
                "  __walkthrough_server=$!",
                "  echo \"$__walkthrough_server\" >\"$__walkthrough_pid\"",
                "  local attempt",
                "  for attempt in $(seq 1 600); do",
                "    if curl -sf \"http://127.0.0.1:$__walkthrough_port/api/v1/health\" >/dev/null; then return 0; fi",
                "    if ! kill -0 \"$__walkthrough_server\" 2>/dev/null; then echo 'the server stopped; its log is below' >&2; return 1; fi",
                "    sleep 0.2",
                "  done",
                "  echo 'the server did not answer within 120 s' >&2",
                "  return 1",
                "}",
                "__walkthrough_stop() {",
                "  if [ -n \"$__walkthrough_server\" ]; then",
                "    kill \"$__walkthrough_server\" 2>/dev/null || true",
                "    local attempt",
                "    for attempt in $(seq 1 300); do",
                "      kill -0 \"$__walkthrough_server\" 2>/dev/null || return 0",
                "      sleep 0.1",
                "    done",
                "    kill -9 \"$__walkthrough_server\" 2>/dev/null || true",
                "  fi",
                "}",
                "trap 'printf \"" + MARK + "failed %s %s %s\\n\" \"$?\" \"$LINENO\" \"${BASH_COMMAND//$'\"'\"'\\n'\"'\"'/ }\"' ERR",
                "trap '__walkthrough_status=$?; set +x; __walkthrough_stop; "
                        + "printf \"" + MARK + "exit %s %s\\n\" \"$__walkthrough_status\" \"${BASH_COMMAND//$'\"'\"'\\n'\"'\"'/ }\"' EXIT",
                "set -x"));
        Map<Integer, CodeBlock> blockOfLine = new LinkedHashMap<>();
        Map<Integer, Integer> blockLineOfLine = new LinkedHashMap<>();
        for (CodeBlock block : steps) {
            lines.add("printf '" + MARK + "begin " + block.index() + "\\n'");
            String[] blockLines = block.text().split("\n", -1);
            int count = block.text().endsWith("\n") ? blockLines.length - 1 : blockLines.length;
            for (int i = 0; i < count; i++) {
                lines.add(rewrite(blockLines[i], port));
                blockOfLine.put(lines.size(), block);
                blockLineOfLine.put(lines.size(), i);
            }
            lines.add("printf '" + MARK + "end " + block.index() + "\\n'");
        }
        return new Script(String.join("\n", lines) + "\n", blockOfLine, blockLineOfLine);
    }

    /** The two substitutions: {@code ./carrara up} in the background on the test's home and port, and the port in URLs. */
    static String rewrite(String line, int port) {
        Matcher up = CARRARA_UP.matcher(line);
        String rewritten = up.matches() ? up.group(1) + "__walkthrough_up" + (up.group(2) == null ? "" : up.group(2)) : line;
        return LOCAL_SERVER.matcher(rewritten).replaceAll("$1:" + port);
    }

    /** What the reader thread learns from the markers in the script's output. */
    private static final class Progress {
        private final Map<Integer, StringBuilder> output = new LinkedHashMap<>();
        private final StringBuilder transcript = new StringBuilder();
        private final Map<Integer, CodeBlock> steps = new LinkedHashMap<>();
        private final Map<Integer, Long> started = new LinkedHashMap<>();
        private final Map<Integer, Long> elapsed = new LinkedHashMap<>();
        private int running;
        private long runningSince;
        private String failedStatus;
        private Integer failedLine;
        private String failedCommand;
        private String exitCommand;

        Progress(List<CodeBlock> steps) {
            for (CodeBlock step : steps) {
                output.put(step.index(), new StringBuilder());
                this.steps.put(step.index(), step);
            }
        }

        void read(Process process) {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    int mark = line.indexOf(MARK);
                    if (mark < 0) {
                        append(line + "\n");
                    } else {
                        if (mark > 0) {
                            append(line.substring(0, mark) + "\n");
                        }
                        event(line.substring(mark + MARK.length()));
                    }
                }
            } catch (IOException e) {
                // The process was killed after a timeout; what it printed so far is kept.
            }
        }

        private synchronized void append(String text) {
            transcript.append(text);
            StringBuilder block = output.get(running);
            if (block != null) {
                block.append(text);
            }
        }

        private synchronized void event(String event) {
            String[] parts = event.split(" ", 4);
            switch (parts[0]) {
                case "begin" -> {
                    running = Integer.parseInt(parts[1]);
                    CodeBlock block = steps.get(running);
                    transcript.append("==> ").append(block.describe()).append('\n');
                    block.text().lines().forEach(line -> transcript.append("$ ").append(line).append('\n'));
                    runningSince = System.nanoTime();
                    started.put(running, runningSince);
                }
                case "end" -> {
                    elapsed.put(running, System.nanoTime() - runningSince);
                    running = 0;
                }
                case "failed" -> {
                    if (failedStatus == null) {
                        failedStatus = parts[1];
                        failedLine = Integer.parseInt(parts[2]);
                        failedCommand = parts.length > 3 ? parts[3] : "";
                    }
                }
                case "exit" -> exitCommand = event.split(" ", 3).length > 2 ? event.split(" ", 3)[2] : "";
                default -> append(MARK + event + "\n");
            }
        }

        synchronized String transcript() {
            return transcript.toString();
        }

        synchronized boolean runningLongerThan(Duration limit) {
            return running != 0 && System.nanoTime() - runningSince > limit.toNanos();
        }

        synchronized Failure timeout(Script script, int tracedLine) {
            CodeBlock block = blockOf(script, running);
            String command = tracedLine > 0 ? script.command(tracedLine) : "(unknown)\n";
            return new Failure(block, "did not finish within " + seconds(Duration.ofNanos(System.nanoTime() - runningSince))
                    + "; stopped", command, null, output.get(running).toString());
        }

        synchronized Failure failure(Script script, int exitCode) {
            if (exitCode == 0 && running == 0 && elapsed.size() == output.size()) {
                return null;
            }
            int index = running != 0 ? running : output.keySet().stream().filter(i -> !elapsed.containsKey(i)).findFirst().orElse(0);
            if (index == 0) {
                int last = List.copyOf(output.keySet()).get(output.size() - 1);
                return new Failure(blockOf(script, last), "every block ran, but the script ended with status " + exitCode, "(none)\n",
                        exitCommand, output.get(last).toString());
            }
            CodeBlock block = blockOf(script, index);
            String text = output.get(index).toString();
            if (!started.containsKey(index)) {
                return new Failure(block, "was not reached: the script stopped before it with status " + exitCode, "(none)\n", null, text);
            }
            Integer line = failedLine;
            String bashCommand = failedCommand;
            if (line == null) {
                // errexit does not run the ERR trap for an unset variable or a syntax error; bash names the line itself.
                Matcher named = BASH_LINE.matcher(text);
                while (named.find()) {
                    line = Integer.parseInt(named.group(1));
                }
                bashCommand = exitCommand;
            }
            String command = line != null ? script.command(line) : "(bash did not say)\n";
            String reason = failedStatus != null ? "a command failed with exit status " + failedStatus
                    : exitCode != 0 ? "bash stopped with exit status " + exitCode
                    : "the block never reached its end (an unclosed quote or here-document?)";
            return new Failure(block, reason, command, bashCommand, text);
        }

        synchronized String status(CodeBlock block, Failure failure) {
            if (!block.isStep()) {
                return notRun(block);
            }
            if (failure != null && failure.block().index() == block.index()) {
                return "FAILED: " + failure.reason();
            }
            Long nanos = elapsed.get(block.index());
            return nanos == null ? "not reached" : "ran in " + seconds(Duration.ofNanos(nanos));
        }

        private static CodeBlock blockOf(Script script, int index) {
            return script.blockOfLine().values().stream().filter(block -> block.index() == index).findFirst().orElseThrow();
        }
    }

    private static String notRun(CodeBlock block) {
        return block.isShell() ? "skipped, illustration: " + block.illustration() : "shown, not run (" + block.language() + ")";
    }

    /** The line of the last command bash started that belongs to a block (not to the test's own functions), or -1. */
    private static int lastTracedLine(Path trace, Script script) throws IOException {
        if (!Files.isRegularFile(trace)) {
            return -1;
        }
        List<String> lines = Files.readAllLines(trace, UTF_8);
        for (int i = lines.size() - 1; i >= 0; i--) {
            Matcher matcher = TRACE_LINE.matcher(lines.get(i));
            if (matcher.matches() && script.blockOfLine().containsKey(Integer.parseInt(matcher.group(1)))) {
                return Integer.parseInt(matcher.group(1));
            }
        }
        return -1;
    }

    /** The EXIT trap stops the server; this is for a script that was killed before it could. */
    private static void stopServer(Path serverPid) throws IOException, InterruptedException {
        if (!Files.isRegularFile(serverPid)) {
            return;
        }
        String pid = Files.readString(serverPid, UTF_8).trim();
        if (pid.isEmpty()) {
            return;
        }
        ProcessHandle server = ProcessHandle.of(Long.parseLong(pid)).orElse(null);
        if (server == null || !server.isAlive()) {
            return;
        }
        server.destroy();
        try {
            server.onExit().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            server.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "'\"'\"'") + "'";
    }

    private static String seconds(Duration duration) {
        return String.format(java.util.Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n", -1);
        int from = Math.max(0, all.length - lines - 1);
        return String.join("\n", List.of(all).subList(from, all.length));
    }

    private static String indent(String text, String prefix) {
        StringBuilder indented = new StringBuilder();
        for (String line : text.split("\n")) {
            indented.append(prefix).append(line).append('\n');
        }
        return indented.toString();
    }
}
