package io.carrara.rules.parse;

import static java.util.Objects.requireNonNull;

import io.carrara.registry.search.Key;
import io.carrara.registry.search.SearchParser;
import io.carrara.registry.search.SearchQuery;
import io.carrara.rules.Action;
import io.carrara.rules.ActionArgument;
import io.carrara.rules.ActionKind;
import io.carrara.rules.ActionRule;
import io.carrara.rules.Rule;
import io.carrara.rules.RuleException;
import io.carrara.rules.RuleTest;
import io.carrara.rules.RulesErrorCode;
import io.carrara.rules.SelectionRule;
import io.carrara.rules.SourcePosition;
import io.carrara.rules.expression.ExpressionSandbox;
import io.carrara.rules.expression.RuleExpression;
import io.carrara.rules.facts.InstanceFacts;
import io.carrara.rules.facts.MetricFacts;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ModelRef;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses one rule file, strictly: an unknown key, a missing required key, a value of the wrong kind,
 * an expression the sandbox refuses or a search that does not parse is a {@link RuleException}
 * naming the key and its line and column. An action rule:
 * <pre>
 * name: eta-promote-better-instance           # lower-case letters, digits and '-', at most 100
 * description: serve a better ETA instance
 * given: event.type == 'metric.recorded' &amp;&amp; instance.model == 'maps/eta'
 * when: metric('validation', 'mae') &lt;= served('eta').metric('validation', 'mae') * 0.98
 * then:
 *   - deploy: {deployment: eta, instance: "${instance.id}"}
 *   - webhook: {url: https://hooks.example.com/ml, secret: env.ETA_HOOK_SECRET}
 * tests: [...]
 * </pre>
 * {@code given} (required) and {@code when} (optional, default true) are JEXL expressions run in the
 * {@link ExpressionSandbox}; {@code then} lists {@link ActionKind actions}; see {@link ActionArgument}
 * for which argument values are expressions. A selection rule has {@code select} (a filter) and
 * optionally {@code order} (sort keys, default {@code created_at DESC}) in the registry's search
 * language instead of given/when/then. Each test of {@code tests} has a {@code name}, fixture
 * {@code instances} ({@code id} — a UUID or a word —, {@code model: project/name}, and optionally
 * {@code version} (1), {@code createdAt} (one minute apart in list order), {@code createdBy},
 * {@code format} ({@code opaque}), {@code deprecated}, {@code meta: {key: value}}, {@code annotations: {key: value}},
 * {@code metrics: {scope: {name: number}}}); an action rule's test adds {@code event: {type, instance,
 * model, metric: {scope, name, value}, deployment, payload}} and {@code served: {deployment: id}}, and
 * expects {@code {fires: true|false, actions: [kind, ...]}}; a selection rule's test expects
 * {@code {selects: id}} or {@code {selects: null}}.
 */
public final class RuleParser {
    /** The longest rule name. */
    public static final int MAX_NAME_LENGTH = 100;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0," + (MAX_NAME_LENGTH - 1) + "}");
    private static final Pattern DEPLOYMENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Pattern SECRET = Pattern.compile("env\\.([A-Za-z_][A-Za-z0-9_]{0,127})");
    private static final Pattern SEARCH_POSITION = Pattern.compile("^at position (\\d+): ");
    private static final List<String> ACTION_KEYS = List.of("name", "description", "given", "when", "then", "tests");
    private static final List<String> SELECTION_KEYS = List.of("name", "description", "select", "order", "tests");
    private static final List<String> TEST_KEYS = List.of("name", "instances", "event", "served", "expect");
    private static final List<String> INSTANCE_KEYS = List.of("id", "model", "version", "createdAt", "createdBy",
            "format", "deprecated", "meta", "annotations", "metrics");
    private static final List<String> EVENT_KEYS = List.of("type", "instance", "model", "metric", "deployment", "payload");
    private static final List<String> METRIC_KEYS = List.of("scope", "name", "value");
    private static final Instant FIXTURE_EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private final ExpressionSandbox sandbox;

    public RuleParser(ExpressionSandbox sandbox) {
        this.sandbox = requireNonNull(sandbox, "sandbox is null");
    }

    /** Parses the rule that {@code text} holds; {@code file} names it in positions. */
    public Rule parse(String file, String text) {
        requireNonNull(file, "file is null");
        requireNonNull(text, "text is null");
        return new FileParser(file, text).rule();
    }

    /** The state of parsing one file. */
    private final class FileParser {
        private final String file;
        private final String text;
        private final SourceMap sourceMap;

        FileParser(String file, String text) {
            this.file = file;
            this.text = text;
            this.sourceMap = new SourceMap(text);
        }

        Rule rule() {
            YamlNode root = YamlReader.read(file, text);
            if (!(root instanceof YamlNode.Mapping)) {
                throw invalid(root.position(), "a rule file holds a mapping (name: …, given: …), not " + root.describe());
            }
            YamlNode.Mapping mapping = (YamlNode.Mapping) root;
            boolean selection = mapping.entries().keySet().stream().anyMatch(key -> key.name().equals("select"));
            if (selection) {
                for (YamlNode.Key key : mapping.entries().keySet()) {
                    if (List.of("given", "when", "then").contains(key.name())) {
                        throw invalid(key.position(), "'" + key.name() + "' in a selection rule: a rule either selects"
                                + " (select, order) or acts (given, when, then), not both");
                    }
                }
            }
            Fields fields = new Fields(mapping, "the rule", selection ? SELECTION_KEYS : ACTION_KEYS);
            YamlNode.Scalar nameNode = fields.requiredText("name");
            String name = nameNode.text();
            if (!NAME.matcher(name).matches()) {
                throw invalid(nameNode.position(), "the rule name '" + name + "' must be lower-case letters, digits and '-',"
                        + " starting with a letter or digit, at most " + MAX_NAME_LENGTH + " characters");
            }
            String description = fields.optionalText("description").map(YamlNode.Scalar::text).orElse("");
            SourcePosition position = SourcePosition.of(file);
            if (selection) {
                YamlNode.Scalar select = fields.requiredText("select");
                Optional<YamlNode.Scalar> order = fields.optionalText("order");
                SearchQuery query = searchQuery(select, order);
                List<RuleTest> tests = tests(fields, true);
                return new SelectionRule(name, description, position, select.text(), order.map(YamlNode.Scalar::text)
                        .orElse(""), query, tests);
            }
            YamlNode.Scalar given = fields.requiredText("given");
            RuleExpression givenExpression = expression(given.text(), sourceMap.locator(given));
            Optional<RuleExpression> when = fields.optionalText("when")
                    .map(scalar -> expression(scalar.text(), sourceMap.locator(scalar)));
            List<Action> actions = actions(fields.required("then"));
            List<RuleTest> tests = tests(fields, false);
            return new ActionRule(name, description, position, givenExpression, when, actions, tests);
        }

        private RuleExpression expression(String source, IntFunction<SourcePosition> locate) {
            return sandbox.compile(source, locate);
        }

        // ------------------------------------------------------------ selection

        private SearchQuery searchQuery(YamlNode.Scalar select, Optional<YamlNode.Scalar> order) {
            SearchQuery filter = search(select.text(), select, 0, "select");
            if (!filter.orderBy().isEmpty() || filter.limit().isPresent()) {
                throw invalid(select.position(), "select is a filter only: write the order under 'order' (e.g. order:"
                        + " metric.validation.auc DESC); a selection always takes the first instance");
            }
            if (filter.filter().isEmpty()) {
                throw invalid(select.position(), "select is empty; write a filter such as model = 'eta' AND NOT deprecated");
            }
            List<io.carrara.registry.search.SortKey> orderBy = List.of();
            if (order.isPresent()) {
                String prefix = "ORDER BY ";
                SearchQuery sorted = search(prefix + order.get().text(), order.get(), prefix.length(), "order");
                if (sorted.limit().isPresent()) {
                    throw invalid(order.get().position(), "order takes sort keys only, not LIMIT");
                }
                orderBy = sorted.orderBy();
            }
            return new SearchQuery(filter.filter(), orderBy, OptionalInt.of(1), OptionalInt.empty());
        }

        private SearchQuery search(String query, YamlNode.Scalar scalar, int prefixLength, String key) {
            try {
                return SearchParser.parse(query);
            } catch (CarraraException e) {
                String message = e.getMessage();
                Matcher matcher = SEARCH_POSITION.matcher(message);
                SourcePosition position = scalar.position();
                if (matcher.find()) {
                    int offset = Integer.parseInt(matcher.group(1)) - 1 - prefixLength;
                    position = sourceMap.locator(scalar).apply(Math.max(0, offset));
                    message = message.substring(matcher.end());
                }
                throw invalid(position, key + " is not a valid search: " + message);
            }
        }

        // ------------------------------------------------------------ actions

        private List<Action> actions(YamlNode node) {
            if (!(node instanceof YamlNode.Sequence) || ((YamlNode.Sequence) node).items().isEmpty()) {
                throw invalid(node.position(), "then is a list of actions (- deploy: {...}), not " + node.describe());
            }
            List<Action> actions = new ArrayList<>();
            for (YamlNode item : ((YamlNode.Sequence) node).items()) {
                actions.add(action(item));
            }
            return actions;
        }

        private Action action(YamlNode item) {
            if (!(item instanceof YamlNode.Mapping) || ((YamlNode.Mapping) item).entries().size() != 1) {
                throw invalid(item.position(), "each action is one key, its kind (" + kinds() + "), with its arguments");
            }
            Map.Entry<YamlNode.Key, YamlNode> entry = ((YamlNode.Mapping) item).entries().entrySet().iterator().next();
            YamlNode.Key kindKey = entry.getKey();
            ActionKind kind = ActionKind.fromWireName(kindKey.name()).orElseThrow(() -> invalid(kindKey.position(),
                    "unknown action '" + kindKey.name() + "'; expected one of " + kinds()));
            YamlNode body = entry.getValue();
            Map<String, ActionArgument> arguments = new LinkedHashMap<>();
            if (body instanceof YamlNode.Mapping) {
                for (Map.Entry<YamlNode.Key, YamlNode> argument : ((YamlNode.Mapping) body).entries().entrySet()) {
                    YamlNode.Key key = argument.getKey();
                    ActionKind.Parameter parameter = kind.parameter(key.name()).orElseThrow(() -> invalid(key.position(),
                            "unknown argument '" + key.name() + "' of " + kind + "; it takes " + parameterNames(kind)));
                    arguments.put(key.name(), argument(kind, parameter, argument.getValue()));
                }
            } else if (!(body instanceof YamlNode.Scalar && (((YamlNode.Scalar) body).isNull()
                    || ((YamlNode.Scalar) body).text().isEmpty()))) {
                throw invalid(body.position(), kind + " takes a mapping of arguments (" + parameterNames(kind) + "), not "
                        + body.describe());
            }
            for (ActionKind.Parameter parameter : kind.parameters()) {
                if (parameter.required() && !arguments.containsKey(parameter.name())) {
                    throw invalid(kindKey.position(), kind + " needs the argument '" + parameter.name() + "'");
                }
            }
            return new Action(kind, arguments, kindKey.position());
        }

        private ActionArgument argument(ActionKind kind, ActionKind.Parameter parameter, YamlNode node) {
            String what = kind + "." + parameter.name();
            if (!(node instanceof YamlNode.Scalar) || ((YamlNode.Scalar) node).isNull()) {
                throw invalid(node.position(), what + " takes one value, not " + node.describe());
            }
            YamlNode.Scalar scalar = (YamlNode.Scalar) node;
            if (parameter.type() == ActionKind.ArgumentType.SECRET) {
                Matcher secret = SECRET.matcher(scalar.text());
                if (!(scalar.value() instanceof String) || !secret.matches()) {
                    throw invalid(scalar.position(), what + " names a server secret as env.NAME (e.g. env.ETA_HOOK_SECRET);"
                            + " a secret's value never goes in a rule file");
                }
                return new ActionArgument.Secret(secret.group(1), scalar.position());
            }
            if (scalar.value() instanceof String && scalar.text().contains("${")) {
                return template(scalar, what);
            }
            checkLiteral(parameter, what, scalar);
            return new ActionArgument.Literal(scalar.value(), scalar.position());
        }

        private ActionArgument template(YamlNode.Scalar scalar, String what) {
            String value = scalar.text();
            IntFunction<SourcePosition> locate = sourceMap.locator(scalar);
            List<Object> parts = new ArrayList<>();
            int index = 0;
            while (index < value.length()) {
                int open = value.indexOf("${", index);
                if (open < 0) {
                    parts.add(value.substring(index));
                    break;
                }
                if (open > index) {
                    parts.add(value.substring(index, open));
                }
                int close = closingBrace(value, open + 2);
                if (close < 0) {
                    throw invalid(locate.apply(open), what + ": '${' without its closing '}'");
                }
                int start = open + 2;
                parts.add(expression(value.substring(start, close), offset -> locate.apply(start + offset)));
                index = close + 1;
            }
            if (parts.size() == 1 && parts.get(0) instanceof RuleExpression) {
                return new ActionArgument.Expression((RuleExpression) parts.get(0), scalar.position());
            }
            return new ActionArgument.Template(parts, scalar.position());
        }

        private void checkLiteral(ActionKind.Parameter parameter, String what, YamlNode.Scalar scalar) {
            String value = scalar.text();
            switch (parameter.type()) {
                case NAME:
                    if (!DEPLOYMENT_NAME.matcher(value).matches()) {
                        throw invalid(scalar.position(), what + " '" + value + "' is not a deployment name");
                    }
                    break;
                case INSTANCE:
                    try {
                        UUID.fromString(value);
                    } catch (IllegalArgumentException e) {
                        throw invalid(scalar.position(), what + " '" + value + "' is not an instance id; to compute it"
                                + " write an expression in ${…}, e.g. \"${instance.id}\" or \"${served('eta').id}\"");
                    }
                    break;
                case URL:
                    checkUrl(value).ifPresent(problem -> {
                        throw invalid(scalar.position(), what + " " + problem);
                    });
                    break;
                case SEVERITY:
                    if (!ActionKind.SEVERITIES.contains(value)) {
                        throw invalid(scalar.position(), what + " '" + value + "' must be one of " + ActionKind.SEVERITIES);
                    }
                    break;
                default:
                    break;
            }
        }

        // ------------------------------------------------------------ tests

        private List<RuleTest> tests(Fields rule, boolean selection) {
            Optional<YamlNode> node = rule.optional("tests");
            if (node.isEmpty() || node.get() instanceof YamlNode.Scalar && ((YamlNode.Scalar) node.get()).isNull()) {
                return List.of();
            }
            if (!(node.get() instanceof YamlNode.Sequence)) {
                throw invalid(node.get().position(), "tests is a list of test cases, not " + node.get().describe());
            }
            List<RuleTest> tests = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (YamlNode item : ((YamlNode.Sequence) node.get()).items()) {
                RuleTest test = test(item, selection);
                if (!names.add(test.name())) {
                    throw invalid(test.position(), "two tests are named '" + test.name() + "'");
                }
                tests.add(test);
            }
            return tests;
        }

        private RuleTest test(YamlNode node, boolean selection) {
            Fields fields = new Fields(node, "a test", TEST_KEYS);
            String name = fields.requiredText("name").text();
            String context = "test '" + name + "'";
            List<RuleTest.InstanceFixture> instances = new ArrayList<>();
            Set<String> labels = new LinkedHashSet<>();
            Set<UUID> ids = new HashSet<>();
            Optional<YamlNode> instanceList = fields.optional("instances");
            if (instanceList.isPresent()) {
                if (!(instanceList.get() instanceof YamlNode.Sequence)) {
                    throw invalid(instanceList.get().position(), context + ": instances is a list, not "
                            + instanceList.get().describe());
                }
                for (YamlNode item : ((YamlNode.Sequence) instanceList.get()).items()) {
                    RuleTest.InstanceFixture fixture = fixture(item, instances.size(), context);
                    if (!labels.add(fixture.label()) || !ids.add(fixture.facts().id())) {
                        throw invalid(fixture.position(), context + ": two instances have the id '" + fixture.label() + "'");
                    }
                    instances.add(fixture);
                }
            }
            Optional<RuleTest.EventFixture> event = fields.optional("event").map(e -> event(e, labels, context));
            Map<String, String> served = new LinkedHashMap<>();
            Optional<YamlNode> servedNode = fields.optional("served");
            if (servedNode.isPresent()) {
                Fields servedFields = new Fields(servedNode.get(), context + " served", null);
                for (YamlNode.Key key : servedFields.keys()) {
                    YamlNode.Scalar label = servedFields.requiredText(key.name());
                    checkLabel(label, labels, context);
                    served.put(key.name(), label.text());
                }
            }
            if (selection && (event.isPresent() || !served.isEmpty())) {
                throw invalid(fields.position(), context + ": a selection rule's test takes instances and expect.selects,"
                        + " not an event or served");
            }
            if (!selection && event.isEmpty()) {
                throw invalid(fields.position(), context + " needs an event: the event the rule reacts to");
            }
            RuleTest.Expectation expectation = expectation(fields.required("expect"), selection, labels, context);
            return new RuleTest(name, fields.position(), instances, event, served, expectation);
        }

        private RuleTest.InstanceFixture fixture(YamlNode node, int index, String context) {
            Fields fields = new Fields(node, context + " instance", INSTANCE_KEYS);
            YamlNode.Scalar idNode = fields.requiredText("id");
            String label = idNode.text();
            UUID id;
            try {
                id = UUID.fromString(label);
            } catch (IllegalArgumentException notUuid) {
                // Fixtures named in words get ids that sort in listing order, so ties sort as listed.
                id = new UUID(0L, index + 1L);
            }
            YamlNode.Scalar modelNode = fields.requiredText("model");
            ModelRef model;
            try {
                model = ModelRef.parse(modelNode.text(), "model");
            } catch (RuntimeException e) {
                throw invalid(modelNode.position(), context + ": model '" + modelNode.text() + "' must be project/name,"
                        + " e.g. maps/eta");
            }
            int version = (int) fields.optionalWhole("version").orElse(1L).longValue();
            Instant createdAt = FIXTURE_EPOCH.plusSeconds(60L * index);
            Optional<YamlNode.Scalar> createdAtNode = fields.optionalText("createdAt");
            if (createdAtNode.isPresent()) {
                try {
                    createdAt = Instant.parse(createdAtNode.get().text());
                } catch (DateTimeParseException e) {
                    throw invalid(createdAtNode.get().position(), context + ": createdAt '" + createdAtNode.get().text()
                            + "' must be an ISO-8601 time such as 2026-11-02T10:00:00Z");
                }
            }
            String createdBy = fields.optionalText("createdBy").map(YamlNode.Scalar::text).orElse("rules-test");
            String format = fields.optionalText("format").map(YamlNode.Scalar::text).orElse("opaque");
            boolean deprecated = fields.optionalBoolean("deprecated").orElse(false);
            Map<String, String> metadata = new TreeMap<>();
            Optional<YamlNode> metaNode = fields.optional("meta");
            if (metaNode.isPresent()) {
                Fields meta = new Fields(metaNode.get(), context + " meta", null);
                for (YamlNode.Key key : meta.keys()) {
                    metadata.put(key.name(), meta.requiredText(key.name()).text());
                }
            }
            Map<String, String> annotations = new TreeMap<>();
            Optional<YamlNode> annotationsNode = fields.optional("annotations");
            if (annotationsNode.isPresent()) {
                Fields notes = new Fields(annotationsNode.get(), context + " annotations", null);
                for (YamlNode.Key key : notes.keys()) {
                    annotations.put(key.name(), notes.requiredText(key.name()).text());
                }
            }
            Map<String, Map<String, Double>> metrics = new TreeMap<>();
            Optional<YamlNode> metricsNode = fields.optional("metrics");
            if (metricsNode.isPresent()) {
                Fields scopes = new Fields(metricsNode.get(), context + " metrics", null);
                for (YamlNode.Key scope : scopes.keys()) {
                    if (!Key.Metric.SCOPES.contains(scope.name())) {
                        throw invalid(scope.position(), context + ": unknown metric scope '" + scope.name()
                                + "'; expected one of " + Key.Metric.SCOPES);
                    }
                    Fields values = new Fields(scopes.required(scope.name()), context + " metrics." + scope.name(), null);
                    Map<String, Double> byName = new TreeMap<>();
                    for (YamlNode.Key metric : values.keys()) {
                        byName.put(metric.name(), values.requiredNumber(metric.name()));
                    }
                    metrics.put(scope.name(), byName);
                }
            }
            InstanceFacts facts = new InstanceFacts(id, model, version, createdAt, createdBy, format, deprecated, metadata,
                    metrics, annotations);
            return new RuleTest.InstanceFixture(label, facts, fields.position());
        }

        private RuleTest.EventFixture event(YamlNode node, Set<String> labels, String context) {
            Fields fields = new Fields(node, context + " event", EVENT_KEYS);
            String type = fields.requiredText("type").text();
            Optional<YamlNode.Scalar> instance = fields.optionalText("instance");
            instance.ifPresent(label -> checkLabel(label, labels, context));
            Optional<MetricFacts> metric = fields.optional("metric").map(metricNode -> {
                Fields metricFields = new Fields(metricNode, context + " event metric", METRIC_KEYS);
                YamlNode.Scalar scope = metricFields.requiredText("scope");
                if (!Key.Metric.SCOPES.contains(scope.text())) {
                    throw invalid(scope.position(), context + ": unknown metric scope '" + scope.text() + "'; expected one of "
                            + Key.Metric.SCOPES);
                }
                return new MetricFacts(scope.text(), metricFields.requiredText("name").text(),
                        metricFields.optionalNumber("value").orElse(null));
            });
            Map<String, String> payload = new TreeMap<>();
            Optional<YamlNode> payloadNode = fields.optional("payload");
            if (payloadNode.isPresent()) {
                Fields payloadFields = new Fields(payloadNode.get(), context + " event payload", null);
                for (YamlNode.Key key : payloadFields.keys()) {
                    payload.put(key.name(), payloadFields.requiredText(key.name()).text());
                }
            }
            Optional<YamlNode.Scalar> model = fields.optionalText("model");
            if (model.isPresent()) {
                try {
                    ModelRef ref = ModelRef.parse(model.get().text(), "model");
                    payload.put("project", ref.project());
                    payload.put("model", ref.name());
                } catch (RuntimeException e) {
                    throw invalid(model.get().position(), context + ": event model '" + model.get().text()
                            + "' must be project/name");
                }
            }
            return new RuleTest.EventFixture(type, instance.map(YamlNode.Scalar::text), metric,
                    fields.optionalText("deployment").map(YamlNode.Scalar::text), payload, fields.position());
        }

        private RuleTest.Expectation expectation(YamlNode node, boolean selection, Set<String> labels,
                String context) {
            if (selection) {
                Fields fields = new Fields(node, context + " expect", List.of("selects"));
                YamlNode selects = fields.required("selects");
                if (!(selects instanceof YamlNode.Scalar)) {
                    throw invalid(selects.position(), context + ": expect.selects is an instance id or null");
                }
                YamlNode.Scalar scalar = (YamlNode.Scalar) selects;
                if (scalar.isNull()) {
                    return new RuleTest.Selects(Optional.empty(), fields.position());
                }
                checkLabel(scalar, labels, context);
                return new RuleTest.Selects(Optional.of(scalar.text()), fields.position());
            }
            Fields fields = new Fields(node, context + " expect", List.of("fires", "actions"));
            boolean fires = fields.optionalBoolean("fires").orElseThrow(() -> invalid(fields.position(),
                    context + ": expect needs 'fires: true' or 'fires: false'"));
            Optional<List<ActionKind>> actions = fields.optional("actions").map(actionsNode -> {
                if (!(actionsNode instanceof YamlNode.Sequence)) {
                    throw invalid(actionsNode.position(), context + ": expect.actions is a list of action kinds, e.g."
                            + " [deploy, webhook]");
                }
                List<ActionKind> kinds = new ArrayList<>();
                for (YamlNode item : ((YamlNode.Sequence) actionsNode).items()) {
                    String name = item instanceof YamlNode.Scalar ? ((YamlNode.Scalar) item).text() : null;
                    kinds.add(ActionKind.fromWireName(name == null ? "" : name).orElseThrow(() -> invalid(item.position(),
                            context + ": unknown action kind '" + name + "'; expected one of " + kinds())));
                }
                return kinds;
            });
            return new RuleTest.Fires(fires, actions, fields.position());
        }

        private void checkLabel(YamlNode.Scalar label, Set<String> labels, String context) {
            if (label.isNull() || !labels.contains(label.text())) {
                throw invalid(label.position(), context + ": no instance '" + label.text() + "' among the test's instances "
                        + labels);
            }
        }

        private RuleException invalid(SourcePosition position, String message) {
            return new RuleException(RulesErrorCode.RULE_INVALID, position, message);
        }

        /** A mapping whose keys are checked against the allowed ones (null: any key). */
        private final class Fields {
            private final YamlNode.Mapping mapping;
            private final String what;
            private final Map<String, YamlNode.Key> keys = new LinkedHashMap<>();

            Fields(YamlNode node, String what, List<String> allowed) {
                if (!(node instanceof YamlNode.Mapping)) {
                    throw invalid(node.position(), what + " is a mapping (key: value), not " + node.describe());
                }
                this.mapping = (YamlNode.Mapping) node;
                this.what = what;
                for (YamlNode.Key key : mapping.entries().keySet()) {
                    if (allowed != null && !allowed.contains(key.name())) {
                        throw invalid(key.position(), "unknown key '" + key.name() + "' in " + what + "; expected "
                                + String.join(", ", allowed));
                    }
                    keys.put(key.name(), key);
                }
            }

            SourcePosition position() {
                return mapping.position();
            }

            List<YamlNode.Key> keys() {
                return List.copyOf(keys.values());
            }

            Optional<YamlNode> optional(String key) {
                YamlNode.Key found = keys.get(key);
                return found == null ? Optional.empty() : Optional.of(mapping.entries().get(found));
            }

            YamlNode required(String key) {
                return optional(key).orElseThrow(() -> invalid(mapping.position(), what + " needs '" + key + "'"));
            }

            YamlNode.Scalar requiredText(String key) {
                YamlNode node = required(key);
                if (!(node instanceof YamlNode.Scalar) || ((YamlNode.Scalar) node).isNull()
                        || ((YamlNode.Scalar) node).text().isBlank()) {
                    throw invalid(node.position(), key + " in " + what + " must be text, not " + describe(node));
                }
                return (YamlNode.Scalar) node;
            }

            Optional<YamlNode.Scalar> optionalText(String key) {
                return optional(key).isPresent() ? Optional.of(requiredText(key)) : Optional.empty();
            }

            double requiredNumber(String key) {
                YamlNode node = required(key);
                if (!(node instanceof YamlNode.Scalar) || !(((YamlNode.Scalar) node).value() instanceof Number)) {
                    throw invalid(node.position(), key + " in " + what + " must be a number, not " + describe(node));
                }
                return ((Number) ((YamlNode.Scalar) node).value()).doubleValue();
            }

            Optional<Double> optionalNumber(String key) {
                return optional(key).isPresent() ? Optional.of(requiredNumber(key)) : Optional.empty();
            }

            Optional<Long> optionalWhole(String key) {
                Optional<YamlNode> node = optional(key);
                if (node.isEmpty()) {
                    return Optional.empty();
                }
                if (!(node.get() instanceof YamlNode.Scalar) || !(((YamlNode.Scalar) node.get()).value() instanceof Long)) {
                    throw invalid(node.get().position(), key + " in " + what + " must be a whole number, not "
                            + describe(node.get()));
                }
                return Optional.of((Long) ((YamlNode.Scalar) node.get()).value());
            }

            Optional<Boolean> optionalBoolean(String key) {
                Optional<YamlNode> node = optional(key);
                if (node.isEmpty()) {
                    return Optional.empty();
                }
                if (!(node.get() instanceof YamlNode.Scalar) || !(((YamlNode.Scalar) node.get()).value() instanceof Boolean)) {
                    throw invalid(node.get().position(), key + " in " + what + " must be true or false, not "
                            + describe(node.get()));
                }
                return Optional.of((Boolean) ((YamlNode.Scalar) node.get()).value());
            }

            private String describe(YamlNode node) {
                return node instanceof YamlNode.Scalar && !((YamlNode.Scalar) node).isNull()
                        ? node.describe() + " '" + ((YamlNode.Scalar) node).text() + "'"
                        : node.describe();
            }
        }
    }

    /** Why {@code value} is not a URL a webhook may call, if it is not. */
    public static Optional<String> checkUrl(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return Optional.of("'" + value + "' is not an http or https URL");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                return Optional.of("'" + value + "' names no host");
            }
            if (uri.getRawUserInfo() != null) {
                return Optional.of("'" + value + "' holds a user name or password; name a secret with 'secret: env.NAME'");
            }
            return Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.of("'" + value + "' is not a URL: " + e.getReason());
        }
    }

    private static String kinds() {
        List<String> names = new ArrayList<>();
        for (ActionKind kind : ActionKind.values()) {
            names.add(kind.wireName());
        }
        return String.join(", ", names);
    }

    private static String parameterNames(ActionKind kind) {
        List<String> names = new ArrayList<>();
        for (ActionKind.Parameter parameter : kind.parameters()) {
            names.add(parameter.name() + (parameter.required() ? "" : " (optional)"));
        }
        return String.join(", ", names);
    }

    /** The index of the '}' closing an expression that starts at {@code from}, skipping quoted text and nested braces. */
    static int closingBrace(String value, int from) {
        int depth = 1;
        char quote = 0;
        for (int i = from; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }
}
