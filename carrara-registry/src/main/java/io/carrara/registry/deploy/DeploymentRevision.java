package io.carrara.registry.deploy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonValue;
import io.carrara.registry.deploy.Deployment.MissingFeatures;
import io.carrara.spi.model.ModelRef;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * One entry of a deployment's append-only history: the configuration a change left in place (for an
 * undeploy, the configuration it removed; for a refused change, the configuration that was refused,
 * with the {@code reason}), which fields it changed against the revision before, and who made it
 * when. Revisions of a name keep counting across an undeploy and a later deploy.
 */
public record DeploymentRevision(
        String name,
        int revision,
        Action action,
        ModelRef model,
        Routing routing,
        List<FeatureLookup> features,
        MissingFeatures missingFeatures,
        double logSampleRate,
        List<String> outputs,
        List<String> changed,
        Instant changedAt,
        String changedBy,
        String reason) {

    /** What a revision did; its wire name is the lower-case name, as in the event type. */
    public enum Action {
        CREATED, UPDATED, UNDEPLOYED,
        /** A change the server refused before it took traffic (its instances did not load); the deployment did not change. */
        REFUSED;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public DeploymentRevision {
        requireNonNull(name, "name is null");
        requireNonNull(action, "action is null");
        requireNonNull(model, "model is null");
        requireNonNull(routing, "routing is null");
        features = List.copyOf(requireNonNull(features, "features is null"));
        requireNonNull(missingFeatures, "missingFeatures is null");
        outputs = List.copyOf(requireNonNull(outputs, "outputs is null"));
        changed = List.copyOf(requireNonNull(changed, "changed is null"));
        requireNonNull(changedAt, "changedAt is null");
        requireNonNull(changedBy, "changedBy is null");
        if ((action == Action.REFUSED) != (reason != null)) {
            throw new IllegalArgumentException("a refused revision, and only one, has a reason");
        }
    }
}
