package io.carrara.cli;

import io.carrara.api.access.Member;
import io.carrara.api.access.Role;
import io.carrara.api.registry.Project;
import io.carrara.client.CarraraClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code carrara project create|list|grant|revoke|members}. */
@Command(name = "project", description = "Create and list projects, the namespaces of models, and manage who may do"
        + " what in them.",
        subcommands = {
            ProjectCommand.Create.class,
            ProjectCommand.Listing.class,
            ProjectCommand.Grant.class,
            ProjectCommand.Revoke.class,
            ProjectCommand.Members.class
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
}
