package io.carrara.cli;

import io.carrara.api.registry.Model;
import io.carrara.client.CarraraClient;
import io.carrara.client.ModelDefinition;
import io.carrara.spi.model.ModelRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code carrara model create|show|list|depend|undepend}. */
@Command(name = "model", description = "Create, show and list models, and manage their dependencies.",
        subcommands = {
            ModelCommand.Create.class,
            ModelCommand.Show.class,
            ModelCommand.Listing.class,
            ModelCommand.Depend.class,
            ModelCommand.Undepend.class
        })
final class ModelCommand extends GroupCommand {

    @Command(name = "create", description = "Create a model in an existing project.")
    static final class Create extends ClientCommand {
        @Parameters(paramLabel = "PROJECT/NAME", converter = ModelRefConverter.class,
                description = "The model's full name, e.g. demand/supply_rejection.")
        ModelRef model;

        @Option(names = "--description", paramLabel = "TEXT", description = "What the model predicts.")
        String description;

        @Option(names = "--owner", paramLabel = "NAME", description = "Who answers for the model.")
        String owner;

        @Option(names = "--type", paramLabel = "TYPE", description = "Kind of model, e.g. classifier or regressor.")
        String type;

        @Option(names = "--feature", paramLabel = "NAME", description = "An input feature; repeat for several.")
        List<String> features = new ArrayList<>();

        @Option(names = "--hyperparameter", paramLabel = "KEY=VALUE", description = "A hyperparameter; repeat for several.")
        Map<String, String> hyperparameters = new LinkedHashMap<>();

        @Option(names = "--tag", paramLabel = "TAG", description = "A tag; repeat for several.")
        List<String> tags = new ArrayList<>();

        @Option(names = "--previous", paramLabel = "PROJECT/NAME", converter = ModelRefConverter.class,
                description = "The model this one evolves from.")
        ModelRef previous;

        @Option(names = "--depends-on", paramLabel = "PROJECT/NAME", converter = ModelRefConverter.class,
                description = "An upstream model whose new instances rebuild this one; repeat for several.")
        List<ModelRef> dependsOn = new ArrayList<>();

        @Override
        void execute(CarraraClient client) {
            ModelDefinition definition = ModelDefinition.builder()
                    .description(description)
                    .owner(owner)
                    .type(type)
                    .features(features)
                    .hyperparameters(hyperparameters)
                    .tags(tags)
                    .previousModel(previous)
                    .dependsOn(dependsOn)
                    .build();
            Model created = client.models().create(model, definition);
            out().println("created model " + created.fullName());
        }
    }

    @Command(name = "show", description = "Show a model's definition, evolution and dependencies.")
    static final class Show extends ClientCommand {
        @Parameters(paramLabel = "PROJECT/NAME", converter = ModelRefConverter.class, description = "The model.")
        ModelRef model;

        @Override
        void execute(CarraraClient client) {
            Model shown = client.models().get(model);
            TextTable.keyValue()
                    .row("model", shown.fullName())
                    .row("description", shown.description())
                    .row("owner", shown.owner())
                    .row("type", shown.type())
                    .row("features", String.join(", ", shown.features()))
                    .row("hyperparameters", Display.keyValues(shown.hyperparameters()))
                    .row("tags", String.join(", ", shown.tags()))
                    .row("previous_model", shown.previousModel())
                    .row("next_models", String.join(", ", shown.nextModels()))
                    .row("depends_on", String.join(", ", shown.dependsOn()))
                    .row("dependents", String.join(", ", shown.dependents()))
                    .row("created_at", shown.createdAt())
                    .row("created_by", shown.createdBy())
                    .print(out());
        }
    }

    @Command(name = "list", description = "List the models of a project.")
    static final class Listing extends ClientCommand {
        @Parameters(paramLabel = "PROJECT", description = "The project.")
        String project;

        @Override
        void execute(CarraraClient client) {
            TextTable table = TextTable.withHeader("model", "type", "owner", "depends_on", "created_at", "description");
            for (Model model : client.models().list(project)) {
                table.row(model.fullName(), model.type(), model.owner(), String.join(",", model.dependsOn()),
                        model.createdAt(), model.description());
            }
            table.print(out());
        }
    }

    @Command(name = "depend", description = "Make a model depend on an upstream model.")
    static final class Depend extends ClientCommand {
        @Parameters(paramLabel = "PROJECT/NAME", converter = ModelRefConverter.class, description = "The downstream model.")
        ModelRef model;

        @Option(names = "--on", required = true, paramLabel = "PROJECT/NAME", converter = ModelRefConverter.class,
                description = "The upstream model.")
        ModelRef upstream;

        @Override
        void execute(CarraraClient client) {
            Model updated = client.models().addDependency(model, upstream);
            out().println(updated.fullName() + " depends on " + String.join(", ", updated.dependsOn()));
        }
    }

    @Command(name = "undepend", description = "Remove a model's dependency on an upstream model.")
    static final class Undepend extends ClientCommand {
        @Parameters(paramLabel = "PROJECT/NAME", converter = ModelRefConverter.class, description = "The downstream model.")
        ModelRef model;

        @Option(names = "--on", required = true, paramLabel = "PROJECT/NAME", converter = ModelRefConverter.class,
                description = "The upstream model.")
        ModelRef upstream;

        @Override
        void execute(CarraraClient client) {
            Model updated = client.models().removeDependency(model, upstream);
            out().println(updated.fullName() + " no longer depends on " + upstream
                    + (updated.dependsOn().isEmpty() ? "" : "; it depends on " + String.join(", ", updated.dependsOn())));
        }
    }
}
