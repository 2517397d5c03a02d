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
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.ProducesJson;
import io.carrara.api.Page;
import io.carrara.api.workflow.NewWorkflowRun;
import io.carrara.api.workflow.Workflow;
import io.carrara.api.workflow.WorkflowBackfill;
import io.carrara.api.workflow.WorkflowRun;
import io.carrara.batch.workflow.WorkflowRunInfo;
import io.carrara.batch.workflow.WorkflowService;
import io.carrara.server.http.RequestBodies;
import io.carrara.spi.error.CarraraException;
import java.util.List;
import java.util.Optional;

/** The workflow endpoints under {@code /api/v1/workflows} and {@code /api/v1/workflow-runs}; see docs/api.md. */
@ProducesJson
public final class WorkflowApi {
    private final WorkflowService workflows;

    private final io.carrara.server.access.WorkflowAccess access;

    public WorkflowApi(WorkflowService workflows, io.carrara.server.access.WorkflowAccess access) {
        this.access = requireNonNull(access, "access is null");
        this.workflows = requireNonNull(workflows, "workflows is null");
    }

    /** Registers the workflow whose YAML is the body. */
    @Post("/workflows")
    public ResponseEntity<Workflow> register(AggregatedHttpRequest request) {
        String yaml = request.contentUtf8();
        if (yaml.isBlank()) {
            throw new CarraraException(INVALID_ARGUMENT, "the body must be the workflow's YAML text; see carrara workflow --help",
                    "body");
        }
        RequestBodies.requireType(request.headers(), RequestBodies.YAML, RequestBodies.YAML_ALIAS, RequestBodies.YAML_TEXT);
        WorkflowService.Registered registered = workflows.register(yaml, caller());
        return ResponseEntity.of(ResponseHeaders.of(registered.created() ? HttpStatus.CREATED : HttpStatus.OK),
                ApiMapping.workflow(registered.workflow()));
    }

    /** The workflows whose every project the caller may read (admins: all), and those it registered. */
    @Get("/workflows")
    public Page<Workflow> list() {
        io.carrara.server.access.Principal caller = io.carrara.server.access.AccessGuard.caller();
        return ApiMapping.page(workflows.list().stream().filter(workflow -> caller.isAdmin()
                || workflow.registeredBy().equals(caller.user()) || readable(workflow, caller)).toList(), ApiMapping::workflow);
    }

    private boolean readable(io.carrara.batch.workflow.WorkflowInfo workflow, io.carrara.server.access.Principal caller) {
        try {
            return access.needs(io.carrara.registry.workflow.WorkflowParser.parse(workflow.definition()), Optional.empty())
                    .keySet().stream().allMatch(project -> caller.roleIn(project).isPresent());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Get("/workflows/{name}")
    public Workflow get(@Param("name") String name) {
        return ApiMapping.workflow(workflows.get(name));
    }

    @Delete("/workflows/{name}")
    public HttpResponse unregister(@Param("name") String name) {
        workflows.unregister(name);
        return HttpResponse.of(HttpStatus.NO_CONTENT);
    }

    @Get("/workflows/{name}/runs")
    public Page<WorkflowRun> runs(@Param("name") String name, @Param("limit") Optional<String> limitParameter,
            @Param("offset") Optional<String> offsetParameter) {
        int limit = ApiParameters.integer(limitParameter, "limit", 100);
        int offset = ApiParameters.integer(offsetParameter, "offset", 0);
        ApiParameters.checkPage(limit, offset);
        return ApiMapping.page(io.carrara.registry.model.Page.fromOverfetch(workflows.runs(name, limit + 1, offset), limit, offset),
                ApiMapping::workflowRun);
    }

    @Post("/workflow-runs")
    public ResponseEntity<WorkflowRun> run(AggregatedHttpRequest request) {
        NewWorkflowRun body = JsonBodies.read(request, NewWorkflowRun.class);
        return ResponseEntity.of(ResponseHeaders.of(HttpStatus.ACCEPTED), ApiMapping.workflowRun(workflows.run(
                definition(body.definition()), body.executionDate(), Optional.ofNullable(body.instance()),
                caller())));
    }

    @Post("/workflow-runs/backfill")
    public ResponseEntity<Page<WorkflowRun>> backfill(AggregatedHttpRequest request) {
        WorkflowBackfill body = JsonBodies.read(request, WorkflowBackfill.class);
        List<WorkflowRunInfo> runs = workflows.backfill(definition(body.definition()), body.from(), body.to(),
                Optional.ofNullable(body.instance()), caller());
        return ResponseEntity.of(ResponseHeaders.of(HttpStatus.ACCEPTED), ApiMapping.page(runs, ApiMapping::workflowRun));
    }

    @Post("/workflow-runs/{id}/retry")
    public ResponseEntity<WorkflowRun> retry(@Param("id") String id) {
        return ResponseEntity.of(ResponseHeaders.of(HttpStatus.ACCEPTED), ApiMapping.workflowRun(
                workflows.retry(ApiParameters.uuid(id, "id", "a workflow run id"), caller())));
    }

    @Get("/workflow-runs/{id}")
    public WorkflowRun getRun(@Param("id") String id) {
        return ApiMapping.workflowRun(workflows.getRun(ApiParameters.uuid(id, "id", "a workflow run id")));
    }

    private static String definition(String value) {
        if (value == null || value.isBlank()) {
            throw new CarraraException(INVALID_ARGUMENT, "definition is required: the workflow's YAML text", "definition");
        }
        return value;
    }

    /** Who the change is recorded as: the authenticated caller (with authentication off, what the client said). */
    private static String caller() {
        return io.carrara.server.access.AccessGuard.caller().user();
    }
}
