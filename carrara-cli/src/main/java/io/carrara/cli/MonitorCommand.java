package io.carrara.cli;

import io.carrara.api.monitoring.MonitoringSettings;
import io.carrara.client.CarraraClient;
import io.carrara.monitoring.OutcomeKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code carrara monitor configure|settings}: how a deployment is monitored. */
@Command(name = "monitor", description = "Monitor deployments: declare what they predict, so that outcomes can be joined with"
        + " their predictions (carrara outcomes load).",
        subcommands = {MonitorCommand.Configure.class, MonitorCommand.Settings.class, MonitorCommand.Show.class,
            MonitorCommand.Run.class, MonitorCommand.Skew.class, MonitorCommand.Export.class, MonitorCommand.Compute.class})
final class MonitorCommand extends GroupCommand {

    @Command(name = "configure", description = "Declare what a deployment predicts (project editors).")
    static final class Configure extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "The deployment.")
        String name;

        @Option(names = "--task", required = true, paramLabel = "classification|regression",
                description = "classification: outcomes are 0 or 1 (or false/true); regression: outcomes are numbers.")
        String task;

        @Option(names = "--alert", paramLabel = "'METRIC OP NUMBER'",
                description = "Raise an alert to the project's alert webhooks when a window's metric crosses this, e.g. 'auc < 0.7'"
                        + " or 'drift.psi.max > 0.25' (repeat; replaces the deployment's thresholds).")
        java.util.List<String> alerts = new java.util.ArrayList<>();

        @Option(names = "--outcome-key", paramLabel = "FIELD",
                description = "An input field (such as trip_id) that outcomes may name instead of the prediction id: an outcome"
                        + " then belongs to the latest logged prediction with that key made within the lookback before it.")
        String outcomeKey;

        @Option(names = "--lookback", paramLabel = "DURATION",
                description = "How long before its outcome a keyed prediction may have been made: 1h to 366d (default: 14d).")
        String lookback;

        @Option(names = "--window", paramLabel = "SIZE",
                description = "A window size to compute: 5m to 1d, dividing a day (repeat; default: 1d and 1h). The longest"
                        + " window's metrics carry their plain names (auc), the others' have the size appended (auc.1h).")
        java.util.List<String> windows = new java.util.ArrayList<>();

        @Override
        void execute(CarraraClient client) {
            MonitoringSettings settings = client.monitoring().configure(name, new io.carrara.api.monitoring.MonitoringSettingsRequest(
                    task, alerts.isEmpty() ? null : alerts, outcomeKey, lookback, windows.isEmpty() ? null : windows));
            out().println("deployment " + settings.deployment() + " is monitored as a " + settings.task() + " over "
                    + String.join(" and ", settings.windows()) + " windows"
                    + (settings.outcomeKey() == null ? "" : ", outcomes keyed by " + settings.outcomeKey() + " within "
                            + settings.lookback())
                    + (settings.alerts().isEmpty() ? "" : ", alerting when " + String.join(" or ", settings.alerts())));
        }
    }

    @Command(name = "settings", description = "Show how a deployment is monitored.")
    static final class Settings extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "The deployment.")
        String name;

        @Override
        void execute(CarraraClient client) {
            MonitoringSettings settings = client.monitoring().settings(name);
            TextTable.keyValue().row("deployment", settings.deployment()).row("task", settings.task())
                    .row("alerts", settings.alerts().isEmpty() ? "-" : String.join("; ", settings.alerts()))
                    .row("windows", String.join(", ", settings.windows()))
                    .row("outcome_key", settings.outcomeKey() == null ? "-" : settings.outcomeKey())
                    .row("lookback", settings.lookback())
                    .row("updated_at", settings.updatedAt()).row("updated_by", settings.updatedBy()).print(out());
        }
    }

    @Command(name = "run", description = {"Join the outcomes received so far with the prediction log and compute the windows",
        "they touch now, for every monitored deployment (server admins); the server also does it every monitoring.runSeconds."})
    static final class Run extends ClientCommand {
        @Override
        void execute(CarraraClient client) {
            java.util.Map<String, Integer> done = client.monitoring().run().windowsByDeployment();
            if (done.isEmpty()) {
                out().println("no deployment is monitored (carrara monitor configure NAME --task ...)");
            }
            done.forEach((deployment, windows) -> out().println(deployment + ": " + windows + " window" + (windows == 1 ? "" : "s")
                    + " computed"));
        }
    }

    @Command(name = "show", description = "Show a deployment's quality per window, newest last, with the change from the"
            + " instance's previous window.")
    static final class Show extends ClientCommand {
        private static final java.util.List<String> CLASSIFICATION = java.util.List.of("accuracy", "precision", "recall", "f1", "auc",
                "log_loss", "brier", "positive_rate");
        private static final java.util.List<String> REGRESSION = java.util.List.of("rmse", "mae", "mape", "r2", "rmsle");

        @Parameters(paramLabel = "NAME", description = "The deployment.")
        String name;

        @Option(names = "--window", paramLabel = "SIZE", description = "One of the deployment's window sizes (default: its"
                + " longest, 1d unless configured otherwise).")
        String window;

        @Option(names = "--from", paramLabel = "TIME", description = "The first window start shown (ISO-8601; default: 30 days ago).")
        java.time.Instant from;

        @Option(names = "--to", paramLabel = "TIME", description = "Windows starting before this time (default: now).")
        java.time.Instant to;

        @Override
        void execute(CarraraClient client) {
            io.carrara.api.monitoring.MonitoringSeries series = client.monitoring().series(name, window, from, to);
            java.util.List<String> metrics = series.task().equals("regression") ? REGRESSION : CLASSIFICATION;
            out().println("deployment " + series.deployment() + " (" + series.task() + "), " + series.window() + " windows from "
                    + series.from() + " to " + series.to() + ":");
            if (series.windows().isEmpty()) {
                out().println("no window has joined outcomes yet: carrara outcomes load " + name + " FILE, then wait for the next run"
                        + " (or carrara monitor run)");
                return;
            }
            java.util.List<String> header = new java.util.ArrayList<>(java.util.List.of("window_start", "instance", "rows"));
            header.addAll(metrics);
            TextTable table = TextTable.withHeader(header.toArray(String[]::new));
            java.util.Map<java.util.UUID, java.util.Map<String, Double>> previous = new java.util.HashMap<>();
            for (io.carrara.api.monitoring.MonitoringWindow shown : series.windows()) {
                java.util.List<Object> row = new java.util.ArrayList<>();
                row.add(shown.windowStart());
                row.add(shown.instance());
                row.add(shown.metrics().containsKey("rows") ? String.format(java.util.Locale.ROOT, "%.0f", shown.metrics().get("rows")) : "-");
                java.util.Map<String, Double> before = previous.get(shown.instance());
                for (String metric : metrics) {
                    Double value = shown.metrics().get(metric);
                    Double earlier = before == null ? null : before.get(metric);
                    row.add(value == null ? "-" : String.format(java.util.Locale.ROOT, "%.4f", value)
                            + (earlier == null ? "" : String.format(java.util.Locale.ROOT, " (%+.4f)", value - earlier)));
                }
                table.row(row.toArray());
                previous.put(shown.instance(), shown.metrics());
            }
            table.print(out());
        }
    }

    @Command(name = "skew", description = {"Compare what a deployment logged online with what a batch job used and predicted for",
        "the same keys: the rows of --table for --date (execution_date) against the predictions logged that day (UTC), matched",
        "by the deployment's outcome key (or --key); per column (each input and output field logged), the share of matched",
        "keys whose values disagree and the largest differences. Exit status 1 when no key is on both sides."})
    static final class Skew extends ClientCommand {
        private static final int PAGE = 10_000;
        private static final int MAX_LOGGED = 2_000_000;
        private static final com.fasterxml.jackson.databind.ObjectMapper JSON = io.carrara.client.CarraraJson.newObjectMapper();

        @Parameters(paramLabel = "NAME", description = "The deployment.")
        String name;

        @Option(names = "--table", required = true, paramLabel = "DATABASE.TABLE",
                description = "The batch job's output table (carrara batch predict --output).")
        String table;

        @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", description = "The execution date of the table's rows.")
        java.time.LocalDate date;

        @Option(names = "--key", paramLabel = "FIELD", description = "The input field matching both sides (default: the"
                + " deployment's outcome key).")
        String key;

        @Option(names = "--where", paramLabel = "CONDITION", description = "Only the table's rows also matching this Spark SQL"
                + " condition.")
        String where;

        @Option(names = "--logged-from", paramLabel = "TIME", description = "The first logged predictions compared (ISO-8601;"
                + " default: the date's midnight UTC).")
        java.time.Instant loggedFrom;

        @Option(names = "--logged-to", paramLabel = "TIME", description = "Logged predictions made before this (default: a day"
                + " after --logged-from).")
        java.time.Instant loggedTo;

        @Option(names = "--tolerance", paramLabel = "X", description = "Numbers agree within this, relative to the larger (absolute"
                + " below 1; default: 1e-9).")
        double tolerance = 1e-9;

        @Option(names = "--largest", paramLabel = "N", description = "The largest differences shown per column (default: 3).")
        int largest = 3;

        @Override
        void execute(CarraraClient client) throws Exception {
            if (largest < 0 || largest > 100 || !(tolerance >= 0) || !Double.isFinite(tolerance)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), largest < 0 || largest > 100
                        ? "--largest must be 0 to 100" : "--tolerance must be a finite number of at least 0");
            }
            String field = key != null ? key : client.monitoring().settings(name).outcomeKey();
            if (field == null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "deployment " + name + " has no outcome key:"
                        + " give --key FIELD (the input field both sides share), or declare one with carrara monitor configure "
                        + name + " --outcome-key FIELD");
            }
            java.time.Instant from = loggedFrom != null ? loggedFrom : date.atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
            java.time.Instant to = loggedTo != null ? loggedTo : from.plus(java.time.Duration.ofDays(1));
            if (!from.isBefore(to)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--logged-from must be before --logged-to");
            }
            io.carrara.monitoring.skew.SkewComparison skew = new io.carrara.monitoring.skew.SkewComparison(tolerance, largest);
            long unkeyed = readLogged(client, skew, field, from, to);
            String condition = "execution_date = '" + date + "'" + (where == null || where.isBlank() ? "" : " AND (" + where + ")");
            long batchUnkeyed = 0;
            try (TableRowsFile rows = TableRowsFile.export(client, table, java.util.Optional.of(condition));
                    java.io.BufferedReader reader = java.nio.file.Files.newBufferedReader(rows.file())) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.isBlank()) {
                        continue;
                    }
                    com.fasterxml.jackson.databind.JsonNode row = JSON.readTree(line);
                    String value = OutcomeKeys.text(row.get(field)).orElse(null);
                    if (value == null) {
                        batchUnkeyed++;
                    } else {
                        skew.batch(value, row);
                    }
                }
            }
            print(skew.report(), field, from, to, unkeyed, batchUnkeyed);
        }

        /** Pages through the logged predictions, oldest first; answers how many had no key. */
        private long readLogged(CarraraClient client, io.carrara.monitoring.skew.SkewComparison skew, String field,
                java.time.Instant from, java.time.Instant to) {
            long unkeyed = 0;
            long read = 0;
            java.time.Instant since = from;
            java.util.Set<String> atSince = new java.util.HashSet<>();
            while (true) {
                java.util.List<io.carrara.api.predict.LoggedPrediction> page = client.deployments().loggedPredictions(name, since, to, PAGE);
                int fresh = 0;
                for (io.carrara.api.predict.LoggedPrediction prediction : page) {
                    if (prediction.createdAt().equals(since) && !atSince.add(prediction.id())) {
                        continue;   // the next page starts at the last one's time: those logged then come again
                    }
                    fresh++;
                    com.fasterxml.jackson.databind.JsonNode input = JSON.valueToTree(prediction.input());
                    String value = OutcomeKeys.text(input.get(field)).orElse(null);
                    if (value == null) {
                        unkeyed++;
                    } else {
                        skew.online(value, input, JSON.valueToTree(prediction.output()));
                    }
                    if (++read > MAX_LOGGED) {
                        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "more than " + MAX_LOGGED + " predictions"
                                + " were logged from " + from + " to " + to + "; compare a shorter span with --logged-from and --logged-to");
                    }
                }
                if (page.size() < PAGE) {
                    return unkeyed;
                }
                java.time.Instant last = page.get(page.size() - 1).createdAt();
                if (fresh == 0) {
                    throw new IllegalStateException("more than " + PAGE + " predictions were logged at " + last + "; cannot page past them");
                }
                if (!last.equals(since)) {
                    atSince.clear();
                    page.stream().filter(prediction -> prediction.createdAt().equals(last)).forEach(prediction -> atSince.add(prediction.id()));
                }
                since = last;
            }
        }

        private void print(io.carrara.monitoring.skew.SkewReport report, String field, java.time.Instant from, java.time.Instant to,
                long unkeyed, long batchUnkeyed) {
            out().println("skew of " + name + " against " + table + " for " + date + ", matched by " + field + ":");
            out().println("  online: " + report.onlineRows() + " logged predictions of " + report.onlineKeys() + " keys from " + from
                    + " to " + to + (unkeyed == 0 ? "" : " (" + unkeyed + " more without " + field + ")"));
            out().println("  batch: " + report.batchRows() + " rows of " + report.batchKeys() + " keys"
                    + (batchUnkeyed == 0 ? "" : " (" + batchUnkeyed + " more without " + field + ")")
                    + (report.duplicateBatchRows() == 0 ? "" : ", " + report.duplicateBatchRows() + " after their key's first"));
            out().println("  " + report.matchedKeys() + " keys on both sides, " + report.onlineOnlyKeys() + " online only, "
                    + report.batchOnlyKeys() + " batch only");
            if (report.matchedKeys() == 0) {
                err().println("no key is on both sides: check --key, --date and --logged-from/--logged-to");
                exitCode = FAILED;
                return;
            }
            TextTable columns = TextTable.withHeader("column", "side", "compared", "mismatches", "rate", "max_diff", "largest differences"
                    + " (key: online vs batch)");
            for (io.carrara.monitoring.skew.SkewReport.ColumnSkew column : report.columns()) {
                if (column.name().equals(field)) {
                    continue;
                }
                String examples = String.join("; ", column.largest().stream().map(difference -> difference.key() + ": "
                        + shown(difference.online()) + " vs " + shown(difference.batch())).toList());
                columns.row(column.name(), column.side(), column.compared() + (column.absent() == 0 ? "" : " (" + column.absent()
                        + " not in the table)"), column.mismatches(), String.format(java.util.Locale.ROOT, "%.4f", column.mismatchRate()),
                        column.maxDifference() == null ? "-" : String.format(java.util.Locale.ROOT, "%.6g", column.maxDifference()),
                        examples.isEmpty() ? "-" : examples);
            }
            columns.print(out());
        }

        private static String shown(com.fasterxml.jackson.databind.JsonNode value) {
            String text = value == null ? "absent" : value.toString();
            return text.length() > 40 ? text.substring(0, 40) + "…" : text;
        }
    }

    /** The options of a Spark job over a prediction log table: the deployment, the table and the dates. */
    abstract static class LogTableCommand extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "The deployment.")
        String name;

        @Option(names = "--table", required = true, paramLabel = "DATABASE.TABLE", description = "The prediction log table.")
        String table;

        @Option(names = "--from", required = true, paramLabel = "YYYY-MM-DD", description = "The first date (UTC).")
        java.time.LocalDate from;

        @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "The last date (default: --from; at most 31 days).")
        java.time.LocalDate to;

        java.time.LocalDate last() {
            return to != null ? to : from;
        }
    }

    @Command(name = "export", description = {"Write a deployment's prediction log of some dates (UTC), each prediction with its",
        "outcome when one has been joined, into a table of the server's catalog, partitioned by deployment and date; the",
        "dates written are replaced. For Spark SQL over the log, and for carrara monitor compute."})
    static final class Export extends LogTableCommand {
        @Override
        void execute(CarraraClient client) {
            io.carrara.api.monitoring.PredictionLogExport exported = client.monitoring().export(name, table, from, last());
            long rows = exported.rowsByDate().values().stream().mapToLong(Long::longValue).sum();
            out().println("exported " + rows + " logged prediction" + (rows == 1 ? "" : "s") + " of " + name + " into "
                    + exported.table() + ":");
            TextTable dates = TextTable.withHeader("date", "rows");
            exported.rowsByDate().forEach(dates::row);
            dates.print(out());
        }
    }

    @Command(name = "compute", description = {"Compute a deployment's windows of some dates (UTC) on Spark from a prediction log",
        "table (carrara monitor export writes one) and record them as the server's monitor does: for volumes the",
        "registry database should not carry, or to compute past windows again."})
    static final class Compute extends LogTableCommand {
        @Override
        void execute(CarraraClient client) {
            io.carrara.api.monitoring.MonitoringComputation computed = client.monitoring().compute(name, table, from, last());
            out().println(name + ": " + computed.windows() + " window" + (computed.windows() == 1 ? "" : "s") + " computed on Spark from "
                    + computed.rows() + " logged prediction" + (computed.rows() == 1 ? "" : "s") + " in " + computed.table() + " ("
                    + computed.from() + " to " + computed.to() + ")");
        }
    }
}
