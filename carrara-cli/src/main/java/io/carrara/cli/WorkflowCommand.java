package io.carrara.cli;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.carrara.api.Page;
import io.carrara.api.workflow.StepStatus;
import io.carrara.api.workflow.Workflow;
import io.carrara.api.workflow.WorkflowRun;
import io.carrara.client.CarraraClient;
import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code carrara workflow run|backfill|register|list|unregister|runs|status|retry}. The commands
 * that take a FILE read it here and send its text; the server parses and checks it.
 */
@Command(name = "workflow",
        description = {
            "Run workflows of SQL and predict steps on the server's Spark for an execution date, backfill past dates,"
                    + " and register workflows for the server's scheduler to run on their cron schedule."
        },
        subcommands = {
            WorkflowCommand.Run.class,
            WorkflowCommand.Backfill.class,
            WorkflowCommand.Register.class,
            WorkflowCommand.Listing.class,
            WorkflowCommand.Unregister.class,
            WorkflowCommand.Runs.class,
            WorkflowCommand.Status.class,
            WorkflowCommand.Retry.class
        },
        footerHeading = "%nWorkflow file (YAML):%n",
        footer = {
            "  name: trip_eta_daily",
            "  schedule: \"0 3 * * *\"     # cron, UTC; leave out to run only on demand",
            "  inputs:                   # optional: upstream tables, how late they land",
            "    - table: ml.trips",
            "      max_sla: 1d           # 36h, 90m, or ISO-8601 (P1D, PT36H)",
            "  steps:                    # run in order",
            "    - name: features        # a query materialised, replaced every run",
            "      sql: >-",
            "        SELECT * FROM ml.trips",
            "        WHERE ds >= '{{ window_start }}' AND ds < '{{ window_end }}'",
            "      output: ml.trip_features",
            "    - name: score           # a query scored into the date's partition",
            "      predict:",
            "        deployment: eta-live                # or instance: UUID",
            "        query: SELECT * FROM ml.trip_features",
            "        output: ml.trip_predictions",
            "        columns: [prediction, probability]  # optional",
            "  retries: {max: 2, backoff: 1m}   # retry a failed step, doubling the wait",
            "  alert: {webhook: https://hooks.example.com/carrara}  # gets failed runs",
            "",
            "SQL and queries may use {{ execution_date }}, {{ window_start }} and",
            "{{ window_end }}. A run reads the window [execution_date - max_sla - 1 day,",
            "execution_date - max_sla), max_sla being the longest of the inputs', so every",
            "input has landed before it is read.",
            "",
            "Example:",
            "  carrara workflow backfill workflows/trip_eta.yaml \\",
            "      --from 2026-11-01 --to 2026-11-07 --instance UUID"
        })
final class WorkflowCommand extends GroupCommand {

    @Command(name = "run",
            description = {
                "Run a workflow file once for an execution date, e.g. from cron or Airflow.",
                "Waits for the run with a progress bar on stderr, then prints its steps; exits with 1 if it failed."
            })
    static final class Run extends PollingCommand {
        @Parameters(paramLabel = "FILE", description = "The workflow's YAML file.")
        Path file;

        @Option(names = "--execution-date", required = true, paramLabel = "DATE", converter = DateConverter.class,
                description = "The date to run for, e.g. 2026-11-01.")
        LocalDate executionDate;

        @Option(names = "--instance", paramLabel = "UUID",
                description = "Score every predict step with this instance instead of the step's own.")
        UUID instance;

        @Option(names = "--no-wait", description = "Print the run's id and return at once; follow it with carrara workflow status ID.")
        boolean noWait;

        @Option(names = "--json", description = "Print the finished run as JSON.")
        boolean json;

        @Override
        void execute(CarraraClient client) throws Exception {
            String definition = readDefinition(file);
            WorkflowRun run = client.workflows().run(definition, executionDate, Optional.ofNullable(instance));
            follow(this, client, run, noWait, json);
        }
    }

    @Command(name = "backfill",
            description = {
                "Run a workflow file for every date from --from to --to inclusive, oldest first, e.g. to re-score past"
                        + " dates with a chosen instance. Each date's partitions are replaced, never duplicated.",
                "Waits for every run, then prints one line per run: date, status and rows written per step; exits with 1"
                        + " if any run failed."
            })
    static final class Backfill extends PollingCommand {
        @Parameters(paramLabel = "FILE", description = "The workflow's YAML file.")
        Path file;

        @Option(names = "--from", required = true, paramLabel = "DATE", converter = DateConverter.class,
                description = "The first execution date, e.g. 2026-11-01.")
        LocalDate from;

        @Option(names = "--to", required = true, paramLabel = "DATE", converter = DateConverter.class,
                description = "The last execution date, inclusive.")
        LocalDate to;

        @Option(names = "--instance", paramLabel = "UUID",
                description = "Score every predict step with this instance instead of the step's own.")
        UUID instance;

        @Option(names = "--no-wait", description = "Print each run's date and id and return at once.")
        boolean noWait;

        @Option(names = "--json", description = "Print one JSON object per finished run and line.")
        boolean json;

        @Override
        void execute(CarraraClient client) throws Exception {
            if (from.isAfter(to)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--from " + from + " is after --to " + to + "; a backfill runs the dates from --from to --to inclusive");
            }
            String definition = readDefinition(file);
            List<WorkflowRun> runs = new ArrayList<>(client.workflows().backfill(definition, from, to, Optional.ofNullable(instance)));
            if (noWait) {
                TextTable table = TextTable.withHeader("execution_date", "run");
                runs.forEach(run -> table.row(run.executionDate(), run.id()));
                table.print(out());
                return;
            }
            err().println(runs.size() + " runs submitted; Ctrl-C stops waiting, not the runs");
            // The server runs them oldest first, one after the other: following the oldest unfinished one is enough.
            try (JobBar bar = JobBar.on(err(), "backfill")) {
                for (int i = 0; i < runs.size(); i++) {
                    WorkflowRun run = runs.get(i);
                    while (true) {
                        bar.update(i, runs.size(), run.executionDate() + " " + run.status());
                        if (run.finished()) {
                            break;
                        }
                        pause();
                        run = client.workflows().getRun(run.id());
                    }
                    runs.set(i, run);
                    if (i + 1 < runs.size()) {
                        runs.set(i + 1, client.workflows().getRun(runs.get(i + 1).id()));
                    }
                }
                bar.update(runs.size(), runs.size(), "done");
            }
            if (json) {
                for (WorkflowRun run : runs) {
                    out().println(Display.jsonLine(run));
                }
            } else {
                Instant now = Instant.now();
                TextTable table = TextTable.withHeader("execution_date", "status", "run", "elapsed", "rows_written", "error");
                for (WorkflowRun run : runs) {
                    table.row(run.executionDate(), run.status(), run.id(), run.elapsed(now).map(Display::duration).orElse(null),
                            Display.stepRows(run.steps()), run.error());
                }
                table.print(out());
            }
            long failed = runs.stream().filter(WorkflowRun::failed).count();
            if (failed > 0) {
                err().println("error: " + failed + " of " + runs.size()
                        + " runs failed; run one again with carrara workflow retry RUN_ID");
                exitCode = FAILED;
            }
        }
    }

    @Command(name = "register",
            description = "Register a workflow file with the server, replacing one of the same name; the server's scheduler"
                    + " then runs it on its schedule. Prints its name, schedule and next run.")
    static final class Register extends ClientCommand {
        @Parameters(paramLabel = "FILE", description = "The workflow's YAML file.")
        Path file;

        @Option(names = "--json", description = "Print the workflow as JSON.")
        boolean json;

        @Override
        void execute(CarraraClient client) throws Exception {
            Workflow workflow = client.workflows().register(readDefinition(file));
            if (json) {
                out().println(Display.prettyJson(workflow));
                return;
            }
            TextTable.keyValue()
                    .row("name", workflow.name())
                    .row("schedule", workflow.schedule() == null ? "none (runs only on demand)" : workflow.schedule())
                    .row("next_run_at", workflow.nextRunAt())
                    .row("registered_at", workflow.registeredAt())
                    .row("registered_by", workflow.registeredBy())
                    .print(out());
        }
    }

    @Command(name = "list", description = "List the registered workflows with their schedules and next runs.")
    static final class Listing extends ClientCommand {
        @Option(names = "--json", description = "Print one JSON object per workflow and line.")
        boolean json;

        @Override
        void execute(CarraraClient client) throws Exception {
            List<Workflow> workflows = client.workflows().list();
            if (json) {
                for (Workflow workflow : workflows) {
                    out().println(Display.jsonLine(workflow));
                }
                return;
            }
            TextTable table = TextTable.withHeader("name", "schedule", "next_run_at", "registered_at", "registered_by");
            for (Workflow workflow : workflows) {
                table.row(workflow.name(), workflow.schedule(), workflow.nextRunAt(), workflow.registeredAt(),
                        workflow.registeredBy());
            }
            table.print(out());
        }
    }

    @Command(name = "unregister", description = "Stop scheduling a workflow; its runs stay.")
    static final class Unregister extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "The workflow's name.")
        String name;

        @Override
        void execute(CarraraClient client) {
            client.workflows().unregister(name);
            out().println("unregistered workflow " + name + "; its runs stay");
        }
    }

    @Command(name = "runs", description = "List a workflow's runs, newest execution date first: status, timings, rows, error.")
    static final class Runs extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "The workflow's name.")
        String name;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most N runs, 1 to 1000 (default: ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--offset", paramLabel = "N", defaultValue = "0", description = "Skip the N newest runs.")
        int offset;

        @Option(names = "--json", description = "Print one JSON object per run and line.")
        boolean json;

        @Override
        void execute(CarraraClient client) throws Exception {
            Page<WorkflowRun> page = client.workflows().runs(name, limit, offset);
            if (json) {
                for (WorkflowRun run : page.items()) {
                    out().println(Display.jsonLine(run));
                }
            } else {
                Instant now = Instant.now();
                TextTable table = TextTable.withHeader("id", "execution_date", "trigger", "status", "started_at", "elapsed",
                        "rows_written", "error");
                for (WorkflowRun run : page.items()) {
                    table.row(run.id(), run.executionDate(), run.trigger(), run.status(), run.startedAt(),
                            run.elapsed(now).map(Display::duration).orElse(null), Display.stepRows(run.steps()), run.error());
                }
                table.print(out());
            }
            if (page.hasMore()) {
                err().println("more runs; see them with --offset " + page.nextOffset());
            }
        }
    }

    @Command(name = "status", description = "Show a workflow run and its steps: status, attempts, rows written, error.")
    static final class Status extends ClientCommand {
        @Parameters(paramLabel = "RUN_ID", description = "The run's id.")
        UUID id;

        @Option(names = "--json", description = "Print the run as JSON.")
        boolean json;

        @Override
        void execute(CarraraClient client) throws Exception {
            WorkflowRun run = client.workflows().getRun(id);
            if (json) {
                out().println(Display.prettyJson(run));
            } else {
                printRun(run, out());
            }
        }
    }

    @Command(name = "retry",
            description = {
                "Run again the steps of a failed run that did not succeed (those that succeeded are not run again).",
                "Waits for the run like workflow run does; exits with 1 if it fails again."
            })
    static final class Retry extends PollingCommand {
        @Parameters(paramLabel = "RUN_ID", description = "The failed run's id.")
        UUID id;

        @Option(names = "--no-wait", description = "Return once the retry is queued.")
        boolean noWait;

        @Option(names = "--json", description = "Print the finished run as JSON.")
        boolean json;

        @Override
        void execute(CarraraClient client) throws Exception {
            follow(this, client, client.workflows().retry(id), noWait, json);
        }
    }

    /** Waits for one run unless {@code noWait}, then prints it; a failed run makes the exit code 1. */
    private static void follow(PollingCommand command, CarraraClient client, WorkflowRun started, boolean noWait, boolean json)
            throws Exception {
        PrintWriter out = command.out();
        if (noWait) {
            out.println(started.id());
            return;
        }
        command.err().println("workflow run " + started.id() + " of " + started.workflow() + " for " + started.executionDate()
                + " submitted; Ctrl-C stops waiting, not the run");
        WorkflowRun run = started;
        try (JobBar bar = JobBar.on(command.err(), "workflow")) {
            while (true) {
                long done = run.steps().stream().filter(step -> step.status() == StepStatus.SUCCEEDED).count();
                bar.update(done, run.steps().size(), currentStep(run));
                if (run.finished()) {
                    break;
                }
                command.pause();
                run = client.workflows().getRun(run.id());
            }
        }
        if (json) {
            out.println(Display.prettyJson(run));
        } else {
            printRun(run, out);
        }
        if (run.failed()) {
            command.err().println("error: workflow run " + run.id() + " failed: "
                    + (run.error() == null ? "the server gave no reason; see its log" : run.error())
                    + "; run the failed steps again with carrara workflow retry " + run.id());
            command.exitCode = ClientCommand.FAILED;
        }
    }

    private static String currentStep(WorkflowRun run) {
        return run.steps().stream().filter(step -> step.status() == StepStatus.RUNNING).findFirst()
                .map(step -> step.name() + (step.attempts() > 1 ? " (attempt " + step.attempts() + ")" : ""))
                .orElse(run.status().wireName());
    }

    /** A run as name-value lines, then a table of its steps. */
    static void printRun(WorkflowRun run, PrintWriter out) {
        Instant now = Instant.now();
        TextTable summary = TextTable.keyValue()
                .row("run", run.id())
                .row("workflow", run.workflow())
                .row("execution_date", run.executionDate())
                .row("trigger", run.trigger())
                .row("status", run.status());
        if (run.instance() != null) {
            summary.row("instance", run.instance());
        }
        if (run.window() != null) {
            summary.row("window", run.window().start() + " to " + run.window().end());
        }
        summary.row("created_at", run.createdAt())
                .row("created_by", run.createdBy())
                .row("started_at", run.startedAt())
                .row("elapsed", run.elapsed(now).map(Display::duration).orElse(null));
        if (run.error() != null) {
            summary.row("error", run.error());
        }
        summary.print(out);
        out.println();
        TextTable steps = TextTable.withHeader("step", "kind", "output", "status", "attempts", "rows_written", "elapsed",
                "batch_job", "error");
        for (WorkflowRun.Step step : run.steps()) {
            steps.row(step.name(), step.kind(), step.output(), step.status(), step.attempts(), step.rowsWritten(),
                    step.elapsed(now).map(Display::duration).orElse(null), step.batchJob(), step.error());
        }
        steps.print(out);
    }

    /** The file's text; a missing, unreadable or non-UTF-8 file is an error naming it. */
    static String readDefinition(Path file) {
        if (!Files.exists(file)) {
            throw new CarraraException(INVALID_ARGUMENT, "workflow file " + file + " does not exist; check the path", "file");
        }
        if (!Files.isRegularFile(file)) {
            throw new CarraraException(INVALID_ARGUMENT, "workflow file " + file + " is not a regular file", "file");
        }
        try {
            return Files.readString(file, UTF_8);
        } catch (CharacterCodingException e) {
            throw new CarraraException(INVALID_ARGUMENT, "workflow file " + file + " is not UTF-8 text", "file");
        } catch (AccessDeniedException e) {
            throw new CarraraException(INVALID_ARGUMENT, "cannot read workflow file " + file + ": permission denied", "file");
        } catch (IOException e) {
            throw new CarraraException(INVALID_ARGUMENT, "cannot read workflow file " + file + ": " + e.getMessage(), "file");
        }
    }
}
