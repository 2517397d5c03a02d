package io.carrara.cli;

import io.carrara.api.monitoring.MonitoringSettings;
import io.carrara.client.CarraraClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code carrara monitor configure|settings}: how a deployment is monitored. */
@Command(name = "monitor", description = "Monitor deployments: declare what they predict, so that outcomes can be joined with"
        + " their predictions (carrara outcomes load).",
        subcommands = {MonitorCommand.Configure.class, MonitorCommand.Settings.class, MonitorCommand.Show.class,
            MonitorCommand.Run.class})
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
}
