package io.carrara.server.rules;

import static java.util.Objects.requireNonNull;

import io.carrara.api.rules.RuleActionInfo;
import io.carrara.api.rules.RuleEvaluationInfo;
import io.carrara.api.rules.RuleInfo;
import io.carrara.api.rules.RuleFollower;
import io.carrara.registry.db.DatabaseTimes;
import io.carrara.registry.deploy.Routing;
import io.carrara.registry.model.Event;
import io.carrara.server.alerts.Alerts;
import io.carrara.rules.ActionRule;
import io.carrara.rules.Rule;
import io.carrara.rules.SelectionRule;
import io.carrara.rules.evaluation.EvaluatedAction;
import io.carrara.rules.evaluation.Evaluation;
import io.carrara.rules.evaluation.GivenMemo;
import io.carrara.rules.evaluation.RuleEvaluator;
import io.carrara.rules.evaluation.SecretReference;
import io.carrara.rules.facts.EventFacts;
import io.carrara.rules.facts.RuleFactsProvider;
import io.carrara.rules.parse.RuleParser;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.StandardErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates the active action rules on every registry event, in event order, and performs the actions of those that
 * fire. Events come from {@link RuleStore#claim}: of several servers on one database, each event is evaluated by the
 * one that claims it, and an event a dead server left half done is taken over after the lease. Per rule and event
 * there is at most one evaluation, and each action is recorded before it runs and marked after, so a retry after a
 * crash neither evaluates twice nor repeats a finished action (one that was under way runs again: deploy and undeploy
 * are idempotent, a webhook is sent with the same {@code webhook-id}). A rule that errors is recorded with its error
 * and never stops the others. Actions are recorded as made by {@code rule:NAME@COMMIT}.
 */
public final class RuleEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RuleEngine.class);
    private static final int BATCH = 100;

    /** What rules can change, performed by the server's own services. Each answers what it did, in words. */
    public interface Actions {
        String deploy(String deployment, UUID instance, String actor);

        String undeploy(String deployment, String actor);

        String deprecate(UUID instance, String reason, String actor);

        /** Sets an instance's annotation (a no-op when it has that value already). */
        String annotate(UUID instance, String key, String value, String actor);

        /**
         * Makes or changes {@code deployment} to route as {@code routing} (the model is the instances', the feature joins,
         * missing-feature policy and log sampling stay as they are).
         */
        String deploy(String deployment, Routing routing, String actor);

        /** The instance a selection rule's search selects now (the first by its order), if any. */
        Optional<UUID> select(SelectionRule rule);

        /** How {@code deployment} routes now, if it exists. */
        Optional<Routing> routing(String deployment);
    }

    public record Settings(String server, Duration poll, Duration lease, Duration settle) {}

    private final RuleStore store;
    private final RuleParser parser;
    private final RuleEvaluator evaluator;
    private final RuleFactsProvider facts;
    private final Actions actions;
    private final WebhookSender webhooks;
    private final Alerts alerts;
    private final Function<String, String> secrets;
    private final Settings settings;
    private final MeterRegistry meters;
    private final Counter evaluated;
    private final Counter errors;
    private final Timer eventToAction;
    private final ScheduledExecutorService executor;
    private volatile List<Active> active = List.of();
    private volatile long loadedSync = -1;
    private long lastWarning = System.nanoTime() - TimeUnit.MINUTES.toNanos(2);

    /** An active action rule, with the memo of what its given answered (a new one with each reload). */
    private record Active(ActionRule rule, String commit, GivenMemo memo) {}

    private record Selection(SelectionRule rule, String commit) {}

    private volatile Map<String, Selection> selections = Map.of();

    /** The events after which a selection may answer differently. */
    private static final java.util.Set<String> SELECTION_EVENTS = java.util.Set.of(Event.INSTANCE_CREATED, Event.INSTANCE_DEPRECATED,
            Event.METRIC_RECORDED);

    /**
     * @param secrets a secret's value by name, or null when the server has no such secret (only names listed in the
     *     {@code rules.secrets} setting are looked up)
     */
    public RuleEngine(RuleStore store, RuleParser parser, RuleEvaluator evaluator, RuleFactsProvider facts, Actions actions,
            WebhookSender webhooks, Alerts alerts, Function<String, String> secrets, Settings settings, MeterRegistry meters) {
        this.alerts = requireNonNull(alerts, "alerts is null");
        this.store = requireNonNull(store, "store is null");
        this.parser = requireNonNull(parser, "parser is null");
        this.evaluator = requireNonNull(evaluator, "evaluator is null");
        this.facts = requireNonNull(facts, "facts is null");
        this.actions = requireNonNull(actions, "actions is null");
        this.webhooks = requireNonNull(webhooks, "webhooks is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.meters = requireNonNull(meters, "meters is null");
        this.evaluated = Counter.builder("carrara.rules.evaluations").description("rule evaluations of registry events")
                .register(meters);
        this.errors = Counter.builder("carrara.rules.errors").description("rule evaluations that ended with an error")
                .register(meters);
        this.eventToAction = Timer.builder("carrara.rules.event.to.action")
                .description("from a registry event's commit to the end of the actions a rule took on it")
                .publishPercentiles(0.5, 0.99).register(meters);
        this.executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "carrara-rules");
            thread.setDaemon(true);
            return thread;
        });
        reload();
    }

    /** Starts evaluating events every {@code settings.poll()}. */
    public void start() {
        executor.scheduleWithFixedDelay(() -> {
            try {
                while (evaluatePending() == BATCH) {
                    // A full batch: more are waiting.
                }
            } catch (RuntimeException e) {
                // The database may be away for a while: say so once a minute, not at every poll.
                long now = System.nanoTime();
                if (now - lastWarning > TimeUnit.MINUTES.toNanos(1)) {
                    lastWarning = now;
                    log.atWarn().setMessage("rule evaluation pass failed; retried at every poll").addKeyValue("error", e.toString()).log();
                }
            }
        }, 0, settings.poll().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads the active rules again (after a sync changed them). */
    public synchronized void reload() {
        loadedSync = store.lastSucceededSync();
        List<Active> rules = new ArrayList<>();
        Map<String, Selection> selecting = new LinkedHashMap<>();
        for (RuleInfo info : store.activeRules()) {
            try {
                Rule rule = parser.parse(info.path(), info.source());
                if (rule instanceof ActionRule action) {
                    rules.add(new Active(action, info.commit(), GivenMemo.of(action)));
                } else if (rule instanceof SelectionRule selection) {
                    selecting.put(selection.name(), new Selection(selection, info.commit()));
                }
            } catch (RuntimeException e) {
                log.atWarn().setMessage("an active rule no longer parses; it is not evaluated").addKeyValue("rule", info.name())
                        .addKeyValue("error", e.getMessage()).log();
            }
        }
        active = List.copyOf(rules);
        selections = Map.copyOf(selecting);
    }

    /**
     * Claims and evaluates the events waiting; answers how many it handled. Per event, the evaluations that matched
     * without firing (or erred) are written with the claim's end in one transaction; one that fired is written as soon
     * as its actions are done, so that a retry after a crash finds it and does not evaluate it again against a
     * registry its own actions changed.
     */
    public int evaluatePending() {
        if (store.lastSucceededSync() != loadedSync) {
            reload();   // a sync, here or on another server on this database, changed the active rules
        }
        RuleStore.Claimed claimed = store.claimEvents(settings.server(), BATCH, settings.lease(), settings.settle());
        List<Active> rules = active;
        claims = new Claims(claimed.events());
        for (Event event : claimed.events()) {
            if (!claims.stillOurs(event.id())) {
                continue;   // taken over by another server while this one was slow: it evaluates the event
            }
            EventFacts eventFacts = EventFacts.from(event);
            // A retry after a crash: the rules evaluated then are not evaluated again.
            java.util.Set<String> before = claimed.retried().contains(event.id()) ? store.evaluatedRules(event.id())
                    : java.util.Set.of();
            RuleFactsProvider memo = new MemoFacts(facts);   // every rule asks about the same instance: read it once
            List<RuleEvaluationInfo> quiet = new ArrayList<>();
            for (Active rule : rules) {
                if (!before.contains(rule.rule().name())) {
                    evaluate(rule, event, eventFacts, memo).ifPresent(quiet::add);
                }
            }
            if (!selections.isEmpty() && SELECTION_EVENTS.contains(event.type())) {   // no follower query without selection rules
                reselect(event, before);
            }
            store.finish(event.id(), quiet);
            claims.finished(event.id());
        }
        return claimed.events().size();
    }

    /** Evaluates one rule; answers the evaluation to record with the event's end (one that fired is recorded here). */
    private Optional<RuleEvaluationInfo> evaluate(Active active, Event event, EventFacts eventFacts, RuleFactsProvider facts) {
        ActionRule rule = active.rule();
        Instant at = DatabaseTimes.now();
        Evaluation evaluation;
        try {
            evaluation = evaluator.evaluate(rule, eventFacts, facts, active.memo());
        } catch (RuntimeException e) {
            errors.increment();
            return Optional.of(new RuleEvaluationInfo(0, rule.name(), active.commit(), event.id(), event.type(), event.instance(), at,
                    false, false, false, List.of(), "the evaluation failed: " + e.getMessage(), 0));
        }
        evaluated.increment();
        if (!evaluation.problems().isEmpty()) {
            errors.increment();
        }
        if (!evaluation.givenMatched() && evaluation.problems().isEmpty()) {
            return Optional.empty();   // most rules do not match most events: only evaluations that matched or erred are kept
        }
        List<RuleActionInfo> done = new ArrayList<>();
        if (evaluation.fired()) {
            String actor = "rule:" + rule.name() + "@" + shortCommit(active.commit());
            for (int i = 0; i < evaluation.actions().size(); i++) {
                done.add(perform(rule.name(), event, i, evaluation.actions().get(i), actor, active.commit()));
            }
            eventToAction.record(Duration.between(event.createdAt(), Instant.now()));
        }
        RuleEvaluationInfo info = new RuleEvaluationInfo(0, rule.name(), active.commit(), event.id(), event.type(), event.instance(), at,
                evaluation.givenMatched(), evaluation.fired(), false, done,
                evaluation.problems().isEmpty() ? null : evaluation.problems().get(0).toString(), micros(evaluation.duration()));
        if (evaluation.fired()) {
            store.record(info);
            return Optional.empty();
        }
        return Optional.of(info);
    }

    /**
     * Re-selects for every deployment that follows selection rules, and deploys the selected instances where they differ
     * from those served (idempotent: a retry selects and finds them served). One evaluation per rule and event, kept when
     * it changed a deployment or failed; a rule evaluated before a crash ({@code before}) is not evaluated again.
     */
    private void reselect(Event event, java.util.Set<String> before) {
        Map<String, List<RuleFollower>> byDeployment = new LinkedHashMap<>();
        for (RuleFollower follower : store.followers()) {
            byDeployment.computeIfAbsent(follower.deployment(), deployment -> new ArrayList<>()).add(follower);
        }
        if (byDeployment.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        Instant at = DatabaseTimes.now();
        Selector selector = new Selector(name -> !before.contains(name));
        Map<String, List<RuleActionInfo>> done = new LinkedHashMap<>();
        for (Map.Entry<String, List<RuleFollower>> entry : byDeployment.entrySet()) {
            converge(entry.getKey(), entry.getValue(), selector, done);
        }
        java.util.Set<String> recorded = new java.util.LinkedHashSet<>(done.keySet());
        recorded.addAll(selector.errors.keySet());
        for (String rule : recorded) {
            List<RuleActionInfo> actionsDone = done.getOrDefault(rule, List.of());
            String error = selector.errors.get(rule);
            if (error != null) {
                errors.increment();
            }
            if (!actionsDone.isEmpty()) {
                eventToAction.record(Duration.between(event.createdAt(), Instant.now()));
            }
            store.record(new RuleEvaluationInfo(0, rule, selector.active.get(rule).commit(), event.id(), event.type(), event.instance(), at,
                    true, !actionsDone.isEmpty(), false, actionsDone, error, (System.nanoTime() - start) / 1_000));
        }
    }

    /** What each selection rule selects, asked at most once per event; a rule that is not active here selects nothing. */
    private final class Selector {
        private final Map<String, Selection> active = selections;
        private final java.util.function.Predicate<String> evaluated;
        private final Map<String, Optional<UUID>> selected = new java.util.HashMap<>();
        private final Map<String, String> errors = new LinkedHashMap<>();

        Selector(java.util.function.Predicate<String> evaluated) {
            this.evaluated = evaluated;
        }

        /** The instance {@code rule} selects, empty when it selects nothing, is not active or is not to be evaluated. */
        Optional<UUID> select(String rule) {
            Selection selection = active.get(rule);
            if (selection == null || !evaluated.test(rule)) {
                return Optional.empty();
            }
            return selected.computeIfAbsent(rule, name -> {
                try {
                    return actions.select(selection.rule());
                } catch (RuntimeException e) {
                    errors.putIfAbsent(name, "the selection failed: " + e.getMessage());
                    return Optional.empty();
                }
            });
        }
    }

    /**
     * Brings one following deployment to what its rules select. Rules are applied in the order of its rows (the whole
     * deployment or its default first, then its partitions by value), each rule's change deployed as made by that rule;
     * a slot whose rule selects nothing keeps what it serves. A partitioned deployment is made only once its default
     * selects an instance (every other value needs one); while no partition has an instance of its own it is pinned to
     * the default.
     */
    private void converge(String deployment, List<RuleFollower> rows, Selector selector, Map<String, List<RuleActionInfo>> done) {
        Routing deployed = actions.routing(deployment).orElse(null);
        Slots slots = Slots.of(rows.get(0).partitionBy(), deployed);
        Map<String, List<RuleFollower>> byRule = new LinkedHashMap<>();
        rows.forEach(row -> byRule.computeIfAbsent(row.rule(), rule -> new ArrayList<>()).add(row));
        for (Map.Entry<String, List<RuleFollower>> entry : byRule.entrySet()) {
            Optional<UUID> selected = selector.select(entry.getKey());
            if (selected.isEmpty()) {
                continue;
            }
            Slots before = slots;
            for (RuleFollower row : entry.getValue()) {
                slots = slots.with(row.partition(), selected.get());
            }
            Routing routing = slots.routing();
            if (routing == null || routing.equals(deployed)) {
                continue;   // no default yet (a later rule or event may give one), or it serves that already
            }
            Map<String, Object> arguments = new LinkedHashMap<>();
            arguments.put("deployment", deployment);
            List<String> partitions = entry.getValue().stream().map(RuleFollower::partition).filter(java.util.Objects::nonNull).toList();
            if (!partitions.isEmpty()) {
                arguments.put("partitions", partitions);
            }
            arguments.put("instance", selected.get().toString());
            Selection selection = selector.active.get(entry.getKey());
            String actor = "rule:" + entry.getKey() + "@" + shortCommit(selection.commit());
            RuleActionInfo action;
            try {
                action = new RuleActionInfo("deploy", arguments, "done", actions.deploy(deployment, routing, actor));
                deployed = routing;
            } catch (RuntimeException e) {
                action = new RuleActionInfo("deploy", arguments, "failed", e.getMessage());
                slots = before;
                log.atWarn().setMessage("a selection rule's deploy failed").addKeyValue("rule", entry.getKey())
                        .addKeyValue("deployment", deployment).addKeyValue("reason", e.getMessage()).log();
            }
            done.computeIfAbsent(entry.getKey(), rule -> new ArrayList<>()).add(action);
        }
    }

    /**
     * What a following deployment serves, by slot: the whole deployment (no {@code field}), or the default and one instance
     * per value of {@code field}.
     */
    private record Slots(String field, UUID whole, Map<String, UUID> byValue) {
        static Slots of(String field, Routing current) {
            if (current instanceof Routing.Partitioned partitioned) {
                return field != null && field.equals(partitioned.field())
                        ? new Slots(field, partitioned.fallback(), Map.copyOf(partitioned.instances()))
                        : new Slots(field, partitioned.fallback(), Map.of());
            }
            return new Slots(field, current instanceof Routing.Pinned pinned ? pinned.instance() : null, Map.of());
        }

        Slots with(String partition, UUID instance) {
            if (partition == null) {
                return new Slots(field, instance, byValue);
            }
            Map<String, UUID> changed = new java.util.TreeMap<>(byValue);
            changed.put(partition, instance);
            return new Slots(field, whole, Map.copyOf(changed));
        }

        /** The routing to deploy, or null while there is no instance for the whole deployment or its default. */
        Routing routing() {
            if (whole == null) {
                return null;
            }
            return field == null || byValue.isEmpty() ? new Routing.Pinned(whole) : new Routing.Partitioned(field, byValue, whole);
        }
    }

    /**
     * Makes {@code deployment} follow the active selection rule {@code name} and serve what it selects now; answers the
     * instance it serves (empty when the rule selects nothing yet: the deployment is then left as it is, or not made).
     */
    public Optional<UUID> follow(String deployment, String name, String user) {
        return Optional.ofNullable(follow(deployment, null, Map.of(), name, user).get(0).instance());
    }

    /**
     * Makes {@code deployment} follow one active selection rule per value of {@code partitionBy} ({@code byValue}) and
     * {@code fallback} for every other value, or without {@code partitionBy} {@code fallback} for the whole deployment,
     * and serve what they select now. Answers the followers with what each serves (a partition whose rule selects nothing
     * yet serves the default; nothing is made until the default selects an instance).
     */
    public List<RuleFollower> follow(String deployment, String partitionBy, Map<String, String> byValue, String fallback,
            String user) {
        List<RuleFollower> rows = new ArrayList<>();
        rows.add(new RuleFollower(deployment, selection(fallback, partitionBy == null ? "rule" : "default"), null, Instant.now(), user,
                partitionBy, null));
        new java.util.TreeMap<>(byValue).forEach((value, rule) -> rows.add(new RuleFollower(deployment,
                selection(rule, "rules." + value), null, Instant.now(), user, partitionBy, value)));
        Selector selector = new Selector(rule -> true);
        Map<String, List<RuleActionInfo>> done = new LinkedHashMap<>();
        converge(deployment, rows, selector, done);
        for (Map.Entry<String, String> error : selector.errors.entrySet()) {
            throw new CarraraException(StandardErrorCode.INVALID_ARGUMENT, "selection rule " + error.getKey() + ": " + error.getValue(),
                    "rule");
        }
        done.values().stream().flatMap(List::stream).filter(action -> action.outcome().equals("failed")).findFirst()
                .ifPresent(failed -> {
                    throw new CarraraException(StandardErrorCode.CONFLICT, "the deployment could not be made to serve"
                            + " what the rules select: " + failed.detail(), "deployment");
                });
        store.follow(deployment, partitionBy, byValue, fallback, user);
        return serving(rows);
    }

    /** The active selection rule {@code name}, or a 404 naming {@code field}. */
    private String selection(String name, String field) {
        if (!selections.containsKey(name)) {
            reload();
        }
        if (!selections.containsKey(name)) {
            throw new CarraraException(StandardErrorCode.NOT_FOUND, "no active selection rule named '" + name
                    + "'; carrara rules list shows the rules and their kinds", field);
        }
        return name;
    }

    /** {@code followers} with what each serves now. */
    public List<RuleFollower> serving(List<RuleFollower> followers) {
        Map<String, Optional<Routing>> routings = new java.util.HashMap<>();
        List<RuleFollower> serving = new ArrayList<>();
        for (RuleFollower follower : followers) {
            Routing routing = routings.computeIfAbsent(follower.deployment(), actions::routing).orElse(null);
            UUID instance = null;
            if (routing instanceof Routing.Pinned pinned) {
                instance = pinned.instance();
            } else if (routing instanceof Routing.Partitioned partitioned) {
                instance = follower.partition() == null ? partitioned.fallback()
                        : partitioned.instances().getOrDefault(follower.partition(), partitioned.fallback());
            }
            serving.add(follower.withInstance(instance));
        }
        return serving;
    }

    private RuleActionInfo perform(String rule, Event event, int index, EvaluatedAction action, String actor, String commit) {
        Map<String, Object> arguments = shown(action);
        Optional<RuleStore.ActionState> before = store.action(rule, event.id(), index);
        if (before.isPresent() && !"running".equals(before.get().state())) {
            return new RuleActionInfo(action.kind().toString(), arguments, before.get().state(), before.get().outcome());
        }
        claims.renewIfDue();   // an action (a webhook's retries) may take long: the batch's claims stay this server's
        store.actionStarted(rule, event.id(), index, action.kind().toString());
        String state;
        String detail;
        try {
            detail = run(rule, event, index, action, actor, commit);
            state = "done";
        } catch (CarraraException e) {
            state = "failed";
            detail = e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state = "failed";
            detail = "interrupted";
        } catch (RuntimeException e) {
            state = "failed";
            detail = e.toString();
        }
        store.actionFinished(rule, event.id(), index, state, detail);
        if ("failed".equals(state)) {
            log.atWarn().setMessage("a rule's action failed").addKeyValue("rule", rule).addKeyValue("event", event.id())
                    .addKeyValue("action", action.kind().toString()).addKeyValue("reason", detail).log();
        }
        return new RuleActionInfo(action.kind().toString(), arguments, state, detail);
    }

    private String run(String rule, Event event, int index, EvaluatedAction action, String actor, String commit)
            throws InterruptedException {
        switch (action.kind()) {
            case DEPLOY:
                return actions.deploy(action.text("deployment"), action.instance(), actor);
            case UNDEPLOY:
                return actions.undeploy(action.text("deployment"), actor);
            case DEPRECATE:
                return actions.deprecate(action.instance(), action.text("reason"), actor);
            case ALERT: {
                String severity = action.text("severity");
                Counter.builder("carrara.rules.alerts").description("alerts raised by rules").tag("rule", rule)
                        .tag("severity", severity).register(meters).increment();
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("rule", rule);
                details.put("commit", commit);
                details.put("event", eventJson(event));
                List<io.carrara.api.alerts.AlertDelivery> deliveries = alerts.raise(new Alerts.Alert(event.project(), actor, severity,
                        action.text("message"), details), "rule-" + rule + "-" + event.id() + "-" + index);
                long failed = deliveries.stream().filter(delivery -> !delivery.delivered()).count();
                String sent = deliveries.isEmpty() ? "no alert webhook of " + (event.project() == null ? "a project" : "project "
                        + event.project()) + " takes it" : "posted to " + (deliveries.size() - failed) + " of " + deliveries.size()
                        + " alert webhook" + (deliveries.size() == 1 ? "" : "s");
                if (failed > 0) {
                    throw new CarraraException(StandardErrorCode.INVALID_ARGUMENT, "alert raised (" + severity + "), " + sent + ": "
                            + deliveries.stream().filter(delivery -> !delivery.delivered())
                                    .map(delivery -> "webhook " + delivery.webhook() + " " + delivery.detail())
                                    .collect(java.util.stream.Collectors.joining("; ")), "then");
                }
                return "alert raised (" + severity + "), " + sent;
            }
            case WEBHOOK: {
                String secret = null;
                Object reference = action.arguments().get("secret");
                if (reference instanceof SecretReference named) {
                    secret = secrets.apply(named.name());
                    if (secret == null) {
                        throw new CarraraException(StandardErrorCode.INVALID_ARGUMENT, "the server has no secret named "
                                + named.name() + " (list it in rules.secrets and set the environment variable)", "secret");
                    }
                }
                String body = io.carrara.registry.json.RegistryJson.write(io.carrara.registry.json.RegistryJson.mapper().valueToTree(
                        Map.of("rule", rule, "commit", commit, "event", eventJson(event), "action", index)));
                WebhookSender.Delivery delivery = webhooks.send(URI.create(action.text("url")),
                        "rule-" + rule + "-" + event.id() + "-" + index, body, secret);
                if (!delivery.delivered()) {
                    throw new CarraraException(StandardErrorCode.INVALID_ARGUMENT, "the webhook was not delivered: " + delivery.detail(),
                            "url");
                }
                return "delivered: " + delivery.detail() + " (" + delivery.attempts() + " attempt" + (delivery.attempts() == 1 ? "" : "s")
                        + ")";
            }
            case SET_META:
                return actions.annotate(action.instance(), action.text("key"), action.text("value"), actor);
            default:
                throw new IllegalStateException("unknown action " + action.kind());
        }
    }

    private static Map<String, Object> eventJson(Event event) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", event.id());
        json.put("type", event.type());
        json.put("project", event.project());
        json.put("model", event.model());
        json.put("instance", event.instance() == null ? null : event.instance().toString());
        json.put("payload", event.payload());
        json.put("createdAt", event.createdAt().toString());
        return json;
    }

    /** The arguments as recorded and shown: instances as text, a secret by its name only. */
    private static Map<String, Object> shown(EvaluatedAction action) {
        Map<String, Object> shown = new LinkedHashMap<>();
        action.arguments().forEach((name, value) -> shown.put(name, value instanceof SecretReference secret ? "env." + secret.name()
                : value instanceof UUID || value instanceof URI ? value.toString() : value));
        return shown;
    }

    private static String shortCommit(String commit) {
        return commit.length() > 12 && !commit.startsWith("sha256:") ? commit.substring(0, 12) : commit;
    }

    private static long micros(Duration duration) {
        return duration.toNanos() / 1_000;
    }

    /**
     * Evaluates one active rule against an instance without acting: the event is {@code eventType} of that instance
     * (with no metric). Answers what the rule would do; records the evaluation as a dry run.
     */
    public RuleEvaluationInfo dryRun(String name, UUID instance, String eventType, String project, String model) {
        Active rule = active.stream().filter(candidate -> candidate.rule().name().equals(name)).findFirst()
                .orElseThrow(() -> new CarraraException(StandardErrorCode.NOT_FOUND, "no active action rule named '" + name
                        + "'; carrara rules list shows the active rules", "name"));
        Instant at = DatabaseTimes.now();
        EventFacts event = new EventFacts(eventType, project, model, instance, null, null, Map.of(), at);
        Evaluation evaluation = evaluator.evaluate(rule.rule(), event, facts);
        List<RuleActionInfo> would = new ArrayList<>();
        if (evaluation.fired()) {
            evaluation.actions().forEach(action -> would.add(new RuleActionInfo(action.kind().toString(), shown(action), "would run",
                    null)));
        }
        RuleEvaluationInfo info = new RuleEvaluationInfo(0, name, rule.commit(), null, eventType, instance, at,
                evaluation.givenMatched(), evaluation.fired(), true, would,
                evaluation.problems().isEmpty() ? null : evaluation.problems().get(0).toString(), micros(evaluation.duration()));
        store.record(info);
        return info;
    }

    private Claims claims = new Claims(List.of());

    /**
     * The unfinished claims of the batch being evaluated, renewed once a third of the lease has passed since they were
     * last claimed or renewed (before each event and each action), so that a slow batch is not taken over half done.
     */
    private final class Claims {
        private final java.util.Set<Long> open = new java.util.LinkedHashSet<>();
        private java.util.Set<Long> ours;
        private long renewedAt = System.nanoTime();

        Claims(List<Event> events) {
            events.forEach(event -> open.add(event.id()));
            ours = java.util.Set.copyOf(open);
        }

        boolean stillOurs(long eventId) {
            renewIfDue();
            return ours.contains(eventId);
        }

        void renewIfDue() {
            if (!open.isEmpty() && System.nanoTime() - renewedAt > settings.lease().toNanos() / 3) {
                ours = store.renew(settings.server(), open);
                renewedAt = System.nanoTime();
            }
        }

        void finished(long eventId) {
            open.remove(eventId);
        }
    }

    /** What the rules of one event ask about the registry, each asked once: the event's instance, what a deployment serves. */
    private static final class MemoFacts implements RuleFactsProvider {
        private final RuleFactsProvider facts;
        private final Map<UUID, Optional<io.carrara.rules.facts.InstanceFacts>> instances = new java.util.HashMap<>();
        private final Map<String, Optional<io.carrara.rules.facts.InstanceFacts>> served = new java.util.HashMap<>();
        private final Map<String, Boolean> secrets = new java.util.HashMap<>();

        MemoFacts(RuleFactsProvider facts) {
            this.facts = facts;
        }

        @Override
        public synchronized Optional<io.carrara.rules.facts.InstanceFacts> instance(UUID id) {
            return instances.computeIfAbsent(id, facts::instance);
        }

        @Override
        public synchronized Optional<io.carrara.rules.facts.InstanceFacts> served(String deployment) {
            return served.computeIfAbsent(deployment, facts::served);
        }

        @Override
        public synchronized boolean hasSecret(String name) {
            return secrets.computeIfAbsent(name, facts::hasSecret);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
