package io.carrara.server.access;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.api.access.Role;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What every route of the server requires, in one table: the access guard looks a request's route up here
 * and refuses what the table does not allow. A route missing from the table is refused (and the route-walk
 * test fails), so a new endpoint cannot go out without a declared requirement.
 *
 * <p>Kinds: {@code open} (no credentials), {@code health} and {@code metrics} (open when
 * {@code auth.openHealth} / {@code auth.openMetrics} say so, else any user), {@code user} (any authenticated
 * user), {@code self} (any user about itself, an admin about anyone), {@code project} (a role in every project
 * the request is about), {@code roles} (a role in each project, each its own: a batch job uses one project's model,
 * reads others' tables and writes a third's), {@code admin} (server admins). A Spark database belongs to the project of
 * its (lower-case) name; {@code default} to admins only.
 */
public final class AccessPolicy {
    public enum Kind { OPEN, HEALTH, METRICS, USER, SELF, PROJECT, ROLES, ADMIN }

    /** The facts a target reads: path parameters, the JSON body for routes that need it, and the caller. */
    public record Facts(Map<String, String> path, com.linecorp.armeria.common.QueryParams query, JsonNode body, byte[] raw,
            Principal caller) {
        public String param(String name) {
            return path.get(name);
        }
    }

    /**
     * What a request is about. For {@code project} requirements: the projects (empty when the object does not
     * exist, so that the handler answers 404); for {@code self}: the user it is about. {@code null} means the
     * answer is not in memory and the lookup may block; the guard asks again off the event loop.
     */
    public interface Target {
        Set<String> resolve(Facts facts, boolean mayBlock);
    }

    /** For {@code roles} requirements: the role needed in each project the request is about; null as for {@link Target}. */
    public interface RolesTarget {
        Map<String, Role> resolve(Facts facts, boolean mayBlock);
    }

    /**
     * Whether a call without credentials may go ahead: a deployment whose predictions are open to anyone
     * ({@code PUT /api/v1/deployments/{name}/access}). {@code null} means the answer is not in memory and the
     * lookup may block.
     */
    public interface AnonymousCheck {
        Boolean allows(Facts facts, boolean mayBlock);
    }

    /**
     * @param anonymous for calls without credentials, whether the object they are about lets them through (null: never)
     * @param audited whether a call is recorded in the audit trail even when it succeeds (changes are; reads,
     *     predictions and inference calls are not). Every refused call is recorded.
     * @param object how the audit trail names what the call was about, from path parameters: {@code {project}}
     */
    public record Requirement(Kind kind, Role role, Target target, boolean needsBody, boolean audited, String object,
            AnonymousCheck anonymous, RolesTarget roles) {
        public Requirement {
            requireNonNull(kind, "kind is null");
            if (kind == Kind.PROJECT && (role == null || target == null)) {
                throw new IllegalArgumentException("a project requirement needs a role and a target");
            }
            if (kind == Kind.ROLES && roles == null) {
                throw new IllegalArgumentException("a roles requirement needs its target");
            }
        }

        /** How docs and the route-walk test describe it: {@code project edit}, {@code admin}, ... */
        public String describe() {
            return kind.name().toLowerCase(java.util.Locale.ROOT) + (role == null ? "" : " " + role.wireName());
        }
    }

    private final Map<String, Requirement> routes;

    private AccessPolicy(Map<String, Requirement> routes) {
        this.routes = Collections.unmodifiableMap(routes);
    }

    /**
     * The requirement of {@code METHOD pattern} (pattern as declared, {@code /api/v1/projects/{project}}), if declared;
     * {@code * pattern} declares it for every method of a service that takes any.
     */
    public Optional<Requirement> requirement(String method, String pattern) {
        String path = normalize(pattern);
        Requirement exact = routes.get(method + " " + path);
        return Optional.ofNullable(exact != null ? exact : routes.get("* " + path));
    }

    /** Every declared route, {@code METHOD pattern} to requirement. */
    public Map<String, Requirement> routes() {
        return routes;
    }

    /** Armeria writes path parameters as {@code :name} in some patterns; the table uses {@code {name}}. */
    static String normalize(String pattern) {
        return pattern.replaceAll(":([A-Za-z_][A-Za-z0-9_]*)", "{$1}");
    }

    /** The table of the server's routes, resolving objects to projects with {@code targets}. */
    public static AccessPolicy standard(Targets targets) {
        Builder b = new Builder();
        Target project = targets.projectParameter("project");
        Target instance = targets.instanceParameter("id");
        Target deployment = targets.deploymentParameter("name");
        Target model = targets.deploymentParameter("name");
        AnonymousCheck open = targets.anonymousDeployment("name");

        // Health, reference pages and the server's own metadata.
        b.route("GET /api/v1/health", Kind.HEALTH);
        b.route("GET /v2/health/live", Kind.HEALTH);
        b.route("GET /v2/health/ready", Kind.HEALTH);
        b.route("GET /v2", Kind.HEALTH);
        // Services that take any method (and answer 405 to the ones they do not serve).
        b.route("* /metrics", Kind.METRICS);
        b.route("* /v2/*", Kind.OPEN);     // only answers 404 in the protocol's error shape
        b.route("GET /docs/api", Kind.OPEN);
        b.route("GET /", Kind.OPEN);

        // Identity, users, tokens, members, audit.
        b.route("GET /api/v1/whoami", Kind.USER);
        b.route("POST /api/v1/users", Kind.ADMIN).audited("user");
        b.route("GET /api/v1/users", Kind.ADMIN);
        b.route("GET /api/v1/users/{name}", Kind.SELF, targets.userParameter("name"));
        b.route("POST /api/v1/users/{name}/disable", Kind.ADMIN).audited("user {name}");
        b.route("POST /api/v1/users/{name}/enable", Kind.ADMIN).audited("user {name}");
        b.route("GET /api/v1/users/{name}/tokens", Kind.SELF, targets.userParameter("name"));
        b.route("POST /api/v1/tokens", Kind.SELF, targets.userInBody("user")).body().audited("token");
        b.route("GET /api/v1/tokens", Kind.SELF, targets.userInQuery("user"));
        b.route("DELETE /api/v1/tokens/{id}", Kind.SELF, targets.tokenOwner("id")).audited("token {id}");
        b.route("GET /api/v1/projects/{project}/members", Kind.PROJECT, Role.READ, project);
        b.route("PUT /api/v1/projects/{project}/members/{principal}", Kind.PROJECT, Role.MANAGE, project)
                .audited("member {principal} of project {project}");
        b.route("DELETE /api/v1/projects/{project}/members/{principal}", Kind.PROJECT, Role.MANAGE, project)
                .audited("member {principal} of project {project}");
        b.route("GET /api/v1/audit", Kind.ADMIN);
        // Rules act on every project, as the server: reading, syncing and trying them is for server admins.
        b.route("GET /api/v1/rules", Kind.ADMIN);
        b.route("GET /api/v1/rules/evaluations", Kind.ADMIN);
        b.route("GET /api/v1/rules/syncs", Kind.ADMIN);
        b.route("GET /api/v1/rules/followers", Kind.ADMIN);
        b.route("DELETE /api/v1/rules/followers/{deployment}", Kind.ADMIN).audited("deployment {deployment}");
        b.route("PUT /api/v1/rules/followers/{deployment}", Kind.ADMIN).audited("deployment {deployment}");
        b.route("POST /api/v1/rules/{name}/followers", Kind.ADMIN).audited("rule {name}");
        b.route("POST /api/v1/rules/sync", Kind.ADMIN).audited("rules");
        b.route("GET /api/v1/rules/{name}", Kind.ADMIN);
        b.route("GET /api/v1/rules/{name}/versions", Kind.ADMIN);
        b.route("POST /api/v1/rules/{name}/evaluate", Kind.ADMIN).audited("rule {name}");

        // The registry. Lists and search answer what the caller may read.
        b.route("POST /api/v1/projects", Kind.USER).audited("project");
        b.route("GET /api/v1/projects", Kind.USER);
        b.route("GET /api/v1/projects/{project}", Kind.PROJECT, Role.READ, project);
        // Where a project's alerts go is its managers' choice; its readers may see where (never the secrets).
        b.route("POST /api/v1/projects/{project}/alert-webhooks", Kind.PROJECT, Role.MANAGE, project)
                .audited("alert webhooks of project {project}");
        b.route("GET /api/v1/projects/{project}/alert-webhooks", Kind.PROJECT, Role.READ, project);
        b.route("DELETE /api/v1/projects/{project}/alert-webhooks/{id}", Kind.PROJECT, Role.MANAGE, project)
                .audited("alert webhooks of project {project}");
        b.route("POST /api/v1/projects/{project}/alert-webhooks/{id}/test", Kind.PROJECT, Role.MANAGE, project)
                .audited("alert webhooks of project {project}");
        b.route("POST /api/v1/projects/{project}/models", Kind.PROJECT, Role.EDIT, project).audited("models of project {project}");
        b.route("GET /api/v1/projects/{project}/models", Kind.PROJECT, Role.READ, project);
        b.route("GET /api/v1/projects/{project}/models/{model}", Kind.PROJECT, Role.READ, project);
        b.route("PUT /api/v1/projects/{project}/models/{model}/dependencies/{upstreamProject}/{upstreamModel}", Kind.PROJECT,
                Role.EDIT, project).audited("model {project}/{model}");
        b.route("DELETE /api/v1/projects/{project}/models/{model}/dependencies/{upstreamProject}/{upstreamModel}",
                Kind.PROJECT, Role.EDIT, project).audited("model {project}/{model}");
        b.route("GET /api/v1/projects/{project}/models/{model}/lineage", Kind.PROJECT, Role.READ, project);
        b.route("POST /api/v1/projects/{project}/models/{model}/instances", Kind.PROJECT, Role.EDIT, project)
                .audited("model {project}/{model}");
        b.route("GET /api/v1/projects/{project}/models/{model}/instances", Kind.PROJECT, Role.READ, project);
        b.route("GET /api/v1/instances/{id}", Kind.PROJECT, Role.READ, instance);
        b.route("POST /api/v1/instances/{id}/deprecate", Kind.PROJECT, Role.EDIT, instance).audited("instance {id}");
        b.route("POST /api/v1/instances/{id}/metrics", Kind.PROJECT, Role.EDIT, instance).audited("instance {id}");
        b.route("GET /api/v1/instances/{id}/metrics", Kind.PROJECT, Role.READ, instance);
        b.route("GET /api/v1/instances/{id}/artifact", Kind.PROJECT, Role.READ, instance);
        b.route("GET /api/v1/instances/{id}/annotations", Kind.PROJECT, Role.READ, instance);
        b.route("GET /api/v1/instances/{id}/profile", Kind.PROJECT, Role.READ, instance);
        b.route("PUT /api/v1/instances/{id}/profile", Kind.PROJECT, Role.EDIT, instance).audited("instance {id}");
        b.route("PUT /api/v1/instances/{id}/annotations/{key}", Kind.PROJECT, Role.EDIT, instance).audited("instance {id}");
        b.route("DELETE /api/v1/instances/{id}/annotations/{key}", Kind.PROJECT, Role.EDIT, instance).audited("instance {id}");
        // Content-addressed bytes, useless until an instance in a project the caller may edit names them.
        b.route("POST /api/v1/blobs", Kind.USER).audited("blob");
        b.route("GET /api/v1/search", Kind.USER);
        b.route("GET /api/v1/events", Kind.USER);

        // Deployments and predictions.
        b.route("POST /api/v1/deployments", Kind.PROJECT, Role.EDIT, targets.deploymentInBody()).body().audited("deployment");
        b.route("GET /api/v1/deployments", Kind.USER);
        b.route("GET /api/v1/deployments/{name}", Kind.PROJECT, Role.READ, deployment);
        b.route("GET /api/v1/deployments/{name}/history", Kind.PROJECT, Role.READ, deployment);
        b.route("GET /api/v1/deployments/{name}/predictions", Kind.PROJECT, Role.USE, deployment);
        b.route("DELETE /api/v1/deployments/{name}", Kind.PROJECT, Role.MANAGE, deployment).audited("deployment {name}");
        b.route("POST /api/v1/deployments/{name}/predict", Kind.PROJECT, Role.USE, deployment).anonymousIf(open);
        b.route("GET /api/v1/deployments/{name}/access", Kind.PROJECT, Role.READ, deployment);
        b.route("PUT /api/v1/deployments/{name}/access", Kind.PROJECT, Role.MANAGE, deployment).audited("deployment {name}");
        // Outcomes are the labels of the project's predictions: its editors send them, its readers see the settings.
        b.route("GET /api/v1/deployments/{name}/monitoring/settings", Kind.PROJECT, Role.READ, deployment);
        b.route("PUT /api/v1/deployments/{name}/monitoring/settings", Kind.PROJECT, Role.EDIT, deployment)
                .audited("monitoring of deployment {name}");
        b.route("POST /api/v1/deployments/{name}/outcomes", Kind.PROJECT, Role.EDIT, deployment).audited("outcomes of deployment {name}");
        b.route("GET /api/v1/deployments/{name}/monitoring", Kind.PROJECT, Role.READ, deployment);
        b.route("POST /api/v1/monitoring/run", Kind.ADMIN).audited("monitoring");
        // The prediction log exported to a table (reading predictions is use; writing the table, edit on its database),
        // and windows computed on Spark from such a table (recording metrics is edit; reading the table, read).
        b.roles("POST /api/v1/deployments/{name}/monitoring/export", targets.deploymentAndTableBody("name", Role.USE, Role.EDIT))
                .body().audited("prediction log of deployment {name}");
        b.roles("POST /api/v1/deployments/{name}/monitoring/compute", targets.deploymentAndTableBody("name", Role.EDIT, Role.READ))
                .body().audited("monitoring of deployment {name}");

        // The Open Inference Protocol: a model is a deployment.
        b.route("GET /v2/models", Kind.USER);
        b.route("GET /v2/models/{name}", Kind.PROJECT, Role.READ, model).anonymousIf(open);
        b.route("GET /v2/models/{name}/versions/{version}", Kind.PROJECT, Role.READ, model).anonymousIf(open);
        b.route("GET /v2/models/{name}/ready", Kind.PROJECT, Role.READ, model).anonymousIf(open);
        b.route("GET /v2/models/{name}/versions/{version}/ready", Kind.PROJECT, Role.READ, model).anonymousIf(open);
        b.route("POST /v2/models/{name}/infer", Kind.PROJECT, Role.USE, model).anonymousIf(open);
        b.route("POST /v2/models/{name}/versions/{version}/infer", Kind.PROJECT, Role.USE, model).anonymousIf(open);
        // gRPC: the model is named in the (unary) request message, field 1 of all three requests.
        for (String method : List.of("ServerLive", "ServerReady", "ServerMetadata")) {
            b.route("* /inference.GRPCInferenceService/" + method, Kind.HEALTH);
        }
        Target grpcModel = targets.deploymentInGrpcMessage();
        AnonymousCheck grpcOpen = targets.anonymousGrpcDeployment();
        b.route("* /inference.GRPCInferenceService/ModelReady", Kind.PROJECT, Role.READ, grpcModel).body().anonymousIf(grpcOpen);
        b.route("* /inference.GRPCInferenceService/ModelMetadata", Kind.PROJECT, Role.READ, grpcModel).body()
                .anonymousIf(grpcOpen);
        b.route("* /inference.GRPCInferenceService/ModelInfer", Kind.PROJECT, Role.USE, grpcModel).body().anonymousIf(grpcOpen);

        // The online feature store is shared by every deployment: admins write it, users read it.
        b.route("PUT /api/v1/features/{group}/{key}", Kind.ADMIN).audited("feature {group}/{key}");
        b.route("GET /api/v1/features/{group}/{key}", Kind.USER);
        b.route("DELETE /api/v1/features/{group}/{key}", Kind.ADMIN).audited("feature {group}/{key}");
        b.route("POST /api/v1/features/{group}", Kind.ADMIN).audited("feature group {group}");

        // Spark SQL: a database is its project's. Tables are read with read and written with edit there (a where
        // condition's subqueries count as reads); a batch job needs use on its model's project, read on every table its
        // query names and edit on its output's.
        Target table = targets.tableParameter("table");
        b.route("POST /api/v1/tables/{table}/import", Kind.PROJECT, Role.EDIT, table).audited("table {table}");
        b.route("GET /api/v1/tables", Kind.USER);
        b.route("GET /api/v1/tables/{table}", Kind.PROJECT, Role.READ, table);
        b.route("GET /api/v1/tables/{table}/rows", Kind.PROJECT, Role.READ, table);
        b.roles("POST /api/v1/batch/jobs", targets.batchJobBody()).body().audited("batch job");
        b.route("GET /api/v1/batch/jobs", Kind.USER);
        b.route("GET /api/v1/batch/jobs/{id}", Kind.PROJECT, Role.READ, targets.batchJobParameter("id"));
        b.route("POST /api/v1/batch/jobs/{id}/cancel", Kind.PROJECT, Role.USE, targets.batchJobParameter("id"))
                .audited("batch job {id}");
        // Workflows: what they do is checked when they are registered or run on demand, with the caller's roles, and as
        // each run starts, with the roles of whoever it runs for (WorkflowAccess). Reading one needs read wherever it works.
        b.roles("POST /api/v1/workflows", targets.workflowYamlBody()).body().audited("workflow");
        b.route("GET /api/v1/workflows", Kind.USER);
        b.roles("GET /api/v1/workflows/{name}", targets.registeredWorkflow("name", true));
        b.roles("DELETE /api/v1/workflows/{name}", targets.registeredWorkflow("name", false)).audited("workflow {name}");
        b.roles("GET /api/v1/workflows/{name}/runs", targets.registeredWorkflow("name", true));
        b.roles("POST /api/v1/workflow-runs", targets.workflowRunBody()).body().audited("workflow run");
        b.roles("POST /api/v1/workflow-runs/backfill", targets.workflowRunBody()).body().audited("workflow runs");
        b.roles("POST /api/v1/workflow-runs/{id}/retry", targets.workflowRun("id", false)).audited("workflow run {id}");
        b.roles("GET /api/v1/workflow-runs/{id}", targets.workflowRun("id", true));
        return new AccessPolicy(b.routes);
    }

    /** Resolves what requests are about; implemented over the registry by {@link RegistryTargets}. */
    public interface Targets {
        Target projectParameter(String parameter);

        Target instanceParameter(String parameter);

        Target deploymentParameter(String parameter);

        /** The deploy request's model or instances, and the project of the deployment it replaces. */
        Target deploymentInBody();

        /** The deployment named in field 1 of a gRPC inference request message (name / model_name). */
        Target deploymentInGrpcMessage();

        /** Whether the deployment named by a path parameter takes predictions without a token. */
        AnonymousCheck anonymousDeployment(String parameter);

        /** As {@link #anonymousDeployment}, for the deployment named in a gRPC request message. */
        AnonymousCheck anonymousGrpcDeployment();

        Target userParameter(String parameter);

        /** The project of the Spark database of the table a path parameter names, and of those its where condition reads. */
        Target tableParameter(String parameter);

        /** A batch job request's model (use), its query's tables (read) and its output table (edit). */
        RolesTarget batchJobBody();

        /**
         * The project of the deployment a path parameter names, with {@code deploymentRole}, and of the Spark database of
         * the table the body's {@code table} names, with {@code tableRole}: a deployment's monitoring over a table.
         */
        RolesTarget deploymentAndTableBody(String parameter, Role deploymentRole, Role tableRole);

        /** The project of the model a batch job scores. */
        Target batchJobParameter(String parameter);

        /** What the workflow in a YAML body needs ({@code WorkflowAccess}). */
        RolesTarget workflowYamlBody();

        /** What the workflow of a run request ({@code definition}, {@code instance}) needs. */
        RolesTarget workflowRunBody();

        /** What a registered workflow needs, or read in each of its projects when {@code reading}. */
        RolesTarget registeredWorkflow(String parameter, boolean reading);

        /** As {@link #registeredWorkflow}, for the definition a run runs. */
        RolesTarget workflowRun(String parameter, boolean reading);

        /** The user named in a query parameter ({@code *}: every user), the caller when absent. */
        Target userInQuery(String parameter);

        /** The user named in a JSON body field, the caller when absent. */
        Target userInBody(String field);

        Target tokenOwner(String parameter);
    }

    private static final class Builder {
        final Map<String, Requirement> routes = new LinkedHashMap<>();

        Entry route(String key, Kind kind) {
            return route(key, kind, null, null);
        }

        Entry route(String key, Kind kind, Target target) {
            return route(key, kind, null, target);
        }

        Entry roles(String key, RolesTarget roles) {
            Entry entry = new Entry(this, key, new Requirement(Kind.ROLES, null, null, false, false, null, null, roles));
            if (routes.put(key, entry.requirement) != null) {
                throw new IllegalStateException("route declared twice: " + key);
            }
            return entry;
        }

        Entry route(String key, Kind kind, Role role, Target target) {
            Entry entry = new Entry(this, key, new Requirement(kind, role, target, false, false, null, null, null));
            if (routes.put(key, entry.requirement) != null) {
                throw new IllegalStateException("route declared twice: " + key);
            }
            return entry;
        }
    }

    private static final class Entry {
        private final Builder builder;
        private final String key;
        Requirement requirement;

        Entry(Builder builder, String key, Requirement requirement) {
            this.builder = builder;
            this.key = key;
            this.requirement = requirement;
        }

        Entry body() {
            return replace(r -> new Requirement(r.kind(), r.role(), r.target(), true, r.audited(), r.object(), r.anonymous(),
                    r.roles()));
        }

        Entry audited(String object) {
            return replace(r -> new Requirement(r.kind(), r.role(), r.target(), r.needsBody(), true, object, r.anonymous(),
                    r.roles()));
        }

        /** Calls without credentials go ahead when {@code check} says the deployment lets them. */
        Entry anonymousIf(AnonymousCheck check) {
            return replace(r -> new Requirement(r.kind(), r.role(), r.target(), r.needsBody(), r.audited(), r.object(), check,
                    r.roles()));
        }

        private Entry replace(Function<Requirement, Requirement> change) {
            requirement = change.apply(requirement);
            builder.routes.put(key, requirement);
            return this;
        }
    }
}
