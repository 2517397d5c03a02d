package io.carrara.registry.deploy;

/**
 * Decides whether a deployment change may take traffic, before it is committed: the serving engine
 * loads the new instances and checks them against what they declare. It refuses by throwing a
 * {@link io.carrara.spi.error.CarraraException} whose message says why and what to do.
 */
@FunctionalInterface
public interface DeploymentCheck {
    /** Accepts every change: for callers that apply deployments elsewhere (tests, tools). */
    DeploymentCheck NONE = deployment -> { };

    void check(Deployment proposed);
}
