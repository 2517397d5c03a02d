package io.carrara.rules;

import java.util.List;
import java.util.Optional;

/**
 * What a rule's {@code then} can do, with the arguments each takes. The server performs the
 * actions; a rule only names them and computes their arguments.
 * <ul>
 * <li>{@code deploy: {deployment, instance}} serves {@code instance} from {@code deployment};</li>
 * <li>{@code undeploy: {deployment}};</li>
 * <li>{@code deprecate: {instance, reason}}, {@code instance} defaulting to the event's;</li>
 * <li>{@code set-meta: {instance, key, value}}, {@code instance} defaulting to the event's;</li>
 * <li>{@code webhook: {url, secret}}, {@code secret} being {@code env.NAME}, the name of a server secret;</li>
 * <li>{@code alert: {message, severity}}, {@code severity} one of info, warning (the default) or critical.</li>
 * </ul>
 */
public enum ActionKind {
    DEPLOY("deploy", List.of(Parameter.required("deployment", ArgumentType.NAME), Parameter.required("instance", ArgumentType.INSTANCE))),
    UNDEPLOY("undeploy", List.of(Parameter.required("deployment", ArgumentType.NAME))),
    DEPRECATE("deprecate", List.of(Parameter.optional("instance", ArgumentType.INSTANCE),
            Parameter.optional("reason", ArgumentType.TEXT))),
    SET_META("set-meta", List.of(Parameter.optional("instance", ArgumentType.INSTANCE),
            Parameter.required("key", ArgumentType.TEXT), Parameter.required("value", ArgumentType.TEXT))),
    WEBHOOK("webhook", List.of(Parameter.required("url", ArgumentType.URL), Parameter.optional("secret", ArgumentType.SECRET))),
    ALERT("alert", List.of(Parameter.required("message", ArgumentType.TEXT), Parameter.optional("severity", ArgumentType.SEVERITY)));

    /** The severities an alert may have. */
    public static final List<String> SEVERITIES = List.of("info", "warning", "critical");

    /** What an argument's value must be once evaluated. */
    public enum ArgumentType {
        /** A deployment name. */
        NAME,
        /** An instance id (a UUID, or an instance as {@code instance} or {@code served('eta')}). */
        INSTANCE,
        /** Text; numbers and booleans are written as text. */
        TEXT,
        /** An http or https URL. */
        URL,
        /** {@code env.NAME}: the name of a secret, never its value. */
        SECRET,
        /** One of {@link #SEVERITIES}. */
        SEVERITY
    }

    /** One argument of an action. */
    public record Parameter(String name, ArgumentType type, boolean required) {
        static Parameter required(String name, ArgumentType type) {
            return new Parameter(name, type, true);
        }

        static Parameter optional(String name, ArgumentType type) {
            return new Parameter(name, type, false);
        }
    }

    private final String wireName;
    private final List<Parameter> parameters;

    ActionKind(String wireName, List<Parameter> parameters) {
        this.wireName = wireName;
        this.parameters = parameters;
    }

    /** The name a rule file uses, e.g. {@code set-meta}. */
    public String wireName() {
        return wireName;
    }

    public List<Parameter> parameters() {
        return parameters;
    }

    public Optional<Parameter> parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The kind a rule file names, if there is one. */
    public static Optional<ActionKind> fromWireName(String name) {
        for (ActionKind kind : values()) {
            if (kind.wireName.equals(name)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
