package io.carrara.server.access;

import static java.util.Objects.requireNonNull;

import io.carrara.api.access.Role;
import io.carrara.api.access.User;
import io.carrara.registry.workflow.WorkflowDefinition;
import io.carrara.registry.workflow.WorkflowDefinition.PredictStep;
import io.carrara.registry.workflow.WorkflowDefinition.SqlStep;
import io.carrara.spark.sql.SqlPolicy;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.StandardErrorCode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What a workflow does to whose data: {@code read} in the projects of its inputs and of every table its steps'
 * SQL names, {@code edit} in its outputs', {@code use} in its models'. Checked when it is registered or run on
 * demand (by the guard, against the caller), and again when each run starts, against the user it runs for (its
 * registrant, for a scheduled run), so a workflow never does more than that user may do now.
 */
public final class WorkflowAccess {
    private final RegistryTargets targets;
    private final AccessStore store;
    private final SqlPolicy sql = SqlPolicy.of(Optional.empty());

    public WorkflowAccess(RegistryTargets targets, AccessStore store) {
        this.targets = requireNonNull(targets, "targets is null");
        this.store = requireNonNull(store, "store is null");
    }

    /** The role needed in each project; {@code instance} is a run's override of its predict steps' instance. */
    public Map<String, Role> needs(WorkflowDefinition definition, Optional<UUID> instance) {
        Map<String, Role> roles = new LinkedHashMap<>();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);    // the tables a query names do not depend on the date
        for (WorkflowDefinition.Input input : definition.inputs()) {
            need(roles, RegistryTargets.databaseProject(List.of(input.table().split("\\.", -1))), Role.READ);
        }
        for (WorkflowDefinition.Step step : definition.steps()) {
            String query = step instanceof SqlStep sqlStep ? sqlStep.sql() : ((PredictStep) step).query();
            sql.tablesRead(definition.render(query, today)).forEach(table -> need(roles, RegistryTargets.databaseProject(table),
                    Role.READ));
            need(roles, RegistryTargets.databaseProject(List.of(step.output().split("\\.", -1))), Role.EDIT);
            if (step instanceof PredictStep predict) {
                predict.deployment().ifPresent(name -> targets.deploymentProjects(name).forEach(project -> need(roles, project,
                        Role.USE)));
                predict.instance().ifPresent(id -> targets.instanceProjects(id).forEach(project -> need(roles, project, Role.USE)));
            }
        }
        instance.ifPresent(id -> targets.instanceProjects(id).forEach(project -> need(roles, project, Role.USE)));
        return roles;
    }

    /** Throws PERMISSION_DENIED when {@code user} may not now do what the workflow does. */
    public void check(WorkflowDefinition definition, Optional<UUID> instance, String user) {
        Optional<User> found = store.findUser(user);
        if (found.isEmpty() || found.get().disabled()) {
            throw new CarraraException(StandardErrorCode.PERMISSION_DENIED, "user '" + user + "' "
                    + (found.isEmpty() ? "does not exist here" : "is disabled") + "; register the workflow again as a user"
                    + " who may run it", null);
        }
        if (found.get().admin()) {
            return;
        }
        Map<String, Role> held = store.rolesOf(user, found.get().groups());
        for (Map.Entry<String, Role> need : needs(definition, instance).entrySet()) {
            Role role = held.get(need.getKey());
            if (role == null || !role.includes(need.getValue())) {
                throw new CarraraException(StandardErrorCode.PERMISSION_DENIED, user + " no longer has the "
                        + need.getValue().wireName() + " role in project '" + need.getKey() + "' that the workflow needs", null);
            }
        }
    }

    private static void need(Map<String, Role> roles, String project, Role role) {
        roles.merge(project, role, (a, b) -> a.includes(b) ? a : b);
    }
}
