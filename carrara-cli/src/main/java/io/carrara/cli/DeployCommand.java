package io.carrara.cli;

import io.carrara.api.deploy.Deployment;
import io.carrara.api.deploy.DeploymentDefinition;
import io.carrara.api.deploy.FeatureLookup;
import io.carrara.client.CarraraClient;
import io.carrara.spi.model.ModelRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code carrara deploy NAME ...}: create a deployment or replace its configuration as a new revision. */
@Command(name = "deploy",
        description = {
            "Deploy instances of a model under a name, or replace that deployment's configuration (a new revision).",
            "Route one of three ways:",
            "  --instance UUID                                          every row to one instance",
            "  --model P/M --latest                                     the newest non-deprecated instance, now",
            "  --partition-by city --instance nyc=UUID ... --default UUID   by the row's value of city",
            "Or follow selection rules (server admins), re-selected as instances come and go and metrics are recorded",
            "(carrara rules followers; undeploy or carrara rules unfollow to stop):",
            "  --rule RULE                                              every row to what RULE selects",
            "  --partition-by city --rule nyc=RULE1 ... --rule RULE     per-city champions, RULE for any other value",
            "Options left out take their defaults, not the deployment's previous values."
        })
final class DeployCommand extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "The deployment's name, e.g. fraud-scorer.")
    String name;

    @Option(names = "--instance", paramLabel = "UUID|VALUE=UUID",
            description = "The instance to serve; with --partition-by, VALUE=UUID for each value (repeat).")
    List<String> instances = new ArrayList<>();

    @Option(names = "--model", paramLabel = "PROJECT/NAME", converter = ModelRefConverter.class,
            description = "The model served; required with --latest, else taken from the instance.")
    ModelRef model;

    @Option(names = "--latest", description = "Serve the model's newest instance that is not deprecated.")
    boolean latest;

    @Option(names = "--partition-by", paramLabel = "FIELD", description = "Route each row by its value of FIELD.")
    String partitionBy;

    @Option(names = "--default", paramLabel = "UUID",
            description = "With --partition-by: the instance for any other value, a missing field or null.")
    UUID fallback;

    @Option(names = "--features", paramLabel = "GROUP:KEY:F1,F2",
            description = "Join features F1,F2 of GROUP, looked up by the row's KEY field, into each row (repeat).")
    List<String> features = new ArrayList<>();

    @Option(names = "--missing-features", paramLabel = "null|reject",
            description = "A row whose lookup finds nothing gets nulls (default) or is rejected with a 4xx.")
    String missingFeatures;

    @Option(names = "--log-sample-rate", paramLabel = "RATE",
            description = "Share of predictions written to the prediction log, 0 (default) to 1.")
    Double logSampleRate;

    @Option(names = "--outputs", paramLabel = "COL1,COL2", split = ",",
            description = "Answer and log only these of the columns the model adds, in this order (the input columns are"
                    + " always answered); default every column it adds. The deploy is refused if an instance adds no such"
                    + " column.")
    List<String> outputs;

    @Option(names = "--rule", paramLabel = "RULE|VALUE=RULE",
            description = "Serve what the selection rule RULE selects, and follow it; with --partition-by, VALUE=RULE for each"
                    + " value (repeat) and one RULE for every other value.")
    List<String> rules = new ArrayList<>();

    @Override
    void execute(CarraraClient client) {
        if (!rules.isEmpty()) {
            follow(client);
            return;
        }
        DeploymentDefinition definition = definition()
                .withFeatures(features.isEmpty() ? null : features.stream().map(this::lookup).toList(), missingFeatures)
                .withLogSampleRate(logSampleRate)
                .withOutputs(outputs);
        Deployment deployment = client.deployments().deploy(definition);
        String what = deployment.outcome() == null ? "updated deployment " : switch (deployment.outcome()) {
            case CREATED -> "created deployment ";
            case UNCHANGED -> "unchanged deployment ";
            case UPDATED -> "updated deployment ";
        };
        out().println(what + deployment.name() + " (revision " + deployment.revision() + "): "
                + DeploymentCommand.describeRouting(deployment.model(), deployment.routing()));
    }

    private void follow(CarraraClient client) {
        if (!instances.isEmpty() || latest || model != null || fallback != null || !features.isEmpty() || missingFeatures != null
                || logSampleRate != null || outputs != null) {
            throw usage("--rule chooses the instances itself: leave out --instance, --model, --latest and --default (a followed"
                    + " deployment keeps its feature joins, log sampling and outputs; set them with a deploy before"
                    + " following)");
        }
        Map<String, String> byValue = new LinkedHashMap<>();
        String otherwise = null;
        for (String rule : rules) {
            int equals = rule.indexOf('=');
            if (equals < 0) {
                if (otherwise != null) {
                    throw usage("--rule " + otherwise + " and --rule " + rule + " both choose for "
                            + (partitionBy == null ? "the whole deployment: give one" : "every other value: give one"));
                }
                otherwise = rule;
            } else if (partitionBy == null) {
                throw usage("--rule VALUE=RULE needs --partition-by FIELD");
            } else if (equals == 0 || equals == rule.length() - 1) {
                throw usage("--rule '" + rule + "' needs the form VALUE=RULE, e.g. nyc=eta-nyc-champion");
            } else if (byValue.put(rule.substring(0, equals), rule.substring(equals + 1)) != null) {
                throw usage("--rule names " + rule.substring(0, equals) + " twice");
            }
        }
        if (otherwise == null) {
            throw usage("--partition-by with --rule needs one --rule RULE (without VALUE=) for every other value of "
                    + partitionBy + ", a missing field or null");
        }
        if (partitionBy == null) {
            io.carrara.api.rules.RuleFollower follower = client.rules().follow(otherwise, name);
            out().println("deployment " + follower.deployment() + " follows rule " + follower.rule() + ": "
                    + (follower.instance() == null ? "it selects no instance yet" : "serves " + follower.instance()));
            return;
        }
        if (byValue.isEmpty()) {
            throw usage("--partition-by with --rule needs VALUE=RULE for at least one value, e.g. --rule nyc=eta-nyc-champion");
        }
        List<io.carrara.api.rules.RuleFollower> followers = client.rules().follow(name, partitionBy, byValue, otherwise);
        out().println("deployment " + name + " follows rules by " + partitionBy + ":");
        TextTable table = TextTable.withHeader(partitionBy, "rule", "serves");
        for (io.carrara.api.rules.RuleFollower follower : followers) {
            table.row(follower.partition() == null ? "(default)" : follower.partition(), follower.rule(),
                    follower.instance() == null ? "nothing yet" : follower.instance());
        }
        table.print(out());
    }

    private DeploymentDefinition definition() {
        if (partitionBy != null) {
            Map<String, UUID> byValue = new LinkedHashMap<>();
            for (String instance : instances) {
                int equals = instance.indexOf('=');
                if (equals <= 0) {
                    throw usage("--instance '" + instance + "' needs the form VALUE=UUID with --partition-by, e.g. nyc=<uuid>");
                }
                if (byValue.put(instance.substring(0, equals), uuid(instance.substring(equals + 1), "--instance")) != null) {
                    throw usage("--instance names " + instance.substring(0, equals) + " twice");
                }
            }
            return new DeploymentDefinition(name, modelName(), null, latest ? true : null, partitionBy, byValue, fallback,
                    null, null, null, null);
        }
        if (instances.size() > 1) {
            throw usage("--instance is given " + instances.size() + " times: route by a field with --partition-by, or give one");
        }
        if (fallback != null) {
            throw usage("--default needs --partition-by");
        }
        UUID instance = null;
        if (!instances.isEmpty()) {
            if (instances.get(0).contains("=")) {
                throw usage("--instance VALUE=UUID needs --partition-by FIELD");
            }
            instance = uuid(instances.get(0), "--instance");
        }
        return new DeploymentDefinition(name, modelName(), instance, latest ? true : null, null, null, null, null, null, null, null);
    }

    private String modelName() {
        return model == null ? null : model.toString();
    }

    private FeatureLookup lookup(String value) {
        String[] parts = value.split(":", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
            throw usage("--features '" + value + "' needs the form GROUP:KEY:F1,F2, e.g. driver_stats:driver_id:trips_7d,rating");
        }
        List<String> names = Arrays.stream(parts[2].split(",")).map(String::strip).filter(name -> !name.isEmpty()).toList();
        return new FeatureLookup(parts[0], parts[1], names);
    }

    private UUID uuid(String value, String option) {
        try {
            UUID parsed = UUID.fromString(value);
            if (parsed.toString().equalsIgnoreCase(value)) {
                return parsed;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw usage(option + " '" + value + "' is not an instance id (a UUID)");
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
