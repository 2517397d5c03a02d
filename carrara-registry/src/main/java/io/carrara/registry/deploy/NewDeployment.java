package io.carrara.registry.deploy;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ModelRef;
import io.carrara.spi.model.Names;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A request to create or replace a deployment, as {@code POST /api/v1/deployments} takes it. Give
 * exactly one way of routing: {@code instance} (one pinned instance), {@code latest: true} (the model's
 * newest non-deprecated instance, resolved now), or {@code partitionBy} with {@code instances}
 * ({@code {"nyc": uuid}}) and a {@code default} instance for every other value. {@code model} may be
 * left out when an instance is named; it is then the instance's model. The request replaces the whole
 * configuration: a field left out takes its default ({@code missingFeatures} {@code "null"},
 * {@code logSampleRate} 0, {@code outputs} every column the model adds), not its previous value. {@code outputs}
 * names the columns the model adds that each row is answered and logged with (the input columns are always
 * answered). The shape of the request (name, model reference, one way of routing, partitions, feature lookups,
 * missingFeatures, logSampleRate, outputs) is checked here,
 * naming the field; whether the model and instances exist and may be routed to, the registry checks.
 */
public record NewDeployment(
        String name,
        String model,
        UUID instance,
        Boolean latest,
        String partitionBy,
        Map<String, UUID> instances,
        @JsonProperty("default") UUID fallback,
        List<FeatureLookup> features,
        String missingFeatures,
        Double logSampleRate,
        List<String> outputs) {
    static final int MAX_LOOKUPS = 100;
    static final int MAX_PARTITIONS = 1000;
    static final int MAX_PARTITION_VALUE = 256;
    static final int MAX_OUTPUTS = 256;
    static final int MAX_OUTPUT_NAME = 128;
    private static final Pattern FEATURE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    public NewDeployment {
        Names.checkName(name, "name");
        if (model != null) {
            ModelRef.parse(model, "model");
        }
        instances = checkRouting(instance, latest, partitionBy, instances, fallback);
        features = checkFeatures(features);
        checkMissingFeatures(missingFeatures);
        checkLogSampleRate(logSampleRate);
        outputs = checkOutputs(outputs);
    }

    /** Pins every row to one instance. */
    public static NewDeployment pinned(String name, UUID instance) {
        return new NewDeployment(name, null, instance, null, null, null, null, null, null, null, null);
    }

    /** Pins every row to the newest non-deprecated instance of {@code model} at deploy time. */
    public static NewDeployment latest(String name, String model) {
        return new NewDeployment(name, model, null, true, null, null, null, null, null, null, null);
    }

    /** Routes rows by their value of {@code field}, to {@code fallback} for any other value. */
    public static NewDeployment partitioned(String name, String field, Map<String, UUID> instances, UUID fallback) {
        return new NewDeployment(name, null, null, null, field, instances, fallback, null, null, null, null);
    }

    public NewDeployment withModel(String model) {
        return new NewDeployment(name, model, instance, latest, partitionBy, instances, fallback, features,
                missingFeatures, logSampleRate, outputs);
    }

    public NewDeployment withFeatures(List<FeatureLookup> features, String missingFeatures) {
        return new NewDeployment(name, model, instance, latest, partitionBy, instances, fallback, features,
                missingFeatures, logSampleRate, outputs);
    }

    public NewDeployment withLogSampleRate(Double logSampleRate) {
        return new NewDeployment(name, model, instance, latest, partitionBy, instances, fallback, features,
                missingFeatures, logSampleRate, outputs);
    }

    public NewDeployment withOutputs(List<String> outputs) {
        return new NewDeployment(name, model, instance, latest, partitionBy, instances, fallback, features,
                missingFeatures, logSampleRate, outputs);
    }

    /** The partitions in key order, or null without partitionBy; refuses any shape but exactly one way of routing. */
    private static Map<String, UUID> checkRouting(UUID instance, Boolean latest, String partitionBy, Map<String, UUID> instances,
            UUID fallback) {
        boolean isLatest = Boolean.TRUE.equals(latest);
        int choices = (instance != null ? 1 : 0) + (isLatest ? 1 : 0) + (partitionBy != null ? 1 : 0);
        if (choices != 1) {
            String field = instance != null ? "instance" : isLatest ? "latest" : "partitionBy";
            throw new CarraraException(INVALID_ARGUMENT,
                    "give exactly one way of routing: instance (a UUID), latest: true, or partitionBy with instances and"
                            + " default", field);
        }
        if (partitionBy == null) {
            if (instances != null && !instances.isEmpty()) {
                throw new CarraraException(INVALID_ARGUMENT,
                        "instances by value need partitionBy, the field whose value picks the instance", "instances");
            }
            if (fallback != null) {
                throw new CarraraException(INVALID_ARGUMENT,
                        "default is the instance for values without one of their own; it needs partitionBy", "default");
            }
            return instances == null ? null : Map.of();
        }
        if (partitionBy.isBlank() || partitionBy.length() > 128) {
            throw new CarraraException(INVALID_ARGUMENT, "partitionBy must name a field of the row in 1 to 128 characters",
                    "partitionBy");
        }
        if (instances == null || instances.isEmpty()) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "instances is required with partitionBy: map values of " + partitionBy + " to instances, e.g."
                            + " {\"nyc\": \"<uuid>\"}", "instances");
        }
        if (instances.size() > MAX_PARTITIONS) {
            throw new CarraraException(INVALID_ARGUMENT, "instances has more than " + MAX_PARTITIONS + " entries",
                    "instances");
        }
        Map<String, UUID> checked = new TreeMap<>();
        for (Map.Entry<String, UUID> entry : instances.entrySet()) {
            String value = entry.getKey();
            if (value == null || value.isEmpty() || value.length() > MAX_PARTITION_VALUE) {
                throw new CarraraException(INVALID_ARGUMENT,
                        "each value of instances must be 1 to " + MAX_PARTITION_VALUE + " characters", "instances");
            }
            if (entry.getValue() == null) {
                throw new CarraraException(INVALID_ARGUMENT, "instances." + value + " has no instance id",
                        "instances." + value);
            }
            checked.put(value, entry.getValue());
        }
        if (fallback == null) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "default is required with partitionBy: the instance for any other value of " + partitionBy
                            + ", a missing field or null", "default");
        }
        return java.util.Collections.unmodifiableMap(checked);
    }

    private static List<FeatureLookup> checkFeatures(List<FeatureLookup> lookups) {
        if (lookups == null) {
            return null;
        }
        if (lookups.size() > MAX_LOOKUPS) {
            throw new CarraraException(INVALID_ARGUMENT, "features has more than " + MAX_LOOKUPS + " lookups", "features");
        }
        Map<String, String> lookupOfFeature = new HashMap<>();
        for (int i = 0; i < lookups.size(); i++) {
            String at = "features[" + i + "]";
            FeatureLookup lookup = lookups.get(i);
            if (lookup == null) {
                throw new CarraraException(INVALID_ARGUMENT, at + " is null", at);
            }
            Names.checkName(lookup.group(), at + ".group");
            if (lookup.key().isBlank() || lookup.key().length() > 128) {
                throw new CarraraException(INVALID_ARGUMENT,
                        at + ".key must name the row field holding the entity key, in 1 to 128 characters", at + ".key");
            }
            if (lookup.features().isEmpty()) {
                throw new CarraraException(INVALID_ARGUMENT,
                        at + ".features is empty: name the features of " + lookup.group() + " to join", at + ".features");
            }
            for (String feature : lookup.features()) {
                if (feature == null || !FEATURE_NAME.matcher(feature).matches()) {
                    throw new CarraraException(INVALID_ARGUMENT,
                            at + ".features: '" + feature + "' is not a feature name: use 1 to 128 letters, digits, '_',"
                                    + " '.' or '-', not starting with '.' or '-'", at + ".features");
                }
                String previous = lookupOfFeature.put(feature, at);
                if (previous != null) {
                    // Each feature becomes a column of the row under its own name, so two lookups cannot both add it.
                    throw new CarraraException(INVALID_ARGUMENT,
                            "feature " + feature + " is looked up by both " + previous + " and " + at
                                    + "; each becomes a column named after it, so look it up once", at + ".features");
                }
            }
        }
        return List.copyOf(lookups);
    }

    private static void checkMissingFeatures(String value) {
        if (value != null && !value.equals("null") && !value.equals("reject")) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "missingFeatures '" + value + "' is not one of null (the row gets nulls) or reject (the row gets a 4xx)",
                    "missingFeatures");
        }
    }

    /** The names as given (null for every column), each once; whether the model adds them is the server's check. */
    private static List<String> checkOutputs(List<String> outputs) {
        if (outputs == null) {
            return null;
        }
        if (outputs.size() > MAX_OUTPUTS) {
            throw new CarraraException(INVALID_ARGUMENT, "outputs has more than " + MAX_OUTPUTS + " columns", "outputs");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < outputs.size(); i++) {
            String output = outputs.get(i);
            if (output == null || output.isBlank() || output.length() > MAX_OUTPUT_NAME) {
                throw new CarraraException(INVALID_ARGUMENT, "outputs[" + i + "] must name a column the model adds, in 1 to "
                        + MAX_OUTPUT_NAME + " characters", "outputs[" + i + "]");
            }
            if (!seen.add(output)) {
                throw new CarraraException(INVALID_ARGUMENT, "outputs names " + output + " twice", "outputs[" + i + "]");
            }
        }
        return List.copyOf(outputs);
    }

    private static void checkLogSampleRate(Double value) {
        if (value != null && !(value >= 0.0 && value <= 1.0)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "logSampleRate must be between 0 (log nothing) and 1 (log every prediction), not " + value,
                    "logSampleRate");
        }
    }
}
