package io.carrara.rules.evaluation;

import static java.util.Objects.requireNonNull;

import io.carrara.rules.ActionKind;
import io.carrara.rules.SourcePosition;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * An action with its arguments evaluated and checked, ready for the server to perform: an instance
 * argument is a {@link UUID}, a secret a {@link SecretReference}, every other argument a String.
 * Defaults are filled in: {@code deprecate} and {@code set-meta} act on the event's instance,
 * {@code deprecate.reason} is {@code "deprecated by rule NAME"}, {@code alert.severity} is {@code warning}.
 */
public record EvaluatedAction(ActionKind kind, Map<String, Object> arguments, SourcePosition position) {
    public EvaluatedAction {
        requireNonNull(kind, "kind is null");
        arguments = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(arguments, "arguments is null")));
        requireNonNull(position, "position is null");
    }

    /** A text argument, or null when the action has no such argument. */
    public String text(String name) {
        Object value = arguments.get(name);
        return value == null ? null : value.toString();
    }

    /** The instance argument, or null. */
    public UUID instance() {
        return (UUID) arguments.get("instance");
    }

    @Override
    public String toString() {
        return kind + " " + arguments;
    }
}
