package io.carrara.cli;

import io.carrara.api.access.Member;
import io.carrara.api.access.Role;
import io.carrara.api.registry.Project;
import io.carrara.client.CarraraClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code carrara project create|list|grant|revoke|members|alert-webhook}. */
@Command(name = "project", description = "Create and list projects, the namespaces of models, and manage who may do"
        + " what in them.",
        subcommands = {
            ProjectCommand.Create.class,
            ProjectCommand.Listing.class,
            ProjectCommand.Grant.class,
            ProjectCommand.Revoke.class,
            ProjectCommand.Members.class,
            ProjectCommand.AlertWebhooks.class
        })
final class ProjectCommand extends GroupCommand {

    @Command(name = "create", description = "Create a project.")
    static final class Create extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "Project name: letters, digits, '_', '.', '-'.")
        String name;

        @Option(names = "--description", paramLabel = "TEXT", description = "What the project is for.")
        String description;

        @Override
        void execute(CarraraClient client) {
            Project project = client.projects().create(name, description);
            out().println("created project " + project.name());
        }
    }

    @Command(name = "list", description = "List projects.")
    static final class Listing extends ClientCommand {
        @Override
        void execute(CarraraClient client) {
            TextTable table = TextTable.withHeader("name", "created_at", "created_by", "description");
            for (Project project : client.projects().list()) {
                table.row(project.name(), project.createdAt(), project.createdBy(), project.description());
            }
            table.print(out());
        }
    }

    @Command(name = "grant", description = "Give a user or a group a role in a project, replacing the one it had: read"
            + " (browse, download) < use (predict) < edit (create, upload, deploy) < manage (grant roles, undeploy).")
    static final class Grant extends ClientCommand {
        @Parameters(index = "0", paramLabel = "PROJECT", description = "The project.")
        String project;

        @Parameters(index = "1", paramLabel = "PRINCIPAL", description = "A user name, or group:NAME for a group.")
        String principal;

        @Parameters(index = "2", paramLabel = "ROLE", converter = TokenCommand.RoleConverter.class,
                description = "read, use, edit or manage.")
        Role role;

        @Override
        void execute(CarraraClient client) {
            Member member = client.access().grant(project, principal, role);
            out().println("granted " + member.role().wireName() + " on " + member.project() + " to " + member.principal());
        }
    }

    @Command(name = "revoke", description = "Remove a user's or a group's role in a project.")
    static final class Revoke extends ClientCommand {
        @Parameters(index = "0", paramLabel = "PROJECT", description = "The project.")
        String project;

        @Parameters(index = "1", paramLabel = "PRINCIPAL", description = "A user name, or group:NAME for a group.")
        String principal;

        @Override
        void execute(CarraraClient client) {
            Member member = client.access().revoke(project, principal);
            out().println("revoked " + member.role().wireName() + " on " + member.project() + " from " + member.principal());
        }
    }

    @Command(name = "members", description = "List who has which role in a project.")
    static final class Members extends ClientCommand {
        @Parameters(paramLabel = "PROJECT", description = "The project.")
        String project;

        @Override
        void execute(CarraraClient client) {
            TextTable table = TextTable.withHeader("principal", "role", "granted_at", "granted_by");
            for (Member member : client.access().members(project)) {
                table.row(member.principal(), member.role().wireName(), member.grantedAt(), member.grantedBy());
            }
            table.print(out());
        }
    }

    @Command(name = "alert-webhook", description = {"Where a project's alerts go: rules' alert actions about its models are",
        "POSTed to each webhook that takes their severity, signed in the Standard Webhooks layout with the webhook's secret."},
            subcommands = {AlertWebhooks.Add.class, AlertWebhooks.Listing.class, AlertWebhooks.Remove.class, AlertWebhooks.Test.class})
    static final class AlertWebhooks extends GroupCommand {
        @Command(name = "add", description = {"Add an alert webhook (project managers). Prints its secret once: keep it to",
            "verify the webhook-signature header (HMAC-SHA256 over id.timestamp.body)."})
        static final class Add extends ClientCommand {
            @Parameters(index = "0", paramLabel = "PROJECT", description = "The project.")
            String project;

            @Parameters(index = "1", paramLabel = "URL", description = "The https address alerts are POSTed to.")
            String url;

            @Option(names = "--min-severity", paramLabel = "info|warning|critical",
                    description = "The least severe alert it takes (default: warning).")
            String minSeverity;

            @Override
            void execute(CarraraClient client) {
                io.carrara.api.alerts.AlertWebhook webhook = client.projects().addAlertWebhook(project, url, minSeverity);
                out().println("added alert webhook " + webhook.id() + " of project " + webhook.project() + ": " + webhook.url()
                        + " (" + webhook.minSeverity() + " and worse)");
                out().println("secret: " + webhook.secret());
                err().println("the secret is not shown again: keep it where the receiver can read it");
            }
        }

        @Command(name = "list", description = "List a project's alert webhooks.")
        static final class Listing extends ClientCommand {
            @Parameters(paramLabel = "PROJECT", description = "The project.")
            String project;

            @Override
            void execute(CarraraClient client) {
                TextTable table = TextTable.withHeader("id", "url", "min_severity", "created_at", "created_by");
                for (io.carrara.api.alerts.AlertWebhook webhook : client.projects().alertWebhooks(project)) {
                    table.row(webhook.id(), webhook.url(), webhook.minSeverity(), webhook.createdAt(), webhook.createdBy());
                }
                table.print(out());
            }
        }

        @Command(name = "remove", description = "Remove an alert webhook.")
        static final class Remove extends ClientCommand {
            @Parameters(index = "0", paramLabel = "PROJECT", description = "The project.")
            String project;

            @Parameters(index = "1", paramLabel = "ID", description = "The webhook's id (carrara project alert-webhook list).")
            long id;

            @Override
            void execute(CarraraClient client) {
                out().println("removed alert webhook " + id + ": " + client.projects().removeAlertWebhook(project, id).url());
            }
        }

        @Command(name = "test", description = "Post a test alert (severity info) to an alert webhook and say what came of it.")
        static final class Test extends ClientCommand {
            @Parameters(index = "0", paramLabel = "PROJECT", description = "The project.")
            String project;

            @Parameters(index = "1", paramLabel = "ID", description = "The webhook's id (carrara project alert-webhook list).")
            long id;

            @Override
            void execute(CarraraClient client) {
                io.carrara.api.alerts.AlertDelivery delivery = client.projects().testAlertWebhook(project, id);
                if (!delivery.delivered()) {
                    throw new io.carrara.spi.error.CarraraException(io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT,
                            "the test alert was not delivered to " + delivery.url() + ": " + delivery.detail(), "url");
                }
                out().println("delivered a test alert to " + delivery.url() + ": " + delivery.detail());
            }
        }
    }
}
