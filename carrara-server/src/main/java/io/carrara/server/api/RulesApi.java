package io.carrara.server.api;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static io.carrara.spi.error.StandardErrorCode.NOT_FOUND;
import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.Put;
import com.linecorp.armeria.server.annotation.ProducesJson;
import io.carrara.api.Page;
import io.carrara.api.rules.RuleEvaluationInfo;
import io.carrara.api.rules.RuleFollower;
import io.carrara.api.rules.RuleInfo;
import io.carrara.api.rules.RuleSyncInfo;
import io.carrara.api.rules.RuleSyncRequest;
import io.carrara.registry.ModelRegistry;
import io.carrara.registry.model.Instance;
import io.carrara.server.access.AccessGuard;
import io.carrara.server.rules.Rules;
import io.carrara.spi.error.CarraraException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The rules endpoints under {@code /api/v1/rules} (server admins: rules act on every project); see docs/api.md.
 */
@ProducesJson
public final class RulesApi {
    private static final int MAX_PARTITIONS = 1000;
    private static final Pattern DEPLOYMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Pattern RULE = Pattern.compile("[a-z0-9][a-z0-9-]{0,99}");
    private final Rules rules;
    private final ModelRegistry registry;

    public RulesApi(Rules rules, ModelRegistry registry) {
        this.rules = requireNonNull(rules, "rules is null");
        this.registry = requireNonNull(registry, "registry is null");
    }

    /** Every rule: its active version, or its latest when no version passed its tests. */
    @Get("/rules")
    public Page<RuleInfo> list() {
        return new Page<>(rules.store().rules(), null);
    }

    /** One rule with its source: the active version, else the latest. */
    @Get("/rules/{name}")
    public RuleInfo get(@Param("name") String name) {
        List<RuleInfo> versions = rules.store().versions(name);
        return versions.stream().filter(RuleInfo::active).findFirst().or(() -> versions.stream().findFirst())
                .orElseThrow(() -> new CarraraException(NOT_FOUND, "no rule named '" + name + "'; carrara rules list shows them",
                        "name"));
    }

    /** Every version of one rule a sync loaded, newest first. */
    @Get("/rules/{name}/versions")
    public Page<RuleInfo> versions(@Param("name") String name) {
        List<RuleInfo> versions = rules.store().versions(name);
        if (versions.isEmpty()) {
            throw new CarraraException(NOT_FOUND, "no rule named '" + name + "'; carrara rules list shows them", "name");
        }
        return new Page<>(versions, null);
    }

    /** Evaluations, newest first: those that matched (or erred) unless {@code all=true}, of a rule and an instance. */
    @Get("/rules/evaluations")
    public Page<RuleEvaluationInfo> evaluations(@Param("rule") Optional<String> rule, @Param("instance") Optional<String> instance,
            @Param("limit") Optional<String> limit) {
        UUID id = instance.map(value -> ApiParameters.uuid(value, "instance", "an instance id")).orElse(null);
        return new Page<>(rules.store().evaluations(rule.orElse(null), id, false, ApiParameters.integer(limit, "limit", 100)), null);
    }

    /** Syncs the rules repository named in the body (an https Git URL), or the server's rules.repository when it names none. */
    @Post("/rules/sync")
    public RuleSyncInfo sync(AggregatedHttpRequest request) {
        RuleSyncRequest body = request.content().isEmpty() ? new RuleSyncRequest(null, null)
                : JsonBodies.read(request, RuleSyncRequest.class);
        String user = AccessGuard.caller().user();
        if (body.branch() != null && (body.branch().isBlank() || body.branch().length() > 200
                || !body.branch().matches("[A-Za-z0-9._/-]+") || body.branch().contains(".."))) {
            throw new CarraraException(INVALID_ARGUMENT, "branch must be a Git branch name (letters, digits, '.', '_', '-', '/'),"
                    + " at most 200 characters", "branch");
        }
        if (body.repository() == null && body.branch() == null) {
            String configured = rules.settings().repository();
            if (configured.isEmpty()) {
                throw new CarraraException(INVALID_ARGUMENT, "repository is missing and the server has no rules.repository"
                        + " setting: give an https Git URL", "repository");
            }
            return rules.sync().sync(configured, rules.settings().branch().isEmpty() ? null : rules.settings().branch(), user);
        }
        return rules.sync().syncRequested(body.repository(), body.branch(), user);
    }

    /** The latest syncs, newest first. */
    @Get("/rules/syncs")
    public Page<RuleSyncInfo> syncs(@Param("limit") Optional<String> limit) {
        return new Page<>(rules.store().syncs(ApiParameters.integer(limit, "limit", 20)), null);
    }

    /** What an active action rule would do for an instance (body {@code {"instance": UUID, "event": TYPE}}); changes nothing. */
    @Post("/rules/{name}/evaluate")
    public RuleEvaluationInfo evaluate(@Param("name") String name, AggregatedHttpRequest request) {
        EvaluateRequest body = JsonBodies.read(request, EvaluateRequest.class);
        if (body.instance() == null) {
            throw new CarraraException(INVALID_ARGUMENT, "instance is missing: the id of the instance to evaluate the rule on",
                    "instance");
        }
        UUID id = ApiParameters.uuid(body.instance(), "instance", "an instance id");
        String event = body.event() == null ? "instance.created" : body.event();
        if (!event.matches("[a-z]+(\\.[a-z]+){1,3}")) {
            throw new CarraraException(INVALID_ARGUMENT, "event must be a registry event type such as metric.recorded, not '"
                    + event + "'", "event");
        }
        Instance instance = registry.getInstance(id);
        return rules.engine().dryRun(name, id, event, instance.model().project(), instance.model().name());
    }

    /**
     * Makes a deployment follow the active selection rule {@code name} (body {@code {"deployment": "eta"}}): it serves what the
     * rule selects now (made when it does not exist yet) and again after every event that could change the answer.
     */
    @Post("/rules/{name}/followers")
    public RuleFollower follow(@Param("name") String name, AggregatedHttpRequest request) {
        FollowRequest body = JsonBodies.read(request, FollowRequest.class);
        checkDeployment(body.deployment(), "deployment");
        String user = AccessGuard.caller().user();
        return rules.engine().follow(body.deployment(), null, Map.of(), name, user).get(0);
    }

    /**
     * Makes a deployment follow one active selection rule per value of a field and one for every other value (body
     * {@code {"partitionBy": "city", "rules": {"nyc": "eta-nyc"}, "default": "eta-any"}}): per-city champions, each
     * re-selected after every event that could change its answer. Replaces the rules it followed.
     */
    @Put("/rules/followers/{deployment}")
    public Page<RuleFollower> followByPartition(@Param("deployment") String deployment, AggregatedHttpRequest request) {
        checkDeployment(deployment, "deployment");
        PartitionFollowRequest body = JsonBodies.read(request, PartitionFollowRequest.class);
        if (body.partitionBy() == null || body.partitionBy().isBlank() || body.partitionBy().length() > 128) {
            throw new CarraraException(INVALID_ARGUMENT, "partitionBy must name the field whose value picks the rule, in 1 to 128"
                    + " characters", "partitionBy");
        }
        if (body.rules() == null || body.rules().isEmpty()) {
            throw new CarraraException(INVALID_ARGUMENT, "rules is required: map values of " + body.partitionBy()
                    + " to selection rules, e.g. {\"nyc\": \"eta-nyc-champion\"}", "rules");
        }
        if (body.rules().size() > MAX_PARTITIONS) {
            throw new CarraraException(INVALID_ARGUMENT, "rules has more than " + MAX_PARTITIONS + " entries", "rules");
        }
        Map<String, String> byValue = new TreeMap<>();
        for (Map.Entry<String, String> entry : body.rules().entrySet()) {
            String value = entry.getKey();
            if (value == null || value.isEmpty() || value.length() > 256) {
                throw new CarraraException(INVALID_ARGUMENT, "each value of rules must be 1 to 256 characters", "rules");
            }
            byValue.put(value, checkRule(entry.getValue(), "rules." + value));
        }
        String fallback = checkRule(body.fallback(), "default");
        return new Page<>(rules.engine().follow(deployment, body.partitionBy(), byValue, fallback, AccessGuard.caller().user()), null);
    }

    /** The deployments that follow selection rules, one row per rule they follow, with what each serves. */
    @Get("/rules/followers")
    public Page<RuleFollower> followers() {
        return new Page<>(rules.engine().serving(rules.store().followers()), null);
    }

    /** Stops a deployment following its rules (it keeps serving what it serves); answers what it followed. */
    @com.linecorp.armeria.server.annotation.Delete("/rules/followers/{deployment}")
    public Page<RuleFollower> unfollow(@Param("deployment") String deployment) {
        List<RuleFollower> followed = rules.store().followers().stream().filter(f -> f.deployment().equals(deployment)).toList();
        if (followed.isEmpty()) {
            throw new CarraraException(NOT_FOUND, "deployment '" + deployment + "' follows no rule", "deployment");
        }
        rules.store().unfollow(deployment);
        return new Page<>(followed, null);
    }

    private static void checkDeployment(String deployment, String field) {
        if (deployment == null || !DEPLOYMENT.matcher(deployment).matches()) {
            throw new CarraraException(INVALID_ARGUMENT, field + " must be a deployment name (letters, digits, '.', '_', '-',"
                    + " at most 128 characters)", field);
        }
    }

    private static String checkRule(String rule, String field) {
        if (rule == null || !RULE.matcher(rule).matches()) {
            throw new CarraraException(INVALID_ARGUMENT, field + " must name a selection rule (lower-case letters, digits and"
                    + " '-', at most 100 characters)", field);
        }
        return rule;
    }

    /** The body of a follow. */
    public record FollowRequest(String deployment) {}

    /** The body of a per-partition follow. */
    public record PartitionFollowRequest(String partitionBy, Map<String, String> rules,
            @com.fasterxml.jackson.annotation.JsonProperty("default") String fallback) {}

    /** The body of an on-demand evaluation. */
    public record EvaluateRequest(String instance, String event) {}
}
