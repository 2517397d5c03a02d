package io.carrara.server.api;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ResponseEntity;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Header;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.ProducesJson;
import io.carrara.batch.workflow.WorkflowInfo;
import io.carrara.batch.workflow.WorkflowRunInfo;
import io.carrara.batch.workflow.WorkflowService;
import io.carrara.registry.model.Page;
import io.carrara.server.http.RequestBodies;
import io.carrara.spi.error.CarraraException;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The workflow endpoints under {@code /api/v1/workflows} and {@code /api/v1/workflow-runs}; see docs/api.md. */
@ProducesJson
public final class WorkflowApi {
    private final WorkflowService workflows;

    public WorkflowApi(WorkflowService workflows) {
        this.workflows = requireNonNull(workflows, "workflows is null");
    }

    /** The body of {@code POST /workflow-runs}. */
    public record RunRequest(String definition, LocalDate executionDate, UUID instance) {}

    /** The body of {@code POST /workflow-runs/backfill}. */
    public record BackfillRequest(String definition, LocalDate from, LocalDate to, UUID instance) {}

    /** Registers the workflow whose YAML is the body. */
    @Post("/workflows")
    public ResponseEntity<WorkflowInfo> register(AggregatedHttpRequest request, @Header(RegistryApi.USER_HEADER) Optional<String> user) {
        String yaml = request.contentUtf8();
        if (yaml.isBlank()) {
            throw new CarraraException(INVALID_ARGUMENT, "the body must be the workflow's YAML text; see carrara workflow --help",
                    "body");
        }
        RequestBodies.requireType(request.headers(), RequestBodies.YAML, RequestBodies.YAML_ALIAS, RequestBodies.YAML_TEXT);
        WorkflowService.Registered registered = workflows.register(yaml, user.orElse("anonymous"));
        return ResponseEntity.of(ResponseHeaders.of(registered.created() ? HttpStatus.CREATED : HttpStatus.OK),
                registered.workflow());
    }

    @Get("/workflows")
    public Page<WorkflowInfo> list() {
        return new Page<>(workflows.list(), null);
    }

    @Get("/workflows/{name}")
    public WorkflowInfo get(@Param("name") String name) {
        return workflows.get(name);
    }

    @Delete("/workflows/{name}")
    public HttpResponse unregister(@Param("name") String name) {
        workflows.unregister(name);
        return HttpResponse.of(HttpStatus.NO_CONTENT);
    }

    @Get("/workflows/{name}/runs")
    public Page<WorkflowRunInfo> runs(@Param("name") String name, @Param("limit") Optional<String> limitParameter,
            @Param("offset") Optional<String> offsetParameter) {
        int limit = ApiParameters.integer(limitParameter, "limit", 100);
        int offset = ApiParameters.integer(offsetParameter, "offset", 0);
        ApiParameters.checkPage(limit, offset);
        return Page.fromOverfetch(workflows.runs(name, limit + 1, offset), limit, offset);
    }

    @Post("/workflow-runs")
    public ResponseEntity<WorkflowRunInfo> run(AggregatedHttpRequest request, @Header(RegistryApi.USER_HEADER) Optional<String> user) {
        RunRequest body = JsonBodies.read(request, RunRequest.class);
        return ResponseEntity.of(ResponseHeaders.of(HttpStatus.ACCEPTED), workflows.run(definition(body.definition()),
                body.executionDate(), Optional.ofNullable(body.instance()), user.orElse("anonymous")));
    }

    @Post("/workflow-runs/backfill")
    public ResponseEntity<Page<WorkflowRunInfo>> backfill(AggregatedHttpRequest request,
            @Header(RegistryApi.USER_HEADER) Optional<String> user) {
        BackfillRequest body = JsonBodies.read(request, BackfillRequest.class);
        List<WorkflowRunInfo> runs = workflows.backfill(definition(body.definition()), body.from(), body.to(),
                Optional.ofNullable(body.instance()), user.orElse("anonymous"));
        return ResponseEntity.of(ResponseHeaders.of(HttpStatus.ACCEPTED), new Page<>(runs, null));
    }

    @Post("/workflow-runs/{id}/retry")
    public ResponseEntity<WorkflowRunInfo> retry(@Param("id") String id, @Header(RegistryApi.USER_HEADER) Optional<String> user) {
        return ResponseEntity.of(ResponseHeaders.of(HttpStatus.ACCEPTED),
                workflows.retry(ApiParameters.uuid(id, "id", "a workflow run id"), user.orElse("anonymous")));
    }

    @Get("/workflow-runs/{id}")
    public WorkflowRunInfo getRun(@Param("id") String id) {
        return workflows.getRun(ApiParameters.uuid(id, "id", "a workflow run id"));
    }

    private static String definition(String value) {
        if (value == null || value.isBlank()) {
            throw new CarraraException(INVALID_ARGUMENT, "definition is required: the workflow's YAML text", "definition");
        }
        return value;
    }
}
