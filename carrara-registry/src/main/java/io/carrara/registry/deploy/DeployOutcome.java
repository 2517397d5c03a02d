package io.carrara.registry.deploy;

import static java.util.Objects.requireNonNull;

/**
 * What {@link DeploymentRegistry#deploy} did: the deployment as it now stands, and whether the call
 * created it, changed it (a new revision) or found it already configured so (no new revision).
 */
public record DeployOutcome(Deployment deployment, Kind kind) {
    public enum Kind { CREATED, UPDATED, UNCHANGED }

    public DeployOutcome {
        requireNonNull(deployment, "deployment is null");
        requireNonNull(kind, "kind is null");
    }
}
