package io.carrara.rules.facts;

import static java.util.Objects.requireNonNull;

import io.carrara.registry.model.Instance;
import io.carrara.registry.model.Metric;
import io.carrara.registry.search.Key;
import io.carrara.spi.model.ModelRef;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What a rule may know about one instance: its identity, metadata, annotations (its mutable notes), and the latest
 * value of each of its numeric metrics by scope and name ({@code metrics.get("validation").get("mae")}).
 * <pre>{@code
 * InstanceFacts facts = InstanceFacts.from(registry.getInstance(id), registry.metrics(id));
 * }</pre>
 */
public record InstanceFacts(
        UUID id,
        ModelRef model,
        int version,
        Instant createdAt,
        String createdBy,
        String format,
        boolean deprecated,
        Map<String, String> metadata,
        Map<String, Map<String, Double>> metrics,
        Map<String, String> annotations) {
    public InstanceFacts {
        requireNonNull(id, "id is null");
        requireNonNull(model, "model is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(createdBy, "createdBy is null");
        requireNonNull(format, "format is null");
        metadata = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(metadata, "metadata is null")));
        Map<String, Map<String, Double>> copy = new TreeMap<>();
        requireNonNull(metrics, "metrics is null").forEach((scope, values) -> {
            if (!Key.Metric.SCOPES.contains(scope)) {
                throw new IllegalArgumentException("metric scope must be one of " + Key.Metric.SCOPES + ": " + scope);
            }
            copy.put(scope, Collections.unmodifiableMap(new TreeMap<>(values)));
        });
        metrics = Collections.unmodifiableMap(copy);
        annotations = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(annotations, "annotations is null")));
    }

    /** An instance without annotations. */
    public InstanceFacts(UUID id, ModelRef model, int version, Instant createdAt, String createdBy, String format, boolean deprecated,
            Map<String, String> metadata, Map<String, Map<String, Double>> metrics) {
        this(id, model, version, createdAt, createdBy, format, deprecated, metadata, metrics, Map.of());
    }

    /**
     * The facts of a registry instance, with the latest numeric value of each metric in
     * {@code metrics} (any order; the latest by {@code recordedAt}, then by id, wins; JSON metrics are skipped).
     */
    public static InstanceFacts from(Instance instance, Collection<Metric> metrics) {
        return from(instance, metrics, Map.of());
    }

    /** As {@link #from(Instance, Collection)}, with the instance's annotations by key. */
    public static InstanceFacts from(Instance instance, Collection<Metric> metrics, Map<String, String> annotations) {
        requireNonNull(instance, "instance is null");
        requireNonNull(metrics, "metrics is null");
        Map<String, Metric> latest = new HashMap<>();
        Comparator<Metric> order = Comparator.comparing(Metric::recordedAt).thenComparingLong(Metric::id);
        for (Metric metric : metrics) {
            if (metric.value() == null || !metric.instance().equals(instance.id())) {
                continue;
            }
            latest.merge(metric.scope() + "\u0000" + metric.name(), metric, (a, b) -> order.compare(a, b) >= 0 ? a : b);
        }
        Map<String, Map<String, Double>> values = new TreeMap<>();
        for (Metric metric : latest.values()) {
            if (Key.Metric.SCOPES.contains(metric.scope())) {
                values.computeIfAbsent(metric.scope(), scope -> new TreeMap<>()).put(metric.name(), metric.value());
            }
        }
        return new InstanceFacts(instance.id(), instance.model(), instance.version(), instance.createdAt(),
                instance.createdBy(), instance.artifact().format().wireName(), instance.deprecated(), instance.metadata(), values,
                annotations);
    }

    /** The latest value of metric {@code name} in {@code scope}, if the instance has one. */
    public Optional<Double> metric(String scope, String name) {
        return Optional.ofNullable(metrics.getOrDefault(scope, Map.of()).get(name));
    }

    /** The same instance with {@code value} as the latest value of a metric, as after a metric.recorded event. */
    public InstanceFacts withMetric(String scope, String name, double value) {
        Map<String, Map<String, Double>> copy = new TreeMap<>();
        metrics.forEach((s, values) -> copy.put(s, new TreeMap<>(values)));
        copy.computeIfAbsent(scope, s -> new TreeMap<>()).put(name, value);
        return new InstanceFacts(id, model, version, createdAt, createdBy, format, deprecated, metadata, copy, annotations);
    }
}
