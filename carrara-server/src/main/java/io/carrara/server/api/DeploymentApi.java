package io.carrara.server.api;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ResponseEntity;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.ProducesJson;
import io.carrara.api.Page;
import io.carrara.api.deploy.Deployment;
import io.carrara.api.deploy.DeploymentDefinition;
import io.carrara.api.deploy.DeploymentRevision;
import io.carrara.registry.deploy.DeployOutcome;
import io.carrara.registry.deploy.DeploymentRegistry;
import io.carrara.registry.predictions.PredictionLogStore;
import io.carrara.spi.error.CarraraException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The deployment endpoints under {@code /api/v1/deployments}; see docs/api.md. A deployment answers
 * in the shape a deploy request takes ({@code instance}, or {@code partitionBy} + {@code instances}
 * + {@code default}), so what {@code GET} returns can be edited and posted back.
 */
@ProducesJson
public final class DeploymentApi {
    private final DeploymentRegistry deployments;
    private final PredictionLogStore predictions;
    private final Listener listener;

    /**
     * Checks every change before it is committed (the serving engine loads its instances) and is told
     * of every committed change, so that the engine routes by it at once.
     */
    public interface Listener {
        /** Throws a {@link CarraraException} with the reason when the change cannot serve. */
        void check(io.carrara.registry.deploy.Deployment proposed);

        void changed(io.carrara.registry.deploy.Deployment deployment);

        void undeployed(String name);
    }

    public DeploymentApi(DeploymentRegistry deployments, PredictionLogStore predictions, Listener listener) {
        this.predictions = requireNonNull(predictions, "predictions is null");
        this.deployments = requireNonNull(deployments, "deployments is null");
        this.listener = requireNonNull(listener, "listener is null");
    }

    @Post("/deployments")
    public ResponseEntity<Deployment> deploy(AggregatedHttpRequest request) {
        DeploymentDefinition definition = JsonBodies.read(request, DeploymentDefinition.class);
        DeployOutcome outcome = deployments.deploy(ApiMapping.newDeployment(definition), caller(),
                listener::check);
        if (outcome.kind() != DeployOutcome.Kind.UNCHANGED) {
            listener.changed(outcome.deployment());
        }
        HttpStatus status = outcome.kind() == DeployOutcome.Kind.CREATED ? HttpStatus.CREATED : HttpStatus.OK;
        return ResponseEntity.of(ResponseHeaders.of(status), ApiMapping.deployment(outcome));
    }

    @Get("/deployments")
    public Page<Deployment> list() {
        io.carrara.server.access.Principal caller = io.carrara.server.access.AccessGuard.caller();
        return new Page<>(deployments.list().stream().filter(deployment -> caller.roleIn(deployment.model().project()).isPresent())
                .map(ApiMapping::deployment).toList(), null);
    }

    @Get("/deployments/{name}")
    public Deployment get(@Param("name") String name) {
        return ApiMapping.deployment(deployments.get(name));
    }

    @Get("/deployments/{name}/history")
    public Page<DeploymentRevision> history(@Param("name") String name) {
        return new Page<>(deployments.history(name).stream().map(ApiMapping::revision).toList(), null);
    }

    /**
     * The deployment's logged predictions made in {@code [from, to)} (ISO-8601 instants; default the
     * last 24 hours), oldest first, at most {@code limit} (default 100, at most 10,000). For the next
     * page, pass the last one's {@code createdAt} as {@code from}; predictions logged in that same
     * microsecond come again.
     */
    @Get("/deployments/{name}/predictions")
    public Page<io.carrara.api.predict.LoggedPrediction> predictions(@Param("name") String name, @Param("from") Optional<String> from,
            @Param("to") Optional<String> to, @Param("limit") Optional<String> limitParameter) {
        int limit = ApiParameters.integer(limitParameter, "limit", 100);
        Instant until = ApiParameters.instant(to, "to").orElseGet(Instant::now);
        Instant since = ApiParameters.instant(from, "from").orElse(until.minus(Duration.ofDays(1)));
        return new Page<>(predictions.find(name, since, until, limit).stream().map(ApiMapping::loggedPrediction).toList(), null);
    }

    @Delete("/deployments/{name}")
    public DeploymentRevision undeploy(@Param("name") String name) {
        DeploymentRevision revision = ApiMapping.revision(deployments.undeploy(name, caller()));
        listener.undeployed(name);
        return revision;
    }

    /** Who the change is recorded as: the authenticated caller (with authentication off, what the client said). */
    private static String caller() {
        return io.carrara.server.access.AccessGuard.caller().user();
    }
}
