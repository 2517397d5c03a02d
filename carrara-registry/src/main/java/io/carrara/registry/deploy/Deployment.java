package io.carrara.registry.deploy;

import static java.util.Objects.requireNonNull;

import io.carrara.spi.model.ModelRef;
import java.time.Instant;
import java.util.List;

/**
 * A named endpoint serving instances of one model: how requests are routed to instances, which
 * online features are joined into each row before scoring, and what share of predictions is logged.
 * Every change is a new {@code revision}, kept in the deployment's append-only history.
 *
 * @param missingFeatures what a row whose feature lookup finds nothing gets: nulls (the pipeline's own
 *     null handling decides) or a 4xx naming the group and key
 * @param logSampleRate share of predictions written to the prediction log, 0 to 1
 * @param outputs the columns the model adds that requests are answered with and predictions logged with, in this
 *     order; empty for every column it adds
 */
public record Deployment(
        String name,
        ModelRef model,
        Routing routing,
        List<FeatureLookup> features,
        MissingFeatures missingFeatures,
        double logSampleRate,
        List<String> outputs,
        int revision,
        Instant updatedAt,
        String updatedBy) {
    public enum MissingFeatures { NULL, REJECT }

    public Deployment {
        requireNonNull(name, "name is null");
        requireNonNull(model, "model is null");
        requireNonNull(routing, "routing is null");
        features = List.copyOf(requireNonNull(features, "features is null"));
        requireNonNull(missingFeatures, "missingFeatures is null");
        outputs = List.copyOf(requireNonNull(outputs, "outputs is null"));
        requireNonNull(updatedAt, "updatedAt is null");
        requireNonNull(updatedBy, "updatedBy is null");
        if (!(logSampleRate >= 0.0 && logSampleRate <= 1.0)) {
            throw new IllegalArgumentException("logSampleRate is not between 0 and 1: " + logSampleRate);
        }
        if (revision < 1) {
            throw new IllegalArgumentException("revision is not positive: " + revision);
        }
    }
}
