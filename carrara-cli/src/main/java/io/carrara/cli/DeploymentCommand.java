package io.carrara.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.api.deploy.Deployment;
import io.carrara.api.deploy.DeploymentRevision;
import io.carrara.api.deploy.FeatureLookup;
import io.carrara.api.deploy.Routing;
import io.carrara.api.predict.LoggedPrediction;
import io.carrara.client.CarraraClient;
import io.carrara.client.CarraraJson;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code carrara deployment list|show|history|predictions|access|undeploy}. */
@Command(name = "deployment", description = "List, inspect, trace and remove deployments (create them with carrara deploy).",
        subcommands = {
            DeploymentCommand.Listing.class,
            DeploymentCommand.Show.class,
            DeploymentCommand.History.class,
            DeploymentCommand.Predictions.class,
            DeploymentCommand.Access.class,
            DeploymentCommand.Undeploy.class
        })
final class DeploymentCommand extends GroupCommand {

    @Command(name = "list", description = "List the current deployments by name.")
    static final class Listing extends ClientCommand {
        @Override
        void execute(CarraraClient client) {
            TextTable table = TextTable.withHeader("name", "model", "routing", "revision", "updated_at", "updated_by");
            for (Deployment deployment : client.deployments().list()) {
                table.row(deployment.name(), deployment.model(), routingSummary(deployment.routing()), deployment.revision(), deployment.updatedAt(),
                        deployment.updatedBy());
            }
            table.print(out());
        }
    }

    @Command(name = "show", description = "Show a deployment: model, routing, feature lookups, logging.")
    static final class Show extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "The deployment.")
        String name;

        @Option(names = "--json", description = "Print the deployment as JSON.")
        boolean json;

        @Override
        void execute(CarraraClient client) throws Exception {
            Deployment deployment = client.deployments().get(name);
            if (json) {
                ObjectMapper mapper = CarraraJson.newObjectMapper();
                out().println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(deployment));
                return;
            }
            TextTable table = TextTable.keyValue()
                    .row("name", deployment.name())
                    .row("model", deployment.model())
                    .row("routing", deployment.routing().type());
            if (deployment.routing() instanceof Routing.Partitioned partitioned) {
                table.row("partition_by", partitioned.field());
                partitioned.instances().forEach((value, id) -> table.row("instance." + value, id));
                table.row("default", partitioned.fallback());
            } else if (deployment.routing() instanceof Routing.Pinned pinned) {
                table.row("instance", pinned.instance());
            }
            for (FeatureLookup lookup : deployment.features()) {
                table.row("features." + lookup.group(), lookup.key() + ": " + String.join(",", lookup.features()));
            }
            table.row("missing_features", deployment.missingFeatures().wireName())
                    .row("log_sample_rate", deployment.logSampleRate())
                    .row("outputs", deployment.outputs().isEmpty() ? "every column the model adds"
                            : String.join(",", deployment.outputs()))
                    .row("revision", deployment.revision())
                    .row("updated_at", deployment.updatedAt())
                    .row("updated_by", deployment.updatedBy())
                    .print(out());
        }
    }

    @Command(name = "history", description = "List every revision of a deployment, oldest first, undeploys and refused"
            + " changes included.")
    static final class History extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "The deployment.")
        String name;

        @Override
        void execute(CarraraClient client) {
            TextTable table = TextTable.withHeader("revision", "action", "changed_at", "changed_by", "changed", "routing");
            List<DeploymentRevision> revisions = client.deployments().history(name);
            for (DeploymentRevision revision : revisions) {
                table.row(revision.revision(), revision.action().wireName(), revision.changedAt(), revision.changedBy(),
                        revision.changed().isEmpty() ? "-" : String.join(",", revision.changed()),
                        routingSummary(revision.routing()));
            }
            table.print(out());
            for (DeploymentRevision revision : revisions) {
                if (revision.reason() != null) {
                    out().println("revision " + revision.revision() + " was refused: " + revision.reason());
                }
            }
        }
    }

    @Command(name = "predictions", description = "Print a deployment's logged predictions as JSON Lines, oldest first.")
    static final class Predictions extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "The deployment.")
        String name;

        @Option(names = "--from", paramLabel = "INSTANT", description = "Logged at or after this ISO-8601 instant (default: 24 hours before --to).")
        java.time.Instant from;

        @Option(names = "--to", paramLabel = "INSTANT", description = "Logged before this ISO-8601 instant (default: now).")
        java.time.Instant to;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N predictions, 1 to 10000 (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        void execute(CarraraClient client) {
            ObjectMapper json = CarraraJson.newObjectMapper();
            for (LoggedPrediction prediction : client.deployments().loggedPredictions(name, from, to, limit)) {
                try {
                    out().println(json.writeValueAsString(prediction));
                } catch (JsonProcessingException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    @Command(name = "access", description = "Show whether a deployment takes predictions without a token, or change it"
            + " (the manage role in its project).")
    static final class Access extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "The deployment.")
        String name;

        @picocli.CommandLine.Option(names = "--anonymous-predictions", paramLabel = "true|false", arity = "1",
                description = "true: anyone who reaches the server may predict with it (REST and the Open Inference"
                        + " Protocol) without a token; false: only members of its project")
        Boolean anonymous;

        @Override
        void execute(CarraraClient client) {
            io.carrara.api.access.DeploymentAccess access = anonymous == null ? client.access().deploymentAccess(name)
                    : client.access().setAnonymousPredictions(name, anonymous);
            out().println(name + ": predictions " + (Boolean.TRUE.equals(access.anonymousPredictions())
                    ? "open to anyone, without a token" : "need a token with the use role in its project")
                    + (access.changedBy() == null ? "" : " (set by " + access.changedBy() + " at " + access.changedAt() + ")"));
        }
    }

    @Command(name = "undeploy", description = "Remove a deployment; its history stays.")
    static final class Undeploy extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "The deployment.")
        String name;

        @Override
        void execute(CarraraClient client) {
            DeploymentRevision revision = client.deployments().undeploy(name);
            out().println("undeployed " + revision.name() + " (revision " + revision.revision() + ")");
        }
    }

    /** One line: {@code demand/eta, instance <uuid>} or {@code demand/eta, by city: nyc=<uuid>, default <uuid>}. */
    static String describeRouting(String model, Routing routing) {
        if (routing instanceof Routing.Partitioned partitioned) {
            return model + ", by " + partitioned.field() + ": " + partitioned.instances().entrySet().stream()
                    .map(entry -> entry.getKey() + "=" + entry.getValue()).collect(Collectors.joining(", "))
                    + ", default " + partitioned.fallback();
        }
        return model + ", instance " + (routing instanceof Routing.Pinned pinned ? pinned.instance() : null);
    }

    private static String routingSummary(Routing routing) {
        if (routing instanceof Routing.Partitioned partitioned) {
            return "by " + partitioned.field() + " (" + partitioned.instances().size() + " values + default)";
        }
        return "instance " + (routing instanceof Routing.Pinned pinned ? pinned.instance() : null);
    }
}
