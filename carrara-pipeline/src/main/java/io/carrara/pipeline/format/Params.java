package io.carrara.pipeline.format;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.PipelineErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A stage's parameters as {@code DefaultParamsWriter} saves them: values the user set
 * ({@code paramMap}) over the class defaults ({@code defaultParamMap}), with doubles that may be
 * the strings "NaN", "Inf" and "-Inf". A missing or mistyped parameter is a model error naming the
 * stage.
 */
public final class Params {
    private final ObjectNode set;
    private final ObjectNode defaults;
    private final String stage;

    public Params(JsonNode set, JsonNode defaults, String stage) {
        this.set = objectOrEmpty(set);
        this.defaults = objectOrEmpty(defaults);
        this.stage = requireNonNull(stage, "stage is null");
    }

    private static ObjectNode objectOrEmpty(JsonNode node) {
        return node instanceof ObjectNode object ? object.deepCopy() : JsonNodeFactory.instance.objectNode();
    }

    /** Set by the user (Spark's {@code isSet}). */
    public boolean isSet(String name) {
        return set.has(name) && !set.get(name).isNull();
    }

    /** Set or defaulted (Spark's {@code isDefined}). */
    public boolean isDefined(String name) {
        return isSet(name) || (defaults.has(name) && !defaults.get(name).isNull());
    }

    public Optional<JsonNode> find(String name) {
        if (isSet(name)) {
            return Optional.of(set.get(name));
        }
        JsonNode value = defaults.get(name);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }

    private JsonNode require(String name) {
        return find(name).orElseThrow(() -> invalid("parameter '" + name + "' is neither set nor defaulted"));
    }

    public String getString(String name) {
        JsonNode value = require(name);
        if (!value.isTextual()) {
            throw invalid("parameter '" + name + "' is " + value + ", expected a string");
        }
        return value.asText();
    }

    public Optional<String> findString(String name) {
        return isDefined(name) ? Optional.of(getString(name)) : Optional.empty();
    }

    public boolean getBoolean(String name) {
        JsonNode value = require(name);
        if (!value.isBoolean()) {
            throw invalid("parameter '" + name + "' is " + value + ", expected true or false");
        }
        return value.asBoolean();
    }

    public int getInt(String name) {
        JsonNode value = require(name);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw invalid("parameter '" + name + "' is " + value + ", expected an integer");
        }
        return value.asInt();
    }

    public double getDouble(String name) {
        return toDouble(name, require(name));
    }

    public List<String> getStringList(String name) {
        JsonNode value = require(name);
        if (!value.isArray()) {
            throw invalid("parameter '" + name + "' is " + value + ", expected an array of strings");
        }
        List<String> strings = new ArrayList<>(value.size());
        for (JsonNode element : value) {
            if (!element.isTextual()) {
                throw invalid("parameter '" + name + "' holds " + element + ", expected strings");
            }
            strings.add(element.asText());
        }
        return List.copyOf(strings);
    }

    public double[] getDoubleArray(String name) {
        return toDoubles(name, require(name));
    }

    public double[][] getDoubleArrayArray(String name) {
        JsonNode value = require(name);
        if (!value.isArray()) {
            throw invalid("parameter '" + name + "' is " + value + ", expected an array of arrays");
        }
        double[][] arrays = new double[value.size()][];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = toDoubles(name, value.get(i));
        }
        return arrays;
    }

    private double[] toDoubles(String name, JsonNode value) {
        if (!value.isArray()) {
            throw invalid("parameter '" + name + "' is " + value + ", expected an array of numbers");
        }
        double[] doubles = new double[value.size()];
        for (int i = 0; i < doubles.length; i++) {
            doubles[i] = toDouble(name, value.get(i));
        }
        return doubles;
    }

    private double toDouble(String name, JsonNode value) {
        if (value.isNumber()) {
            return value.asDouble();
        }
        if (value.isTextual()) {
            // Spark's DoubleParam writes non-finite values as these three strings.
            switch (value.asText()) {
                case "NaN":
                    return Double.NaN;
                case "Inf":
                    return Double.POSITIVE_INFINITY;
                case "-Inf":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw invalid("parameter '" + name + "' is " + value + ", expected a number, \"NaN\", \"Inf\" or \"-Inf\"");
    }

    public ModelException invalid(String message) {
        return new ModelException(PipelineErrorCode.STAGE_INVALID, stage, message);
    }

    @Override
    public String toString() {
        return "Params[set=" + set + ", defaults=" + defaults + "]";
    }
}
