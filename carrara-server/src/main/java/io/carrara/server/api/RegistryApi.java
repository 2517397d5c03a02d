package io.carrara.server.api;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.ProducesJson;
import com.linecorp.armeria.server.annotation.Put;
import com.linecorp.armeria.server.annotation.StatusCode;
import io.carrara.api.Page;
import io.carrara.api.registry.Annotation;
import io.carrara.api.registry.AnnotationValue;
import io.carrara.api.registry.Deprecation;
import io.carrara.api.registry.Event;
import io.carrara.api.registry.Instance;
import io.carrara.api.registry.Lineage;
import io.carrara.api.registry.Metric;
import io.carrara.api.registry.Model;
import io.carrara.api.registry.NewInstance;
import io.carrara.api.registry.NewMetric;
import io.carrara.api.registry.NewModel;
import io.carrara.api.registry.NewProject;
import io.carrara.api.registry.Project;
import io.carrara.registry.ModelRegistry;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ModelRef;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;
import io.carrara.server.access.AccessGuard;
import io.carrara.server.access.Principal;

/** The registry's JSON endpoints under {@code /api/v1}; see docs/api.md for the contract. */
@ProducesJson
public final class RegistryApi {
    private final ModelRegistry registry;
    private final BiConsumer<String, String> projectCreated;

    /** @param projectCreated told of each project created and by whom (the server makes its creator a manager) */
    public RegistryApi(ModelRegistry registry, BiConsumer<String, String> projectCreated) {
        this.registry = requireNonNull(registry, "registry is null");
        this.projectCreated = requireNonNull(projectCreated, "projectCreated is null");
    }

    @Post("/projects")
    @StatusCode(201)
    public Project createProject(AggregatedHttpRequest request) {
        Project project = ApiMapping.project(registry.createProject(ApiMapping.newProject(JsonBodies.read(request, NewProject.class)),
                caller()));
        projectCreated.accept(project.name(), caller());
        return project;
    }

    @Get("/projects")
    public Page<Project> listProjects() {
        Principal caller = AccessGuard.caller();
        Page<Project> all = ApiMapping.page(registry.listProjects(), ApiMapping::project);
        return new Page<>(all.items().stream().filter(project -> caller.roleIn(project.name()).isPresent()).toList(),
                all.nextOffset());
    }

    @Get("/projects/{project}")
    public Project getProject(@Param("project") String project) {
        return ApiMapping.project(registry.getProject(project));
    }

    @Post("/projects/{project}/models")
    @StatusCode(201)
    public Model createModel(@Param("project") String project, AggregatedHttpRequest request) {
        return ApiMapping.model(registry.createModel(project, ApiMapping.newModel(JsonBodies.read(request, NewModel.class)),
                caller()));
    }

    @Get("/projects/{project}/models")
    public Page<Model> listModels(@Param("project") String project) {
        return ApiMapping.page(registry.listModels(project), ApiMapping::model);
    }

    @Get("/projects/{project}/models/{model}")
    public Model getModel(@Param("project") String project, @Param("model") String model) {
        return ApiMapping.model(registry.getModel(new ModelRef(project, model)));
    }

    @Put("/projects/{project}/models/{model}/dependencies/{upstreamProject}/{upstreamModel}")
    public Model addDependency(@Param("project") String project, @Param("model") String model,
            @Param("upstreamProject") String upstreamProject, @Param("upstreamModel") String upstreamModel) {
        return ApiMapping.model(registry.addDependency(new ModelRef(project, model), upstream(upstreamProject, upstreamModel),
                caller()));
    }

    @Delete("/projects/{project}/models/{model}/dependencies/{upstreamProject}/{upstreamModel}")
    public Model removeDependency(@Param("project") String project, @Param("model") String model,
            @Param("upstreamProject") String upstreamProject, @Param("upstreamModel") String upstreamModel) {
        return ApiMapping.model(registry.removeDependency(new ModelRef(project, model),
                upstream(upstreamProject, upstreamModel), caller()));
    }

    @Get("/projects/{project}/models/{model}/lineage")
    public Lineage lineage(@Param("project") String project, @Param("model") String model,
            @Param("limit") Optional<String> limitParameter) {
        int limit = ApiParameters.integer(limitParameter, "limit", 100);
        ApiParameters.checkLimit(limit);
        return ApiMapping.lineage(registry.lineage(new ModelRef(project, model), limit));
    }

    @Post("/projects/{project}/models/{model}/instances")
    @StatusCode(201)
    public Instance createInstance(@Param("project") String project, @Param("model") String model,
            AggregatedHttpRequest request) {
        ModelRef ref = new ModelRef(project, model);
        return ApiMapping.instance(registry.createInstance(ref,
                ApiMapping.newInstance(JsonBodies.read(request, NewInstance.class)), caller()));
    }

    @Get("/projects/{project}/models/{model}/instances")
    public Page<Instance> listInstances(@Param("project") String project, @Param("model") String model,
            @Param("limit") Optional<String> limitParameter, @Param("offset") Optional<String> offsetParameter) {
        int limit = ApiParameters.integer(limitParameter, "limit", 100);
        int offset = ApiParameters.integer(offsetParameter, "offset", 0);
        return ApiMapping.page(registry.listInstances(new ModelRef(project, model), limit, offset), ApiMapping::instance);
    }

    @Get("/instances/{id}")
    public Instance getInstance(@Param("id") String id) {
        return ApiMapping.instance(registry.getInstance(parseId(id)));
    }

    @Post("/instances/{id}/deprecate")
    public Instance deprecate(@Param("id") String id, AggregatedHttpRequest request) {
        UUID instance = parseId(id);
        return ApiMapping.instance(
                registry.deprecate(instance, JsonBodies.read(request, Deprecation.class).reason(), caller()));
    }

    @Post("/instances/{id}/metrics")
    @StatusCode(201)
    public Metric addMetric(@Param("id") String id, AggregatedHttpRequest request) {
        UUID instance = parseId(id);
        return ApiMapping.metric(registry.addMetric(instance, ApiMapping.newMetric(JsonBodies.read(request, NewMetric.class)),
                caller()));
    }

    @Get("/instances/{id}/metrics")
    public Page<Metric> listMetrics(@Param("id") String id) {
        return ApiMapping.page(registry.listMetrics(parseId(id)), ApiMapping::metric);
    }

    /** An instance's annotations, by key. */
    @Get("/instances/{id}/annotations")
    public Page<Annotation> listAnnotations(@Param("id") String id) {
        return new Page<>(registry.annotations(parseId(id)).values().stream().map(RegistryApi::annotation).toList(), null);
    }

    /** Sets one annotation (body {@code {"value": "yes"}}); setting the value it has changes nothing. */
    @Put("/instances/{id}/annotations/{key}")
    public Annotation setAnnotation(@Param("id") String id, @Param("key") String key, AggregatedHttpRequest request) {
        UUID instance = parseId(id);
        return annotation(registry.setAnnotation(instance, key, JsonBodies.read(request, AnnotationValue.class).value(), caller()));
    }

    /** Removes one annotation; answers what it was. */
    @Delete("/instances/{id}/annotations/{key}")
    public Annotation removeAnnotation(@Param("id") String id, @Param("key") String key) {
        return annotation(registry.removeAnnotation(parseId(id), key, caller()));
    }

    private static Annotation annotation(io.carrara.registry.model.Annotation annotation) {
        return new Annotation(annotation.key(), annotation.value(), annotation.setAt(), annotation.setBy());
    }

    @Get("/search")
    public Page<Instance> search(@Param("q") @Default("") String query, @Param("limit") Optional<String> limit,
            @Param("offset") Optional<String> offset) {
        // Absent: the search language's own LIMIT and OFFSET (or its defaults) apply.
        Integer pageLimit = limit.filter(value -> !value.isBlank()).isPresent() ? ApiParameters.integer(limit, "limit", 0) : null;
        Integer pageOffset = offset.filter(value -> !value.isBlank()).isPresent()
                ? ApiParameters.integer(offset, "offset", 0) : null;
        Principal caller = AccessGuard.caller();
        Page<Instance> found = ApiMapping.page(registry.search(query, pageLimit, pageOffset), ApiMapping::instance);
        // Instances of projects the caller may not read are left out of the page (its paging stays the query's).
        return new Page<>(found.items().stream().filter(instance -> caller.roleIn(ModelRef.parse(instance.model(), "model").project()).isPresent())
                .toList(), found.nextOffset());
    }

    @Get("/events")
    public Page<Event> events(@Param("after") Optional<String> after, @Param("limit") Optional<String> limit) {
        Principal caller = AccessGuard.caller();
        Page<Event> events = ApiMapping.page(registry.events(ApiParameters.whole(after, "after", 0),
                ApiParameters.integer(limit, "limit", 100)), ApiMapping::event);
        // Events of projects the caller may not read are left out; the cursor (after) still moves past them.
        return new Page<>(events.items().stream().filter(event -> event.project() == null
                || caller.roleIn(event.project()).isPresent()).toList(), events.nextOffset());
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

    /** Who the change is recorded as: the authenticated caller (with authentication off, what the client said). */
    private static String caller() {
        return io.carrara.server.access.AccessGuard.caller().user();
    }
}
