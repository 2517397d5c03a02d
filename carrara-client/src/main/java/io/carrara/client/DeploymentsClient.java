package io.carrara.client;

import static java.util.Objects.requireNonNull;

import io.carrara.api.Page;
import io.carrara.api.deploy.Deployment;
import io.carrara.api.deploy.DeploymentDefinition;
import io.carrara.api.deploy.DeploymentRevision;
import io.carrara.api.predict.LoggedPrediction;
import io.carrara.spi.model.Names;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deployments: create or replace, read, trace, undeploy, and their logged predictions. Reached through
 * {@link CarraraClient#deployments()}.
 */
public final class DeploymentsClient {
    private final Transport transport;

    DeploymentsClient(Transport transport) {
        this.transport = transport;
    }

    // ---- deployments

    /**
     * Creates the deployment or replaces its configuration; {@link Deployment#outcome()} says which, or
     * unchanged. The server checks the definition and names the field at fault.
     */
    public Deployment deploy(DeploymentDefinition definition) {
        requireNonNull(definition, "definition is null");
        Names.checkName(definition.name(), "name");
        // The server loads the deployment's models before it answers, which may take minutes for a large artifact.
        return transport.call(transport.request("/api/v1/deployments").header("Content-Type", "application/json").POST(transport.jsonBody(definition)),
                transport.type(Deployment.class), Transport.max(transport.requestTimeout, Transport.DEPLOY_TIMEOUT));
    }

    public Deployment get(String name) {
        return transport.call(transport.request(Transport.deploymentPath(name)).GET(), transport.type(Deployment.class));
    }

    /** Every current deployment, by name. */
    public List<Deployment> list() {
        Page<Deployment> page = transport.call(transport.request("/api/v1/deployments").GET(), transport.pageOf(Deployment.class));
        return page.items();
    }

    /** Every revision of the deployment, oldest first, undeploys included. */
    public List<DeploymentRevision> history(String name) {
        Page<DeploymentRevision> page = transport.call(transport.request(Transport.deploymentPath(name) + "/history").GET(),
                transport.pageOf(DeploymentRevision.class));
        return page.items();
    }

    /**
     * The deployment's logged predictions made in {@code [from, to)}, oldest first, at most
     * {@code limit}. A null {@code from} or {@code to} leaves it to the server (the last 24 hours).
     */
    public List<LoggedPrediction> loggedPredictions(String name, Instant from, Instant to, int limit) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("from", from);
        parameters.put("to", to);
        parameters.put("limit", limit);
        Page<LoggedPrediction> page = transport.call(transport.request(Transport.withQuery(Transport.deploymentPath(name) + "/predictions", parameters)).GET(),
                transport.pageOf(LoggedPrediction.class));
        return page.items();
    }

    /** Removes the deployment and answers the {@code undeployed} revision; its history stays. */
    public DeploymentRevision undeploy(String name) {
        return transport.call(transport.request(Transport.deploymentPath(name)).DELETE(), transport.type(DeploymentRevision.class));
    }
}
