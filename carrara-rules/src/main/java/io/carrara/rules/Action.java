package io.carrara.rules;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One item of a rule's {@code then}: its kind and its arguments, in the order the file gives them. */
public record Action(ActionKind kind, Map<String, ActionArgument> arguments, SourcePosition position) {
    public Action {
        requireNonNull(kind, "kind is null");
        arguments = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(arguments, "arguments is null")));
        requireNonNull(position, "position is null");
    }
}
