package io.carrara.spi.model;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import io.carrara.spi.error.CarraraException;

/** A model's full name, {@code project/name}, e.g. {@code demand/supply_rejection}. */
public record ModelRef(String project, String name) implements Comparable<ModelRef> {
    public ModelRef {
        requireNonNull(project, "project is null");
        requireNonNull(name, "name is null");
        Names.checkName(project, "project");
        Names.checkName(name, "model");
    }

    /** Parses {@code project/name}; {@code field} names the input in the error. */
    public static ModelRef parse(String value, String field) {
        if (value == null) {
            throw new CarraraException(INVALID_ARGUMENT, field + " is required", field);
        }
        int slash = value.indexOf('/');
        if (slash <= 0 || slash != value.lastIndexOf('/') || slash == value.length() - 1) {
            throw new CarraraException(INVALID_ARGUMENT,
                    field + " '" + value + "' must be PROJECT/MODEL, e.g. demand/supply_rejection", field);
        }
        return new ModelRef(value.substring(0, slash), value.substring(slash + 1));
    }

    @Override
    public int compareTo(ModelRef other) {
        int byProject = project.compareTo(other.project);
        return byProject != 0 ? byProject : name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return project + "/" + name;
    }
}
