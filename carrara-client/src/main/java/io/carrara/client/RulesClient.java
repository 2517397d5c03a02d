package io.carrara.client;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import io.carrara.api.Page;
import io.carrara.api.rules.RuleEvaluationInfo;
import io.carrara.api.rules.RuleFollower;
import io.carrara.api.rules.RuleInfo;
import io.carrara.api.rules.RuleSyncInfo;
import io.carrara.api.rules.RuleSyncRequest;
import io.carrara.spi.error.CarraraException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Rules (server admins): sync the rules repository, list the rules and their versions, read their evaluations, and
 * try one on an instance without acting. Reached through {@link CarraraClient#rules()}.
 * <pre>{@code
 * RuleSyncInfo sync = client.rules().sync("https://git.example.com/ml/rules.git", "main");
 * sync.activated();   // the rules whose new version passed its tests
 * client.rules().evaluations("eta-promote", null, 20);
 * }</pre>
 */
public final class RulesClient {
    public static final int MAX_PAGE = 1000;

    private final Transport transport;

    RulesClient(Transport transport) {
        this.transport = transport;
    }

    /** Syncs {@code repository} (an https Git URL) at {@code branch}; both null: the server's rules.repository setting. */
    public RuleSyncInfo sync(String repository, String branch) {
        return transport.call(transport.request("/api/v1/rules/sync").header("Content-Type", "application/json")
                .POST(transport.jsonBody(new RuleSyncRequest(repository, branch))), transport.type(RuleSyncInfo.class));
    }

    /** The latest syncs, newest first. */
    public List<RuleSyncInfo> syncs(int limit) {
        checkLimit(limit);
        Page<RuleSyncInfo> page = transport.call(transport.request("/api/v1/rules/syncs?limit=" + limit).GET(),
                transport.pageOf(RuleSyncInfo.class));
        return page.items();
    }

    /** Every rule: its active version, or its latest when none passed its tests. */
    public List<RuleInfo> list() {
        Page<RuleInfo> page = transport.call(transport.request("/api/v1/rules").GET(), transport.pageOf(RuleInfo.class));
        return page.items();
    }

    /** One rule with its source: the active version, else the latest. */
    public RuleInfo get(String name) {
        return transport.call(transport.request("/api/v1/rules/" + Transport.segment(name, "name")).GET(),
                transport.type(RuleInfo.class));
    }

    /** Every version of a rule, newest first. */
    public List<RuleInfo> versions(String name) {
        Page<RuleInfo> page = transport.call(transport.request("/api/v1/rules/" + Transport.segment(name, "name") + "/versions")
                .GET(), transport.pageOf(RuleInfo.class));
        return page.items();
    }

    /** Evaluations that matched or erred, newest first, of a rule and an instance (either may be null). */
    public List<RuleEvaluationInfo> evaluations(String rule, UUID instance, int limit) {
        checkLimit(limit);
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("rule", rule);
        parameters.put("instance", instance);
        parameters.put("limit", limit);
        Page<RuleEvaluationInfo> page = transport.call(transport.request(Transport.withQuery("/api/v1/rules/evaluations",
                parameters)).GET(), transport.pageOf(RuleEvaluationInfo.class));
        return page.items();
    }

    /** What an active action rule would do for {@code instance}, as if {@code eventType} had happened to it; acts on nothing. */
    public RuleEvaluationInfo dryRun(String rule, UUID instance, String eventType) {
        requireNonNull(instance, "instance is null");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instance", instance.toString());
        body.put("event", eventType);
        return transport.call(transport.request("/api/v1/rules/" + Transport.segment(rule, "name") + "/evaluate")
                .header("Content-Type", "application/json").POST(transport.jsonBody(body)), transport.type(RuleEvaluationInfo.class));
    }

    /** Makes {@code deployment} follow the selection rule {@code rule}: it serves what the rule selects, now and after every change. */
    public RuleFollower follow(String rule, String deployment) {
        requireNonNull(deployment, "deployment is null");
        return transport.call(transport.request("/api/v1/rules/" + Transport.segment(rule, "rule") + "/followers")
                .header("Content-Type", "application/json").POST(transport.jsonBody(Map.of("deployment", deployment))),
                transport.type(RuleFollower.class));
    }

    /** The deployments that follow selection rules. */
    public List<RuleFollower> followers() {
        Page<RuleFollower> page = transport.call(transport.request("/api/v1/rules/followers").GET(),
                transport.pageOf(RuleFollower.class));
        return page.items();
    }

    /**
     * Makes {@code deployment} follow one selection rule per value of {@code partitionBy} ({@code byValue}, e.g. per-city
     * champions) and {@code fallback} for every other value; answers the followers with what each serves.
     */
    public List<RuleFollower> follow(String deployment, String partitionBy, Map<String, String> byValue, String fallback) {
        requireNonNull(partitionBy, "partitionBy is null");
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("partitionBy", partitionBy);
        body.put("rules", byValue);
        body.put("default", fallback);
        Page<RuleFollower> page = transport.call(transport.request("/api/v1/rules/followers/"
                + Transport.segment(deployment, "deployment")).header("Content-Type", "application/json")
                .PUT(transport.jsonBody(body)), transport.pageOf(RuleFollower.class));
        return page.items();
    }

    /** Stops {@code deployment} following its rules (it keeps serving what it serves); answers what it followed. */
    public List<RuleFollower> unfollow(String deployment) {
        Page<RuleFollower> page = transport.call(transport.request("/api/v1/rules/followers/"
                + Transport.segment(deployment, "deployment")).DELETE(), transport.pageOf(RuleFollower.class));
        return page.items();
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new CarraraException(INVALID_ARGUMENT, "limit must be 1 to " + MAX_PAGE + ", got " + limit, "limit");
        }
    }
}
