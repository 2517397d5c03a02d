package io.carrara.server.api;

import io.carrara.api.deploy.DeployOutcome;
import io.carrara.api.deploy.Deployment;
import io.carrara.api.deploy.DeploymentDefinition;
import io.carrara.api.deploy.DeploymentRevision;
import io.carrara.api.deploy.FeatureLookup;
import io.carrara.api.deploy.MissingFeatures;
import io.carrara.api.deploy.RevisionAction;
import io.carrara.api.deploy.Routing;
import io.carrara.registry.deploy.NewDeployment;
import java.util.List;

/**
 * The one place where the API's wire records ({@code carrara-api}) meet the registry's and the batch
 * service's own types: endpoints read a wire record, map it here into what the registry takes, and
 * map what it answers back. A field added to the API is added to its record and mapped here.
 */
final class ApiMapping {
    private ApiMapping() {}

    // ---- deployments

    /** The request as the registry takes it; the registry checks the routing and names the field at fault. */
    static NewDeployment newDeployment(DeploymentDefinition definition) {
        return new NewDeployment(definition.name(), definition.model(), definition.instance(), definition.latest(),
                definition.partitionBy(), definition.instances(), definition.fallback(),
                definition.features() == null ? null : definition.features().stream().map(ApiMapping::featureLookup).toList(),
                definition.missingFeatures(), definition.logSampleRate());
    }

    static Deployment deployment(io.carrara.registry.deploy.Deployment deployment) {
        return new Deployment(deployment.name(), deployment.model().toString(), routing(deployment.routing()),
                featureLookups(deployment.features()), missingFeatures(deployment.missingFeatures()),
                deployment.logSampleRate(), deployment.revision(), deployment.updatedAt(), deployment.updatedBy(), null);
    }

    static Deployment deployment(io.carrara.registry.deploy.DeployOutcome outcome) {
        return deployment(outcome.deployment()).withOutcome(switch (outcome.kind()) {
            case CREATED -> DeployOutcome.CREATED;
            case UPDATED -> DeployOutcome.UPDATED;
            case UNCHANGED -> DeployOutcome.UNCHANGED;
        });
    }

    static DeploymentRevision revision(io.carrara.registry.deploy.DeploymentRevision revision) {
        return new DeploymentRevision(revision.name(), revision.revision(), action(revision.action()),
                revision.model().toString(), routing(revision.routing()), featureLookups(revision.features()),
                missingFeatures(revision.missingFeatures()), revision.logSampleRate(), revision.changed(),
                revision.changedAt(), revision.changedBy(), revision.reason());
    }

    private static Routing routing(io.carrara.registry.deploy.Routing routing) {
        if (routing instanceof io.carrara.registry.deploy.Routing.Partitioned partitioned) {
            return new Routing.Partitioned(partitioned.field(), partitioned.instances(), partitioned.fallback());
        }
        return new Routing.Pinned(((io.carrara.registry.deploy.Routing.Pinned) routing).instance());
    }

    private static RevisionAction action(io.carrara.registry.deploy.DeploymentRevision.Action action) {
        return switch (action) {
            case CREATED -> RevisionAction.CREATED;
            case UPDATED -> RevisionAction.UPDATED;
            case UNDEPLOYED -> RevisionAction.UNDEPLOYED;
            case REFUSED -> RevisionAction.REFUSED;
        };
    }

    private static MissingFeatures missingFeatures(io.carrara.registry.deploy.Deployment.MissingFeatures value) {
        return switch (value) {
            case NULL -> MissingFeatures.NULL;
            case REJECT -> MissingFeatures.REJECT;
        };
    }

    private static io.carrara.registry.deploy.FeatureLookup featureLookup(FeatureLookup lookup) {
        return new io.carrara.registry.deploy.FeatureLookup(lookup.group(), lookup.key(), lookup.features());
    }

    private static List<FeatureLookup> featureLookups(List<io.carrara.registry.deploy.FeatureLookup> lookups) {
        return lookups.stream().map(lookup -> new FeatureLookup(lookup.group(), lookup.key(), lookup.features())).toList();
    }
}
