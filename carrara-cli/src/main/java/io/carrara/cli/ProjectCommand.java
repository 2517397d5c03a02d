package io.carrara.cli;

import io.carrara.api.registry.Project;
import io.carrara.client.CarraraClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code carrara project create|list}. */
@Command(name = "project", description = "Create and list projects, the namespaces of models.",
        subcommands = {ProjectCommand.Create.class, ProjectCommand.Listing.class})
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
}
