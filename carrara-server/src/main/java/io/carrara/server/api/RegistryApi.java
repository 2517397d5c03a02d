package io.carrara.server.api;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Header;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.ProducesJson;
import com.linecorp.armeria.server.annotation.Put;
import com.linecorp.armeria.server.annotation.StatusCode;
import io.carrara.registry.ModelRegistry;
import io.carrara.registry.model.Event;
import io.carrara.registry.model.Instance;
import io.carrara.registry.model.Lineage;
import io.carrara.registry.model.Metric;
import io.carrara.registry.model.Model;
import io.carrara.registry.model.NewInstance;
import io.carrara.registry.model.NewMetric;
import io.carrara.registry.model.NewModel;
import io.carrara.registry.model.NewProject;
import io.carrara.registry.model.Page;
import io.carrara.registry.model.Project;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ModelRef;
import java.util.Optional;
import java.util.UUID;

/** The registry's JSON endpoints under {@code /api/v1}; see docs/api.md for the contract. */
@ProducesJson
public final class RegistryApi {
    static final String USER_HEADER = "X-Carrara-User";

    private final ModelRegistry registry;

    public RegistryApi(ModelRegistry registry) {
        this.registry = requireNonNull(registry, "registry is null");
    }

    /** The body of {@code POST /instances/{id}/deprecate}. */
    public record Deprecation(String reason) {}

    @Post("/projects")
    @StatusCode(201)
    public Project createProject(AggregatedHttpRequest request, @Header(USER_HEADER) Optional<String> user) {
        return registry.createProject(JsonBodies.read(request, NewProject.class), user.orElse(null));
    }

    @Get("/projects")
    public Page<Project> listProjects() {
        return new Page<>(registry.listProjects(), null);
    }

    @Get("/projects/{project}")
    public Project getProject(@Param("project") String project) {
        return registry.getProject(project);
    }

    @Post("/projects/{project}/models")
    @StatusCode(201)
    public Model createModel(@Param("project") String project, AggregatedHttpRequest request,
            @Header(USER_HEADER) Optional<String> user) {
        return registry.createModel(project, JsonBodies.read(request, NewModel.class), user.orElse(null));
    }

    @Get("/projects/{project}/models")
    public Page<Model> listModels(@Param("project") String project) {
        return new Page<>(registry.listModels(project), null);
    }

    @Get("/projects/{project}/models/{model}")
    public Model getModel(@Param("project") String project, @Param("model") String model) {
        return registry.getModel(new ModelRef(project, model));
    }

    @Put("/projects/{project}/models/{model}/dependencies/{upstreamProject}/{upstreamModel}")
    public Model addDependency(@Param("project") String project, @Param("model") String model,
            @Param("upstreamProject") String upstreamProject, @Param("upstreamModel") String upstreamModel,
            @Header(USER_HEADER) Optional<String> user) {
        return registry.addDependency(new ModelRef(project, model), upstream(upstreamProject, upstreamModel), user.orElse(null));
    }

    @Delete("/projects/{project}/models/{model}/dependencies/{upstreamProject}/{upstreamModel}")
    public Model removeDependency(@Param("project") String project, @Param("model") String model,
            @Param("upstreamProject") String upstreamProject, @Param("upstreamModel") String upstreamModel,
            @Header(USER_HEADER) Optional<String> user) {
        return registry.removeDependency(new ModelRef(project, model), upstream(upstreamProject, upstreamModel),
                user.orElse(null));
    }

    @Get("/projects/{project}/models/{model}/lineage")
    public Lineage lineage(@Param("project") String project, @Param("model") String model,
            @Param("limit") Optional<String> limitParameter) {
        int limit = ApiParameters.integer(limitParameter, "limit", 100);
        ApiParameters.checkLimit(limit);
        return registry.lineage(new ModelRef(project, model), limit);
    }

    @Post("/projects/{project}/models/{model}/instances")
    @StatusCode(201)
    public Instance createInstance(@Param("project") String project, @Param("model") String model,
            AggregatedHttpRequest request, @Header(USER_HEADER) Optional<String> user) {
        ModelRef ref = new ModelRef(project, model);
        return registry.createInstance(ref, JsonBodies.read(request, NewInstance.class), user.orElse(null));
    }

    @Get("/projects/{project}/models/{model}/instances")
    public Page<Instance> listInstances(@Param("project") String project, @Param("model") String model,
            @Param("limit") Optional<String> limitParameter, @Param("offset") Optional<String> offsetParameter) {
        int limit = ApiParameters.integer(limitParameter, "limit", 100);
        int offset = ApiParameters.integer(offsetParameter, "offset", 0);
        return registry.listInstances(new ModelRef(project, model), limit, offset);
    }

    @Get("/instances/{id}")
    public Instance getInstance(@Param("id") String id) {
        return registry.getInstance(parseId(id));
    }

    @Post("/instances/{id}/deprecate")
    public Instance deprecate(@Param("id") String id, AggregatedHttpRequest request,
            @Header(USER_HEADER) Optional<String> user) {
        UUID instance = parseId(id);
        return registry.deprecate(instance, JsonBodies.read(request, Deprecation.class).reason(), user.orElse(null));
    }

    @Post("/instances/{id}/metrics")
    @StatusCode(201)
    public Metric addMetric(@Param("id") String id, AggregatedHttpRequest request,
            @Header(USER_HEADER) Optional<String> user) {
        UUID instance = parseId(id);
        return registry.addMetric(instance, JsonBodies.read(request, NewMetric.class), user.orElse(null));
    }

    @Get("/instances/{id}/metrics")
    public Page<Metric> listMetrics(@Param("id") String id) {
        return new Page<>(registry.listMetrics(parseId(id)), null);
    }

    @Get("/search")
    public Page<Instance> search(@Param("q") @Default("") String query, @Param("limit") Optional<String> limit,
            @Param("offset") Optional<String> offset) {
        // Absent: the search language's own LIMIT and OFFSET (or its defaults) apply.
        Integer pageLimit = limit.filter(value -> !value.isBlank()).isPresent() ? ApiParameters.integer(limit, "limit", 0) : null;
        Integer pageOffset = offset.filter(value -> !value.isBlank()).isPresent()
                ? ApiParameters.integer(offset, "offset", 0) : null;
        return registry.search(query, pageLimit, pageOffset);
    }

    @Get("/events")
    public Page<Event> events(@Param("after") Optional<String> after, @Param("limit") Optional<String> limit) {
        return new Page<>(registry.events(ApiParameters.whole(after, "after", 0), ApiParameters.integer(limit, "limit", 100)),
                null);
    }

    static UUID parseId(String id) {
        return ApiParameters.uuid(id, "id", "an instance id");
    }

    private static ModelRef upstream(String project, String model) {
        try {
            return new ModelRef(project, model);
        } catch (CarraraException e) {
            throw new CarraraException(INVALID_ARGUMENT, e.getMessage(), "upstream");
        }
    }
}
