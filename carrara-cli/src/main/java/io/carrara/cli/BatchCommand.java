package io.carrara.cli;

import io.carrara.api.Page;
import io.carrara.api.batch.BatchJob;
import io.carrara.client.BatchJobRequest;
import io.carrara.client.CarraraClient;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code carrara batch predict|status|list}: batch predictions on the server's Spark. */
@Command(name = "batch", description = "Score the rows of a query with a model on the server's Spark, and follow batch jobs.",
        subcommands = {BatchCommand.Predict.class, BatchCommand.Status.class, BatchCommand.Listing.class, BatchCommand.Cancel.class})
final class BatchCommand extends GroupCommand {

    @Command(name = "predict",
            description = {
                "Score the rows of a Spark SQL query with one instance on the server's Spark, writing the execution date's"
                        + " partition of the output table: the query's columns, the columns the pipeline adds, model_name,"
                        + " model_instance and scored_at. Rows the model rejects or skips go to <output>_errors.",
                "Running a date again replaces that partition and no other, so retries never duplicate rows.",
                "Waits for the job with a progress bar on stderr, then prints its row counts; exits with 1 if it failed."
            },
            footerHeading = "%nExample:%n",
            footer = {
                "  carrara batch predict --deployment eta-live --execution-date 2026-11-01 \\",
                "      --query \"SELECT * FROM ml.trips WHERE ds = '2026-11-01'\" \\",
                "      --output ml.trip_predictions"
            })
    static final class Predict extends PollingCommand {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Scorer scorer;

        @Option(names = "--query", required = true, paramLabel = "SQL", description = "The Spark SQL query whose rows to score.")
        String query;

        @Option(names = "--output", required = true, paramLabel = "TABLE", description = "The table to write, e.g. ml.trip_predictions.")
        String output;

        @Option(names = "--execution-date", required = true, paramLabel = "DATE", converter = DateConverter.class,
                description = "The date whose partition of the output the job writes, e.g. 2026-11-01.")
        LocalDate executionDate;

        @Option(names = "--columns", paramLabel = "NAME", split = ",",
                description = "Keep only these of the columns the pipeline adds, comma-separated, e.g. prediction,probability.")
        List<String> columns = new ArrayList<>();

        @Option(names = "--no-wait", description = "Print the job's id and return at once; follow it with carrara batch status ID.")
        boolean noWait;

        @Option(names = "--json", description = "Print the finished job as JSON.")
        boolean json;

        /** Exactly one of the two: picocli refuses both or neither before anything is sent. */
        static final class Scorer {
            @Option(names = "--instance", required = true, paramLabel = "UUID", description = "Score with this instance.")
            UUID instance;

            @Option(names = "--deployment", required = true, paramLabel = "NAME",
                    description = "Score with the instance this deployment serves; it must route every row to one instance.")
            String deployment;
        }

        @Override
        void execute(CarraraClient client) throws Exception {
            BatchJobRequest request = (scorer.instance != null
                    ? BatchJobRequest.ofInstance(scorer.instance, query, output, executionDate)
                    : BatchJobRequest.ofDeployment(scorer.deployment, query, output, executionDate))
                    .withColumns(columns);
            BatchJob job = client.batch().submit(request);
            if (noWait) {
                out().println(job.id());
                return;
            }
            err().println("batch job " + job.id() + " submitted; Ctrl-C stops waiting, not the job");
            try (JobBar bar = JobBar.on(err(), "batch")) {
                showProgress(bar, job);
                while (!job.finished()) {
                    pause();
                    job = client.batch().get(job.id());
                    showProgress(bar, job);
                }
            }
            if (json) {
                out().println(Display.prettyJson(job));
            } else {
                printJob(job, out());
            }
            if (job.failed()) {
                err().println("error: batch job " + job.id() + " failed: " + failure(job));
                exitCode = FAILED;
            }
        }

        private static void showProgress(JobBar bar, BatchJob job) {
            BatchJob.Progress progress = job.progress();
            if (progress == null) {
                bar.update(0, 0, job.status().wireName());
            } else {
                bar.update(progress.tasksCompleted(), progress.tasksTotal(), progress.phase());
            }
        }
    }

    @Command(name = "status", description = "Show a batch job: its status and progress, and its row counts once finished.")
    static final class Status extends ClientCommand {
        @Parameters(paramLabel = "ID", description = "The job id that carrara batch predict printed.")
        UUID id;

        @Option(names = "--json", description = "Print the job as JSON.")
        boolean json;

        @Override
        void execute(CarraraClient client) throws Exception {
            BatchJob job = client.batch().get(id);
            if (json) {
                out().println(Display.prettyJson(job));
            } else {
                printJob(job, out());
            }
        }
    }

    @Command(name = "cancel", description = "Cancel a queued or running batch job; it ends as failed (CANCELLED) and writes"
            + " no partition.")
    static final class Cancel extends ClientCommand {
        @Parameters(paramLabel = "ID", description = "The job id that carrara batch predict printed.")
        UUID id;

        @Override
        void execute(CarraraClient client) throws Exception {
            BatchJob job = client.batch().cancel(id);
            out().println("cancelling batch job " + job.id() + " (" + job.status() + "); see it end with carrara batch status "
                    + job.id());
        }
    }

    @Command(name = "list", description = "List batch jobs, newest first.")
    static final class Listing extends ClientCommand {
        @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most N jobs, 1 to 1000 (default: ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--offset", paramLabel = "N", defaultValue = "0", description = "Skip the N newest jobs.")
        int offset;

        @Option(names = "--json", description = "Print one JSON object per job and line.")
        boolean json;

        @Override
        void execute(CarraraClient client) throws Exception {
            Page<BatchJob> page = client.batch().list(limit, offset);
            if (json) {
                for (BatchJob job : page.items()) {
                    out().println(Display.jsonLine(job));
                }
            } else {
                Instant now = Instant.now();
                TextTable table = TextTable.withHeader("id", "status", "model", "output", "execution_date", "submitted_at",
                        "submitted_by", "rows_written", "elapsed");
                for (BatchJob job : page.items()) {
                    table.row(job.id(), job.status(), job.model(), job.output(), job.executionDate(), job.submittedAt(),
                            job.submittedBy(), job.result() == null ? null : job.result().rowsWritten(),
                            job.elapsed(now).map(Display::duration).orElse(null));
                }
                table.print(out());
            }
            if (page.hasMore()) {
                err().println("more jobs; see them with --offset " + page.nextOffset());
            }
        }
    }

    /** A job as name-value lines: what it scores, where it writes, and its progress or its row counts. */
    static void printJob(BatchJob job, PrintWriter out) {
        TextTable table = TextTable.keyValue()
                .row("job", job.id())
                .row("status", job.status())
                .row("model", job.model())
                .row("instance", job.instance());
        if (job.deployment() != null) {
            table.row("deployment", job.deployment());
        }
        table.row("execution_date", job.executionDate())
                .row("output", job.output())
                .row("errors", job.errors());
        if (job.workflowRun() != null) {
            table.row("workflow_run", job.workflowRun()).row("step", job.step());
        }
        if (!job.finished() && job.progress() != null) {
            BatchJob.Progress progress = job.progress();
            table.row("progress", progress.phase() + (progress.tasksTotal() > 0
                    ? " (" + progress.tasksCompleted() + "/" + progress.tasksTotal() + " tasks)" : ""));
        }
        BatchJob.Result result = job.result();
        if (result != null) {
            table.row("rows_read", result.rowsRead())
                    .row("rows_scored", result.rowsScored())
                    .row("rows_skipped", result.rowsSkipped())
                    .row("rows_failed", result.rowsFailed())
                    .row("rows_written", result.rowsWritten())
                    .row("error_rows_written", result.errorRowsWritten());
        }
        if (job.failed()) {
            table.row("error", failure(job));
        }
        table.row("submitted_at", job.submittedAt())
                .row("submitted_by", job.submittedBy())
                .row("elapsed", job.elapsed(Instant.now()).map(Display::duration).orElse(null))
                .print(out);
    }

    private static String failure(BatchJob job) {
        if (job.error() == null) {
            return "the server gave no reason; see its log";
        }
        return job.error().message() + (job.error().field() == null ? "" : " (field: " + job.error().field() + ")");
    }
}
