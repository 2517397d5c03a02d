package io.carrara.client;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.api.Page;
import io.carrara.api.workflow.NewWorkflowRun;
import io.carrara.api.workflow.Workflow;
import io.carrara.api.workflow.WorkflowBackfill;
import io.carrara.api.workflow.WorkflowRun;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.Names;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Workflows (scheduled batch pipelines) and their runs. Reached through {@link CarraraClient#workflows()}.
 */
public final class WorkflowsClient {
    private final Transport transport;

    WorkflowsClient(Transport transport) {
        this.transport = transport;
    }

    // ---- workflows

    /**
     * Registers a workflow from its YAML text, replacing one of the same name; the server's
     * scheduler then runs it on its {@code schedule}. A bad file answers {@code INVALID_ARGUMENT}
     * whose field is the path to the bad value, e.g. {@code steps[1].predict.output}.
     */
    public Workflow register(String definition) {
        checkDefinition(definition);
        return transport.call(transport.request("/api/v1/workflows").header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(definition, UTF_8)), transport.type(Workflow.class));
    }

    /** Every registered workflow. */
    public List<Workflow> list() {
        Page<Workflow> page = transport.call(transport.request("/api/v1/workflows").GET(), transport.pageOf(Workflow.class));
        return page.items();
    }

    public Workflow get(String name) {
        return transport.call(transport.request(workflowPath(name)).GET(), transport.type(Workflow.class));
    }

    /** Stops scheduling the workflow and forgets its definition; its runs stay. */
    public void unregister(String name) {
        HttpResponse<byte[]> response = transport.send(transport.request(workflowPath(name)).timeout(transport.requestTimeout).DELETE().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() >= 400) {
            throw transport.errorOf(response.statusCode(), response.body());
        }
    }

    /**
     * Queues a run of a workflow, given as YAML text, for {@code executionDate}; {@code instance},
     * when present, scores every predict step with that instance instead of the step's own.
     */
    public WorkflowRun run(String definition, LocalDate executionDate, Optional<UUID> instance) {
        checkDefinition(definition);
        requireNonNull(executionDate, "executionDate is null");
        requireNonNull(instance, "instance is null");
        NewWorkflowRun body = new NewWorkflowRun(definition, executionDate, instance.orElse(null));
        return transport.call(transport.request("/api/v1/workflow-runs").header("Content-Type", "application/json").POST(transport.jsonBody(body)),
                transport.type(WorkflowRun.class));
    }

    /** Queues one run per date from {@code from} to {@code to} inclusive; the server runs them oldest first. */
    public List<WorkflowRun> backfill(String definition, LocalDate from, LocalDate to, Optional<UUID> instance) {
        checkDefinition(definition);
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        requireNonNull(instance, "instance is null");
        if (from.isAfter(to)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "from " + from + " is after to " + to + "; a backfill runs the dates from..to inclusive", "from");
        }
        WorkflowBackfill body = new WorkflowBackfill(definition, from, to, instance.orElse(null));
        JsonNode answer = transport.call(transport.request("/api/v1/workflow-runs/backfill").header("Content-Type", "application/json")
                .POST(transport.jsonBody(body)), transport.type(JsonNode.class));
        // The API's lists are {"items": [...]}; a bare array is read too.
        JsonNode items = answer.isArray() ? answer : answer.path("items");
        try {
            return List.copyOf(transport.json.<List<WorkflowRun>>convertValue(items,
                    transport.json.getTypeFactory().constructCollectionType(List.class, WorkflowRun.class)));
        } catch (IllegalArgumentException e) {
            throw new CarraraClientException("INTERNAL_ERROR",
                    "Carrara at " + transport.base + " answered POST /api/v1/workflow-runs/backfill with runs this client cannot read ("
                            + e.getMessage().lines().findFirst().orElse("") + "); check that client and server versions match",
                    null, 0, e);
        }
    }

    /** Runs again the steps of a failed run that did not succeed. */
    public WorkflowRun retry(UUID id) {
        return transport.call(transport.request(workflowRunPath(id) + "/retry").POST(HttpRequest.BodyPublishers.noBody()),
                transport.type(WorkflowRun.class));
    }

    public WorkflowRun getRun(UUID id) {
        return transport.call(transport.request(workflowRunPath(id)).GET(), transport.type(WorkflowRun.class));
    }

    /** A page of a workflow's runs, newest execution date first. */
    public Page<WorkflowRun> runs(String name, int limit, int offset) {
        return transport.call(transport.request(Transport.withPage(workflowPath(name) + "/runs", limit, offset)).GET(), transport.pageOf(WorkflowRun.class));
    }

    private static void checkDefinition(String definition) {
        if (definition == null || definition.isBlank()) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "the workflow definition is empty; pass the YAML text of a workflow file", "definition");
        }
    }

    private static String workflowPath(String name) {
        return "/api/v1/workflows/" + Names.checkName(name, "name");
    }

    private static String workflowRunPath(UUID id) {
        return "/api/v1/workflow-runs/" + requireNonNull(id, "id is null");
    }
}
