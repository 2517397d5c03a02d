package io.carrara.cli;

import io.carrara.api.monitoring.MonitoringSettings;
import io.carrara.client.CarraraClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code carrara monitor configure|settings}: how a deployment is monitored. */
@Command(name = "monitor", description = "Monitor deployments: declare what they predict, so that outcomes can be joined with"
        + " their predictions (carrara outcomes load).",
        subcommands = {MonitorCommand.Configure.class, MonitorCommand.Settings.class})
final class MonitorCommand extends GroupCommand {

    @Command(name = "configure", description = "Declare what a deployment predicts (project editors).")
    static final class Configure extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "The deployment.")
        String name;

        @Option(names = "--task", required = true, paramLabel = "classification|regression",
                description = "classification: outcomes are 0 or 1 (or false/true); regression: outcomes are numbers.")
        String task;

        @Override
        void execute(CarraraClient client) {
            MonitoringSettings settings = client.monitoring().configure(name, task);
            out().println("deployment " + settings.deployment() + " is monitored as a " + settings.task());
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
                    .row("updated_at", settings.updatedAt()).row("updated_by", settings.updatedBy()).print(out());
        }
    }
}
