package io.carrara.server.rules;

import static java.util.Objects.requireNonNull;

import io.carrara.registry.ModelRegistry;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.deploy.DeployOutcome;
import io.carrara.registry.deploy.Deployment;
import io.carrara.registry.deploy.DeploymentRegistry;
import io.carrara.registry.deploy.NewDeployment;
import io.carrara.registry.deploy.Routing;
import io.carrara.registry.model.Annotation;
import io.carrara.registry.model.Instance;
import io.carrara.rules.evaluation.RuleEvaluator;
import io.carrara.rules.expression.ExpressionSandbox;
import io.carrara.rules.expression.SandboxLimits;
import io.carrara.rules.facts.InstanceFacts;
import io.carrara.rules.facts.RuleFactsProvider;
import io.carrara.rules.parse.RuleParser;
import io.carrara.rules.parse.RulesRepository;
import io.carrara.rules.testing.RuleTestRunner;
import io.carrara.server.ServerConfig;
import io.carrara.server.alerts.Alerts;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.ErrorType;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's rules: the store, the sync of the rules repository (at start and every {@code rules.syncSeconds} when
 * {@code rules.repository} is set, and on request) and the engine that evaluates them on registry events.
 */
public final class Rules implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Rules.class);

    /** What the server does when a rule changes a deployment, as when the API does: check it, then serve it. */
    public interface DeploymentHooks {
        void check(Deployment proposed);

        void changed(Deployment deployment);

        void undeployed(String name);
    }

    private final ServerConfig.Rules settings;
    private final RuleStore store;
    private final RuleSync sync;
    private final RuleEngine engine;
    private final ScheduledExecutorService syncs;
    private final Alerts alerts;

    private Rules(ServerConfig.Rules settings, RuleStore store, RuleSync sync, RuleEngine engine, ScheduledExecutorService syncs,
            Alerts alerts) {
        this.alerts = alerts;
        this.settings = settings;
        this.store = store;
        this.sync = sync;
        this.engine = engine;
        this.syncs = syncs;
    }

    public static Rules start(ServerConfig config, RegistryDatabase database, ModelRegistry registry, DeploymentRegistry deployments,
            DeploymentHooks hooks, MeterRegistry meters, Alerts alerts) {
        ServerConfig.Rules settings = config.rules();
        RuleStore store = new RuleStore(database);
        ExpressionSandbox sandbox = new ExpressionSandbox(SandboxLimits.DEFAULTS.withTimeout(settings.timeout()));
        RuleParser parser = new RuleParser(sandbox);
        RuleEvaluator evaluator = new RuleEvaluator(sandbox);
        RuleFactsProvider facts = new RegistryFacts(registry, deployments, settings);
        RuleEngine engine = new RuleEngine(store, parser, evaluator, facts, new RegistryActions(registry, deployments, hooks),
                WebhookSender.standard(config.outbound()), alerts,
                name -> settings.secrets().contains(name) ? System.getenv(name) : null,
                new RuleEngine.Settings(serverId(config), settings.poll(), Duration.ofSeconds(60), Duration.ofSeconds(60)), meters);
        RuleSync sync = new RuleSync(store, new RulesRepository(parser), new RuleTestRunner(evaluator), config.outbound(),
                config.home().resolve("rules"), changed -> engine.reload());
        ScheduledExecutorService syncs = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "carrara-rules-sync");
            thread.setDaemon(true);
            return thread;
        });
        Rules rules = new Rules(settings, store, sync, engine, syncs, alerts);
        if (settings.enabled()) {
            engine.start();
            if (!settings.repository().isEmpty()) {
                long every = settings.syncEvery().toSeconds();
                Runnable task = rules::syncConfigured;
                if (every > 0) {
                    syncs.scheduleWithFixedDelay(task, 0, every, TimeUnit.SECONDS);
                } else {
                    syncs.execute(task);
                }
            }
        }
        return rules;
    }

    private void syncConfigured() {
        try {
            sync.sync(settings.repository(), settings.branch().isEmpty() ? null : settings.branch(), "server");
        } catch (RuntimeException e) {
            log.atWarn().setMessage("the rules repository could not be synced; the active rules stay as they were")
                    .addKeyValue("repository", settings.repository()).addKeyValue("error", e.getMessage()).log();
        }
    }

    /** This server's name in claims: host name and process id, unique among servers on one database. */
    private static String serverId(ServerConfig config) {
        return ManagementFactory.getRuntimeMXBean().getName() + ":" + config.port() + ":" + UUID.randomUUID().toString().substring(0, 8);
    }

    public RuleStore store() {
        return store;
    }

    public RuleSync sync() {
        return sync;
    }

    public RuleEngine engine() {
        return engine;
    }

    /** The server's alerts: rules raise them, and the project's alert webhooks receive them. */
    public Alerts alerts() {
        return alerts;
    }

    public ServerConfig.Rules settings() {
        return settings;
    }

    @Override
    public void close() {
        syncs.shutdownNow();
        engine.close();
    }

    /** The deployment named {@code name}, if there is one. */
    private static Optional<Deployment> find(DeploymentRegistry deployments, String name) {
        try {
            return Optional.of(deployments.get(name));
        } catch (CarraraException e) {
            if (e.errorCode().type() == ErrorType.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** What rules may know, read from the registry. */
    private static final class RegistryFacts implements RuleFactsProvider {
        private final ModelRegistry registry;
        private final DeploymentRegistry deployments;
        private final ServerConfig.Rules settings;

        RegistryFacts(ModelRegistry registry, DeploymentRegistry deployments, ServerConfig.Rules settings) {
            this.registry = registry;
            this.deployments = deployments;
            this.settings = settings;
        }

        @Override
        public Optional<InstanceFacts> instance(UUID id) {
            try {
                Instance instance = registry.getInstance(id);
                Map<String, String> annotations = new java.util.TreeMap<>();
                registry.annotations(id).forEach((key, annotation) -> annotations.put(key, annotation.value()));
                return Optional.of(InstanceFacts.from(instance, registry.listMetrics(id), annotations));
            } catch (CarraraException e) {
                if (e.errorCode().type() == ErrorType.NOT_FOUND) {
                    return Optional.empty();
                }
                throw e;
            }
        }

        @Override
        public Optional<InstanceFacts> served(String deployment) {
            return find(deployments, deployment).map(found -> found.routing() instanceof Routing.Pinned pinned ? pinned.instance()
                    : ((Routing.Partitioned) found.routing()).fallback()).flatMap(this::instance);
        }

        @Override
        public boolean hasSecret(String name) {
            return settings.secrets().contains(name) && System.getenv(name) != null;
        }
    }

    /** Deploy, undeploy and deprecate through the registry, as the API does, recorded as made by the rule. */
    private static final class RegistryActions implements RuleEngine.Actions {
        private final ModelRegistry registry;
        private final DeploymentRegistry deployments;
        private final DeploymentHooks hooks;

        RegistryActions(ModelRegistry registry, DeploymentRegistry deployments, DeploymentHooks hooks) {
            this.registry = registry;
            this.deployments = deployments;
            this.hooks = requireNonNull(hooks, "hooks is null");
        }

        @Override
        public String deploy(String name, UUID instance, String actor) {
            return deploy(name, new Routing.Pinned(instance), actor);
        }

        @Override
        public String deploy(String name, Routing routing, String actor) {
            UUID some = routing instanceof Routing.Pinned pinned ? pinned.instance() : ((Routing.Partitioned) routing).fallback();
            Instance target = registry.getInstance(some);
            Deployment current = find(deployments, name).orElse(null);
            NewDeployment request = routing instanceof Routing.Pinned pinned ? NewDeployment.pinned(name, pinned.instance())
                    : NewDeployment.partitioned(name, ((Routing.Partitioned) routing).field(), ((Routing.Partitioned) routing).instances(),
                            ((Routing.Partitioned) routing).fallback());
            request = request.withModel(target.model().toString());
            if (current != null) {
                request = request.withFeatures(current.features(), current.missingFeatures().name().toLowerCase(java.util.Locale.ROOT))
                        .withLogSampleRate(current.logSampleRate())
                        .withOutputs(current.outputs());
            }
            DeployOutcome outcome = deployments.deploy(request, actor, hooks::check);
            if (outcome.kind() != DeployOutcome.Kind.UNCHANGED) {
                hooks.changed(outcome.deployment());
            }
            return "deployment " + name + " " + outcome.kind().name().toLowerCase(java.util.Locale.ROOT) + ": " + describe(routing)
                    + " (revision " + outcome.deployment().revision() + ")";
        }

        private static String describe(Routing routing) {
            if (routing instanceof Routing.Pinned pinned) {
                return "serves " + pinned.instance();
            }
            Routing.Partitioned partitioned = (Routing.Partitioned) routing;
            StringBuilder text = new StringBuilder("routes by ").append(partitioned.field()).append(':');
            new java.util.TreeMap<>(partitioned.instances()).forEach((value, instance) -> text.append(' ').append(value).append('=')
                    .append(instance));
            return text.append(", default ").append(partitioned.fallback()).toString();
        }

        @Override
        public String undeploy(String name, String actor) {
            var revision = deployments.undeploy(name, actor);
            hooks.undeployed(name);
            return "deployment " + name + " undeployed (revision " + revision.revision() + ")";
        }

        @Override
        public Optional<UUID> select(io.carrara.rules.SelectionRule rule) {
            String query = rule.select() + (rule.order().isBlank() ? "" : " ORDER BY " + rule.order());
            return registry.search(query, 1, 0).items().stream().findFirst().map(Instance::id);
        }

        @Override
        public Optional<Routing> routing(String deployment) {
            return find(deployments, deployment).map(Deployment::routing);
        }

        @Override
        public String annotate(UUID instance, String key, String value, String actor) {
            String before = Optional.ofNullable(registry.annotations(instance).get(key)).map(Annotation::value).orElse(null);
            if (value.equals(before)) {
                return "instance " + instance + " has annotation." + key + " = " + value + " already";
            }
            registry.setAnnotation(instance, key, value, actor);
            return "instance " + instance + ": annotation." + key + " = " + value + (before == null ? "" : " (was " + before + ")");
        }

        @Override
        public String deprecate(UUID instance, String reason, String actor) {
            Instance before = registry.getInstance(instance);
            if (before.deprecated()) {
                return "instance " + instance + " was already deprecated";
            }
            registry.deprecate(instance, reason, actor);
            return "instance " + instance + " deprecated: " + reason;
        }
    }
}
