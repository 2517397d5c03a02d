package io.carrara.server.access;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.registry.ModelRegistry;
import io.carrara.registry.deploy.DeploymentRegistry;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.ErrorType;
import io.carrara.spi.model.ModelRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import io.carrara.api.access.Role;
import io.carrara.registry.workflow.WorkflowDefinition;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves the objects of requests to projects over the registry. An instance's project never changes,
 * so it is kept for good (up to a bound); a deployment's model can change, so its project is kept for
 * {@code cacheFor} like tokens are. Lookups that would read the database say so when they may not block.
 */
public final class RegistryTargets implements AccessPolicy.Targets {
    private static final int MAX_CACHED = 50_000;
    private static final Set<String> NONE = Set.of();

    private final ModelRegistry registry;
    private final DeploymentRegistry deployments;
    private final AccessStore store;
    private final Duration cacheFor;
    private final Clock clock;
    private final java.util.function.Function<UUID, java.util.Optional<String>> jobModels;
    private final java.util.function.Function<String, java.util.Optional<WorkflowDefinition>> workflows;
    private final java.util.function.Function<UUID, java.util.Optional<WorkflowDefinition>> runs;
    private final WorkflowAccess workflowAccess;
    private final io.carrara.spark.sql.SqlPolicy sql = io.carrara.spark.sql.SqlPolicy.of(java.util.Optional.empty());
    private final Map<UUID, String> instanceProjects = new ConcurrentHashMap<>();
    private final Map<String, Timed> deploymentProjects = new ConcurrentHashMap<>();
    private final Renewals<String> renewals = new Renewals<>();
    /** Counts the changes this server made to deployments: a read that began before one does not store what it read. */
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();

    private record Timed(Set<String> projects, boolean anonymous, Instant readAt) {}

    /**
     * What the batch side knows, for the objects of batch and workflow requests.
     *
     * @param jobModels the model ({@code project/model}) a batch job scores, if the job exists
     * @param workflows a registered workflow's definition, if it is registered
     * @param runs the definition a workflow run runs, if the run exists
     */
    public record BatchLookups(java.util.function.Function<UUID, java.util.Optional<String>> jobModels,
            java.util.function.Function<String, java.util.Optional<WorkflowDefinition>> workflows,
            java.util.function.Function<UUID, java.util.Optional<WorkflowDefinition>> runs) {
        public static final BatchLookups NONE = new BatchLookups(id -> java.util.Optional.empty(),
                name -> java.util.Optional.empty(), id -> java.util.Optional.empty());
    }

    public RegistryTargets(ModelRegistry registry, DeploymentRegistry deployments, AccessStore store, Duration cacheFor,
            Clock clock) {
        this(registry, deployments, store, cacheFor, clock, BatchLookups.NONE);
    }

    public RegistryTargets(ModelRegistry registry, DeploymentRegistry deployments, AccessStore store, Duration cacheFor,
            Clock clock, BatchLookups batch) {
        this.jobModels = requireNonNull(batch, "batch is null").jobModels();
        this.workflows = batch.workflows();
        this.runs = batch.runs();
        this.workflowAccess = new WorkflowAccess(this, store);
        this.registry = requireNonNull(registry, "registry is null");
        this.deployments = requireNonNull(deployments, "deployments is null");
        this.store = requireNonNull(store, "store is null");
        this.cacheFor = requireNonNull(cacheFor, "cacheFor is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public AccessPolicy.Target projectParameter(String parameter) {
        return (facts, mayBlock) -> {
            String project = facts.param(parameter);
            return project == null ? NONE : Set.of(project);
        };
    }

    @Override
    public AccessPolicy.Target instanceParameter(String parameter) {
        return (facts, mayBlock) -> {
            UUID id;
            try {
                id = UUID.fromString(String.valueOf(facts.param(parameter)));
            } catch (IllegalArgumentException e) {
                return NONE;    // the handler names the malformed id
            }
            return instanceProject(id, mayBlock);
        };
    }

    /** The project of instance {@code id} (none when it does not exist); may read the database. */
    public Set<String> instanceProjects(UUID id) {
        return instanceProject(id, true);
    }

    private Set<String> instanceProject(UUID id, boolean mayBlock) {
        String cached = instanceProjects.get(id);
        if (cached != null) {
            return Set.of(cached);
        }
        if (!mayBlock) {
            return null;
        }
        try {
            String project = registry.getInstance(id).model().project();
            if (instanceProjects.size() >= MAX_CACHED) {
                instanceProjects.clear();
            }
            instanceProjects.put(id, project);
            return Set.of(project);
        } catch (CarraraException e) {
            if (e.errorCode().type() == ErrorType.NOT_FOUND) {
                return NONE;
            }
            throw e;
        }
    }

    @Override
    public AccessPolicy.Target deploymentParameter(String parameter) {
        return (facts, mayBlock) -> deploymentProject(facts.param(parameter), mayBlock);
    }

    /** The project of deployment {@code name} (none when it does not exist); may read the database. */
    public Set<String> deploymentProjects(String name) {
        return deploymentProject(name, true);
    }

    private Set<String> deploymentProject(String name, boolean mayBlock) {
        Timed timed = deployment(name, mayBlock);
        return timed == null ? null : timed.projects();
    }

    /** The deployment's project and whether it takes anonymous predictions; null when not cached and may not block. */
    private Timed deployment(String name, boolean mayBlock) {
        if (name == null) {
            return new Timed(NONE, false, Instant.MIN);
        }
        Timed cached = deploymentProjects.get(name);
        Instant now = clock.instant();
        if (cached != null && !cached.readAt().plus(cacheFor).isBefore(now)) {
            return cached;
        }
        if (cached != null && !cached.readAt().plus(cacheFor.multipliedBy(2)).isBefore(now)) {
            // Stale but recent: answered as it is while one background read renews it.
            long generation = changes.get();
            renewals.renew(name, () -> readDeployment(name, clock.instant(), generation));
            return cached;
        }
        if (!mayBlock) {
            return null;
        }
        return readDeployment(name, now, changes.get());
    }

    /** Reads and caches the deployment's entry, unless a change this server made came after {@code generation}. */
    private Timed readDeployment(String name, Instant now, long generation) {
        Set<String> projects;
        try {
            projects = Set.of(deployments.get(name).model().project());
        } catch (CarraraException e) {
            if (e.errorCode().type() != ErrorType.NOT_FOUND && e.errorCode().type() != ErrorType.INVALID_INPUT) {
                throw e;
            }
            projects = NONE;
        }
        boolean anonymous = !projects.isEmpty() && Boolean.TRUE.equals(store.deploymentAccess(name).anonymousPredictions());
        if (deploymentProjects.size() >= MAX_CACHED) {
            deploymentProjects.clear();
        }
        Timed read = new Timed(projects, anonymous, now);
        if (changes.get() == generation) {
            deploymentProjects.put(name, read);
        }
        return read;
    }

    @Override
    public AccessPolicy.AnonymousCheck anonymousDeployment(String parameter) {
        return (facts, mayBlock) -> anonymous(facts.param(parameter), mayBlock);
    }

    @Override
    public AccessPolicy.AnonymousCheck anonymousGrpcDeployment() {
        return (facts, mayBlock) -> anonymous(grpcModelName(facts.raw()), mayBlock);
    }

    private Boolean anonymous(String name, boolean mayBlock) {
        if (name == null) {
            return false;
        }
        try {
            Timed timed = deployment(name, mayBlock);
            return timed == null ? null : timed.anonymous();
        } catch (CarraraException e) {
            return false;
        }
    }

    @Override
    public AccessPolicy.Target deploymentInBody() {
        return (facts, mayBlock) -> {
            if (!mayBlock) {
                return null;
            }
            JsonNode body = facts.body();
            Set<String> projects = new LinkedHashSet<>();
            if (body == null || !body.isObject()) {
                return projects;    // the handler names what is wrong with the body
            }
            JsonNode model = body.get("model");
            if (model != null && model.isTextual()) {
                try {
                    projects.add(ModelRef.parse(model.asText(), "model").project());
                } catch (CarraraException e) {
                    // The handler names the malformed model.
                }
            }
            addInstance(body.get("instance"), projects);
            addInstance(body.get("default"), projects);
            JsonNode instances = body.get("instances");
            if (instances != null && instances.isObject()) {
                instances.elements().forEachRemaining(value -> addInstance(value, projects));
            }
            JsonNode name = body.get("name");
            if (name != null && name.isTextual()) {
                changes.incrementAndGet();
                deploymentProjects.remove(name.asText());
                projects.addAll(deploymentProject(name.asText(), true));
            }
            return projects;
        };
    }

    private void addInstance(JsonNode value, Set<String> projects) {
        if (value != null && value.isTextual()) {
            try {
                projects.addAll(instanceProject(UUID.fromString(value.asText()), true));
            } catch (IllegalArgumentException e) {
                // The handler names the malformed id.
            }
        }
    }

    @Override
    public AccessPolicy.Target deploymentInGrpcMessage() {
        return (facts, mayBlock) -> {
            String name = grpcModelName(facts.raw());
            return name == null ? NONE : deploymentProject(name, mayBlock);
        };
    }

    /**
     * Field 1 (a string) of the first gRPC message in a unary request body: a 5-byte frame header (compression
     * flag, length), then the protobuf message. Null when absent, compressed or malformed: the service answers it.
     */
    static String grpcModelName(byte[] raw) {
        if (raw == null || raw.length < 5 || raw[0] != 0) {
            return null;
        }
        try {
            com.google.protobuf.CodedInputStream input = com.google.protobuf.CodedInputStream.newInstance(raw, 5, raw.length - 5);
            for (int tag = input.readTag(); tag != 0; tag = input.readTag()) {
                if (tag == ((1 << 3) | 2)) {
                    return input.readStringRequireUtf8();
                }
                if (!input.skipField(tag)) {
                    return null;
                }
            }
            return null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    @Override
    public AccessPolicy.Target userParameter(String parameter) {
        return (facts, mayBlock) -> {
            String user = facts.param(parameter);
            return user == null ? NONE : Set.of(user);
        };
    }

    @Override
    public AccessPolicy.Target userInQuery(String parameter) {
        return (facts, mayBlock) -> {
            String user = facts.query().get(parameter);
            return Set.of(user == null || user.isBlank() ? facts.caller().user() : user);
        };
    }

    @Override
    public AccessPolicy.Target userInBody(String field) {
        return (facts, mayBlock) -> {
            JsonNode body = facts.body();
            JsonNode user = body == null || !body.isObject() ? null : body.get(field);
            return Set.of(user != null && user.isTextual() ? user.asText() : facts.caller().user());
        };
    }

    @Override
    public AccessPolicy.Target tokenOwner(String parameter) {
        return (facts, mayBlock) -> {
            if (!mayBlock) {
                return null;
            }
            try {
                return store.findToken(UUID.fromString(String.valueOf(facts.param(parameter))))
                        .map(token -> Set.of(token.user())).orElse(Set.of(facts.caller().user()));
            } catch (IllegalArgumentException e) {
                return Set.of(facts.caller().user());
            }
        };
    }

    // ---- Spark SQL

    /** The project a Spark database belongs to: the one of its name, lower-case as Spark keeps database names. */
    public static String databaseProject(List<String> table) {
        String database = switch (table.size()) {
            case 0, 1 -> "default";
            case 2 -> table.get(0);
            default -> table.get(table.size() - 2);
        };
        return database.toLowerCase(java.util.Locale.ROOT);
    }

    private static List<String> tableName(String value) {
        return value == null ? List.of() : List.of(value.split("\\.", -1));
    }

    @Override
    public AccessPolicy.Target tableParameter(String parameter) {
        return (facts, mayBlock) -> {
            Set<String> projects = new LinkedHashSet<>();
            String table = facts.param(parameter);
            if (table != null) {
                projects.add(databaseProject(tableName(table)));
            }
            String where = facts.query().get("where");
            if (where != null && !where.isBlank()) {
                sql.tablesReadByCondition(where).forEach(read -> projects.add(databaseProject(read)));
            }
            return projects;
        };
    }

    @Override
    public AccessPolicy.RolesTarget batchJobBody() {
        return (facts, mayBlock) -> {
            if (!mayBlock) {
                return null;
            }
            Map<String, Role> roles = new java.util.LinkedHashMap<>();
            JsonNode body = facts.body();
            if (body == null || !body.isObject()) {
                return roles;    // the handler names what is wrong with the body
            }
            Set<String> models = new LinkedHashSet<>();
            JsonNode instance = body.get("instance");
            if (instance != null && instance.isTextual()) {
                addInstance(instance, models);
            }
            JsonNode deployment = body.get("deployment");
            if (deployment != null && deployment.isTextual()) {
                try {
                    models.addAll(deploymentProject(deployment.asText(), true));
                } catch (CarraraException e) {
                    // A malformed name: the handler names it.
                }
            }
            models.forEach(project -> need(roles, project, Role.USE));
            JsonNode query = body.get("query");
            if (query != null && query.isTextual()) {
                sql.tablesRead(query.asText()).forEach(table -> need(roles, databaseProject(table), Role.READ));
            }
            JsonNode output = body.get("output");
            if (output != null && output.isTextual()) {
                need(roles, databaseProject(tableName(output.asText())), Role.EDIT);
            }
            return roles;
        };
    }

    @Override
    public AccessPolicy.RolesTarget deploymentAndTableBody(String parameter, Role deploymentRole, Role tableRole) {
        return (facts, mayBlock) -> {
            if (!mayBlock) {
                return null;
            }
            Map<String, Role> roles = new java.util.LinkedHashMap<>();
            try {
                Set<String> projects = deploymentProject(String.valueOf(facts.param(parameter)), true);
                if (projects != null) {
                    projects.forEach(project -> need(roles, project, deploymentRole));
                }
            } catch (CarraraException e) {
                // A malformed name: the handler names it.
            }
            JsonNode body = facts.body();
            if (body != null && body.isObject() && body.path("table").isTextual()) {
                need(roles, databaseProject(tableName(body.path("table").asText())), tableRole);
            }
            return roles;
        };
    }

    private static void need(Map<String, Role> roles, String project, Role role) {
        roles.merge(project, role, (a, b) -> a.includes(b) ? a : b);
    }

    @Override
    public AccessPolicy.Target batchJobParameter(String parameter) {
        return (facts, mayBlock) -> {
            if (!mayBlock) {
                return null;
            }
            try {
                return jobModels.apply(UUID.fromString(String.valueOf(facts.param(parameter))))
                        .map(model -> Set.of(io.carrara.spi.model.ModelRef.parse(model, "model").project())).orElse(NONE);
            } catch (IllegalArgumentException e) {
                return NONE;
            }
        };
    }

    // ---- workflows

    /** What workflows need and whether a user may run one now. */
    public WorkflowAccess workflowAccess() {
        return workflowAccess;
    }

    @Override
    public AccessPolicy.RolesTarget workflowYamlBody() {
        return (facts, mayBlock) -> {
            if (!mayBlock) {
                return null;
            }
            return facts.raw() == null ? Map.of() : needs(new String(facts.raw(), java.nio.charset.StandardCharsets.UTF_8),
                    java.util.Optional.empty());
        };
    }

    @Override
    public AccessPolicy.RolesTarget workflowRunBody() {
        return (facts, mayBlock) -> {
            if (!mayBlock) {
                return null;
            }
            JsonNode body = facts.body();
            if (body == null || !body.isObject() || !body.path("definition").isTextual()) {
                return Map.of();    // the handler names what is wrong with the body
            }
            java.util.Optional<UUID> instance = java.util.Optional.empty();
            try {
                if (body.path("instance").isTextual()) {
                    instance = java.util.Optional.of(UUID.fromString(body.path("instance").asText()));
                }
            } catch (IllegalArgumentException e) {
                return Map.of();
            }
            return needs(body.path("definition").asText(), instance);
        };
    }

    /** The roles of a workflow text; none when it does not parse (the handler says why). */
    private Map<String, Role> needs(String yaml, java.util.Optional<UUID> instance) {
        WorkflowDefinition definition;
        try {
            definition = io.carrara.registry.workflow.WorkflowParser.parse(yaml);
        } catch (RuntimeException e) {
            return Map.of();
        }
        return workflowAccess.needs(definition, instance);
    }

    @Override
    public AccessPolicy.RolesTarget registeredWorkflow(String parameter, boolean reading) {
        return (facts, mayBlock) -> {
            if (!mayBlock) {
                return null;
            }
            return workflows.apply(facts.param(parameter)).map(definition -> roles(definition, reading)).orElse(Map.of());
        };
    }

    @Override
    public AccessPolicy.RolesTarget workflowRun(String parameter, boolean reading) {
        return (facts, mayBlock) -> {
            if (!mayBlock) {
                return null;
            }
            try {
                return runs.apply(UUID.fromString(String.valueOf(facts.param(parameter))))
                        .map(definition -> roles(definition, reading)).orElse(Map.of());
            } catch (IllegalArgumentException e) {
                return Map.of();
            }
        };
    }

    /** What a workflow needs, or, to read it and its runs, read in each of those projects. */
    private Map<String, Role> roles(WorkflowDefinition definition, boolean reading) {
        Map<String, Role> needs = workflowAccess.needs(definition, java.util.Optional.empty());
        if (!reading) {
            return needs;
        }
        Map<String, Role> read = new java.util.LinkedHashMap<>();
        needs.keySet().forEach(project -> read.put(project, Role.READ));
        return read;
    }

    /** Forgets what is cached of a deployment, after a deploy, an undeploy or an access change through this server. */
    public void deploymentChanged(String name) {
        changes.incrementAndGet();
        deploymentProjects.remove(name);
    }
}
