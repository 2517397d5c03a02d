package io.carrara.registry.workflow;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.carrara.registry.workflow.WorkflowDefinition.Input;
import io.carrara.registry.workflow.WorkflowDefinition.PredictStep;
import io.carrara.registry.workflow.WorkflowDefinition.Retries;
import io.carrara.registry.workflow.WorkflowDefinition.SqlStep;
import io.carrara.registry.workflow.WorkflowDefinition.Step;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.Names;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads a workflow file. Every mistake is a {@link CarraraException} whose field is the path to
 * the bad value ({@code steps[1].predict.output}) and whose message says what is expected:
 *
 * <pre>{@code
 * name: trip-fares-daily
 * schedule: "0 3 * * *"            # cron, UTC; leave out to run only on demand
 * inputs:
 *   - table: ml.trips
 *     max_sla: 1d                  # 36h, 90m, or ISO-8601 (P1D, PT36H)
 * steps:
 *   - name: features
 *     sql: SELECT * FROM ml.trips WHERE ds >= '{{ window_start }}' AND ds < '{{ window_end }}'
 *     output: ml.trip_features
 *   - name: score
 *     predict:
 *       deployment: fares          # or instance: UUID
 *       query: SELECT * FROM ml.trip_features
 *       output: ml.trip_predictions
 *       columns: [prediction, probability]
 * retries: {max: 2, backoff: 1m}
 * alert: {webhook: https://hooks.example.com/carrara}
 * }</pre>
 */
public final class WorkflowParser {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern TABLE = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*\\.)?[A-Za-z_][A-Za-z0-9_]*");

    private WorkflowParser() {}

    public static WorkflowDefinition parse(String text) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new CarraraException(INVALID_ARGUMENT, "the workflow is not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"), "workflow");
        }
        if (root == null || !root.isObject()) {
            throw new CarraraException(INVALID_ARGUMENT, "the workflow must be a YAML mapping with name and steps", "workflow");
        }
        allowOnly(root, "", "name", "schedule", "inputs", "steps", "retries", "alert");
        String name = Names.checkName(text(root, "name", ""), "name");
        Optional<String> schedule = optionalText(root, "schedule", "");
        List<Input> inputs = inputs(root.get("inputs"));
        List<Step> steps = steps(root.get("steps"));
        Retries retries = retries(root.get("retries"));
        Optional<URI> webhook = Optional.empty();
        JsonNode alert = root.get("alert");
        if (alert != null && !alert.isNull()) {
            if (!alert.isObject()) {
                throw new CarraraException(INVALID_ARGUMENT, "alert must be a mapping: {webhook: https://…}", "alert");
            }
            allowOnly(alert, "alert.", "webhook");
            webhook = optionalText(alert, "webhook", "alert.").map(WorkflowParser::webhook);
        }
        return new WorkflowDefinition(name, schedule, inputs, steps, retries, webhook);
    }

    private static List<Input> inputs(JsonNode node) {
        List<Input> inputs = new ArrayList<>();
        if (node == null || node.isNull()) {
            return inputs;
        }
        if (!node.isArray()) {
            throw new CarraraException(INVALID_ARGUMENT, "inputs must be a list of {table, max_sla}", "inputs");
        }
        for (int i = 0; i < node.size(); i++) {
            String path = "inputs[" + i + "].";
            JsonNode input = object(node.get(i), "inputs[" + i + "]", "{table, max_sla}");
            allowOnly(input, path, "table", "max_sla");
            inputs.add(new Input(table(text(input, "table", path), path + "table"),
                    duration(text(input, "max_sla", path), path + "max_sla")));
        }
        return inputs;
    }

    private static List<Step> steps(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new CarraraException(INVALID_ARGUMENT, "steps must be a non-empty list of sql and predict steps", "steps");
        }
        List<Step> steps = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "steps[" + i + "]";
            JsonNode step = object(node.get(i), path, "{name, sql, output} or {name, predict: {…}}");
            String name = Names.checkName(text(step, "name", path + "."), path + ".name");
            if (!names.add(name)) {
                throw new CarraraException(INVALID_ARGUMENT, "two steps are named " + name + "; step names must differ", path + ".name");
            }
            if (step.has("predict")) {
                allowOnly(step, path + ".", "name", "predict");
                String at = path + ".predict.";
                JsonNode predict = object(step.get("predict"), path + ".predict", "{deployment or instance, query, output}");
                allowOnly(predict, at, "deployment", "instance", "query", "output", "columns");
                Optional<String> deployment = optionalText(predict, "deployment", at).map(value -> Names.checkName(value, at + "deployment"));
                Optional<UUID> instance = optionalText(predict, "instance", at).map(value -> uuid(value, at + "instance"));
                if (deployment.isPresent() == instance.isPresent()) {
                    throw new CarraraException(INVALID_ARGUMENT, "a predict step names exactly one of deployment and instance",
                            at + "deployment");
                }
                String query = sql(text(predict, "query", at), at + "query");
                steps.add(new PredictStep(name, query, table(text(predict, "output", at), at + "output"), deployment, instance,
                        columns(predict.get("columns"), at + "columns")));
            } else if (step.has("sql")) {
                allowOnly(step, path + ".", "name", "sql", "output");
                steps.add(new SqlStep(name, sql(text(step, "sql", path + "."), path + ".sql"),
                        table(text(step, "output", path + "."), path + ".output")));
            } else {
                throw new CarraraException(INVALID_ARGUMENT, "step " + name + " has neither sql nor predict", path);
            }
        }
        return steps;
    }

    private static Retries retries(JsonNode node) {
        if (node == null || node.isNull()) {
            return Retries.DEFAULT;
        }
        JsonNode retries = object(node, "retries", "{max, backoff}");
        allowOnly(retries, "retries.", "max", "backoff");
        int max = Retries.DEFAULT.max();
        if (retries.has("max")) {
            JsonNode value = retries.get("max");
            if (!value.isInt() || value.intValue() < 0 || value.intValue() > 100) {
                throw new CarraraException(INVALID_ARGUMENT, "retries.max must be a whole number from 0 to 100", "retries.max");
            }
            max = value.intValue();
        }
        Duration backoff = retries.has("backoff") ? duration(text(retries, "backoff", "retries."), "retries.backoff")
                : Retries.DEFAULT.backoff();
        return new Retries(max, backoff);
    }

    private static List<String> columns(JsonNode node, String path) {
        List<String> columns = new ArrayList<>();
        if (node == null || node.isNull()) {
            return columns;
        }
        if (!node.isArray()) {
            throw new CarraraException(INVALID_ARGUMENT, path + " must be a list of column names", path);
        }
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isTextual() || node.get(i).asText().isBlank()) {
                throw new CarraraException(INVALID_ARGUMENT, path + "[" + i + "] must be a column name", path + "[" + i + "]");
            }
            columns.add(node.get(i).asText());
        }
        return columns;
    }

    private static String sql(String sql, String path) {
        Set<String> unknown = SqlTemplate.unknownVariables(sql);
        if (!unknown.isEmpty()) {
            throw new CarraraException(INVALID_ARGUMENT, path + " uses unknown variable" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + "; the variables are " + String.join(", ",
                            SqlTemplate.VARIABLES.stream().sorted().toList()), path);
        }
        return sql;
    }

    private static String table(String value, String path) {
        if (!TABLE.matcher(value).matches()) {
            throw new CarraraException(INVALID_ARGUMENT, path + " '" + value + "' is not a table name like ml.trips", path);
        }
        return value;
    }

    /** {@code 1d}, {@code 36h}, {@code 90m}, {@code 30s} or ISO-8601 ({@code P1D}, {@code PT36H}). */
    static Duration duration(String value, String path) {
        Optional<Duration> short_ = io.carrara.spi.time.ShortDurations.parse(value);
        if (short_.isPresent()) {
            return short_.get();
        }
        try {
            Duration parsed = Duration.parse(value.trim());
            if (!parsed.isNegative()) {
                return parsed;
            }
        } catch (DateTimeParseException e) {
            // Reported below.
        }
        throw new CarraraException(INVALID_ARGUMENT, path + " '" + value + "' is not a duration like 1d, 36h, 90m or PT6H", path);
    }

    private static URI webhook(String value) {
        try {
            URI uri = new URI(value);
            if ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // Reported below.
        }
        throw new CarraraException(INVALID_ARGUMENT, "alert.webhook '" + value + "' is not an http(s) URL", "alert.webhook");
    }

    private static UUID uuid(String value, String path) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new CarraraException(INVALID_ARGUMENT, path + " '" + value + "' is not an instance id (a UUID)", path);
        }
    }

    private static JsonNode object(JsonNode node, String path, String shape) {
        if (node == null || !node.isObject()) {
            throw new CarraraException(INVALID_ARGUMENT, path + " must be a mapping: " + shape, path);
        }
        return node;
    }

    private static String text(JsonNode node, String field, String path) {
        return optionalText(node, field, path).orElseThrow(() ->
                new CarraraException(INVALID_ARGUMENT, path + field + " is required", path + field));
    }

    private static Optional<String> optionalText(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isValueNode() || value.asText().isBlank()) {
            throw new CarraraException(INVALID_ARGUMENT, path + field + " must be text", path + field);
        }
        return Optional.of(value.asText());
    }

    private static void allowOnly(JsonNode node, String path, String... known) {
        Set<String> allowed = Set.of(known);
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String field = names.next();
            if (!allowed.contains(field)) {
                throw new CarraraException(INVALID_ARGUMENT, "unknown key " + path + field + "; known keys here: "
                        + String.join(", ", known), path + field);
            }
        }
    }
}
