package io.carrara.rules.evaluation;

import static java.util.Objects.requireNonNull;

import io.carrara.rules.ActionRule;
import io.carrara.rules.facts.EventFacts;
import io.carrara.rules.facts.InstanceFacts;
import io.carrara.rules.facts.MetricFacts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one rule's {@code given} answered, by the values it read: most rules watch one kind of event of one model, and
 * with a thousand rules most of the time goes to asking each of them again about events it never matches. A
 * {@code given} is remembered only when it reads nothing but fields that cannot change for the values the key holds:
 * the event's type, project, model, instance, deployment, metric (scope, name, value) and payload, and the event's
 * instance's identity, model, version, format, author and metadata (instances are immutable). A {@code given} that
 * reads anything else (whether an instance is deprecated, the whole instance, a view's method) is never remembered;
 * one that calls a function ({@code metric(...)}, {@code served(...)}: registry state that changes) is not remembered
 * for the events on which it called one; one that erred or timed out is not remembered either. The answers are kept
 * for the most recent {@value #CAPACITY} keys. Thread-safe.
 * <pre>{@code
 * GivenMemo memo = GivenMemo.of(rule);             // once per rule version
 * Evaluation e = evaluator.evaluate(rule, event, provider, memo);
 * }</pre>
 */
public final class GivenMemo {
    static final int CAPACITY = 4096;

    private static final Set<List<String>> FIXED = Set.of(
            List.of("event", "type"), List.of("event", "project"), List.of("event", "model"), List.of("event", "instance"),
            List.of("event", "deployment"),
            List.of("event", "metric", "scope"), List.of("event", "metric", "name"), List.of("event", "metric", "value"),
            List.of("metric", "scope"), List.of("metric", "name"), List.of("metric", "value"),
            List.of("instance", "id"), List.of("instance", "model"), List.of("instance", "project"), List.of("instance", "name"),
            List.of("instance", "version"), List.of("instance", "format"), List.of("instance", "createdBy"));

    private final List<List<String>> paths;
    private final Map<List<Object>, Boolean> answers = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Object>, Boolean> eldest) {
            return size() > CAPACITY;
        }
    };

    private GivenMemo(List<List<String>> paths) {
        this.paths = paths;
    }

    /** The memo of {@code rule}'s given; one that never remembers when the given reads more than fixed fields. */
    public static GivenMemo of(ActionRule rule) {
        requireNonNull(rule, "rule is null");
        List<List<String>> paths = new ArrayList<>();
        for (List<String> path : rule.given().variables()) {
            if (!fixed(path)) {
                return new GivenMemo(null);
            }
            paths.add(List.copyOf(path));
        }
        paths.sort(Comparator.comparing(Object::toString));
        return new GivenMemo(List.copyOf(paths));
    }

    private static boolean fixed(List<String> path) {
        return FIXED.contains(path)
                || path.size() == 2 && path.get(0).equals("meta")
                || path.size() == 3 && path.get(0).equals("event") && path.get(1).equals("payload");
    }

    /** Whether this memo can ever answer (the given reads only fixed fields). */
    public boolean remembers() {
        return paths != null;
    }

    /** The answer remembered for this event and instance, if any. */
    Optional<Boolean> known(EventFacts event, InstanceFacts instance) {
        if (paths == null) {
            return Optional.empty();
        }
        List<Object> key = key(event, instance);
        synchronized (answers) {
            return Optional.ofNullable(answers.get(key));
        }
    }

    void remember(EventFacts event, InstanceFacts instance, boolean answer) {
        if (paths == null) {
            return;
        }
        List<Object> key = key(event, instance);
        synchronized (answers) {
            answers.put(key, answer);
        }
    }

    private List<Object> key(EventFacts event, InstanceFacts instance) {
        Reading reading = LAST.get();
        if (reading.event != event || reading.instance != instance) {
            reading = new Reading(event, instance);
            LAST.set(reading);
        }
        List<Object> key = new ArrayList<>(paths.size() + 1);
        key.add(instance != null);   // without an instance, instance.x reads null: a different answer for the same nulls
        for (List<String> path : paths) {
            key.add(reading.value(path));
        }
        return key;
    }

    /**
     * The values read from one event, shared by the memos of all rules asked about it on this thread: each path is read
     * once per event, and its text is one object whose hash is computed once.
     */
    private static final ThreadLocal<Reading> LAST = ThreadLocal.withInitial(() -> new Reading(null, null));

    private static final class Reading {
        private final EventFacts event;
        private final InstanceFacts instance;
        private final Map<List<String>, Object> values = new java.util.HashMap<>();

        Reading(EventFacts event, InstanceFacts instance) {
            this.event = event;
            this.instance = instance;
        }

        Object value(List<String> path) {
            Object value = values.get(path);
            if (value == null && !values.containsKey(path)) {
                value = GivenMemo.value(path, event, instance);
                values.put(path, value);
            }
            return value;
        }
    }

    /** The raw value behind a fixed path (equal raw values read as equal values in the rule). */
    private static Object value(List<String> path, EventFacts event, InstanceFacts instance) {
        MetricFacts metric = event.metric();
        switch (path.get(0)) {
            case "meta":
                return instance == null ? null : instance.metadata().get(path.get(1));
            case "metric":
                return metric == null ? null : metricField(metric, path.get(1));
            case "instance":
                if (instance == null) {
                    return null;
                }
                return switch (path.get(1)) {
                    case "id" -> instance.id();
                    case "model" -> instance.model().toString();
                    case "project" -> instance.model().project();
                    case "name" -> instance.model().name();
                    case "version" -> instance.version();
                    case "format" -> instance.format();
                    case "createdBy" -> instance.createdBy();
                    default -> throw new IllegalStateException("not a fixed path: " + path);
                };
            case "event":
                return switch (path.get(1)) {
                    case "type" -> event.type();
                    case "project" -> event.project();
                    case "model" -> event.model() == null ? null : event.project() + "/" + event.model();
                    case "instance" -> event.instance();
                    case "deployment" -> event.deployment();
                    case "metric" -> metric == null ? null : metricField(metric, path.get(2));
                    case "payload" -> event.payload().get(path.get(2));
                    default -> throw new IllegalStateException("not a fixed path: " + path);
                };
            default:
                throw new IllegalStateException("not a fixed path: " + path);
        }
    }

    private static Object metricField(MetricFacts metric, String field) {
        return switch (field) {
            case "scope" -> metric.scope();
            case "name" -> metric.name();
            case "value" -> metric.value();
            default -> throw new IllegalStateException("not a metric field: " + field);
        };
    }
}
