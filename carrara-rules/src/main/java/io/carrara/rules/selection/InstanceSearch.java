package io.carrara.rules.selection;

import static java.util.Objects.requireNonNull;

import io.carrara.registry.search.ComparisonOperator;
import io.carrara.registry.search.Expression;
import io.carrara.registry.search.InstanceField;
import io.carrara.registry.search.Key;
import io.carrara.registry.search.Literal;
import io.carrara.registry.search.SearchQuery;
import io.carrara.registry.search.SortKey;
import io.carrara.rules.SelectionRule;
import io.carrara.rules.facts.InstanceFacts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The registry's search, evaluated in memory over {@link InstanceFacts}, for rule tests: the same
 * meaning as the SQL that {@code SearchCompiler} writes. Comparisons on {@code meta.KEY} and
 * {@code metric.SCOPE.NAME} hold only for instances that have the entry (so {@code meta.city != 'nyc'}
 * skips instances without a city while {@code NOT meta.city = 'nyc'} includes them); metadata compared
 * with a number compares its numeric value and holds only where the text is a number; text compares
 * by UTF-16 code units, case-sensitively; {@code LIKE} takes {@code %} and {@code _} as wildcards and
 * {@code \} as the escape. Sorting puts, whatever the direction, numeric metadata before text metadata
 * before missing metadata and missing metrics last; the default order is {@code created_at DESC}; ties
 * sort by id.
 * <pre>{@code
 * Optional<InstanceFacts> champion = InstanceSearch.select(rule, fixtures);
 * }</pre>
 */
public final class InstanceSearch {
    // The registry's rule for which metadata values are numbers (InstanceStore.parseNumber).
    private static final Pattern DECIMAL = Pattern.compile("-?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private InstanceSearch() {}

    /** The instance {@code rule} selects among {@code instances}, if any. */
    public static Optional<InstanceFacts> select(SelectionRule rule, Collection<InstanceFacts> instances) {
        requireNonNull(rule, "rule is null");
        return search(rule.query(), instances).stream().findFirst();
    }

    /** The instances {@code query} finds, in its order, after its offset and up to its limit. */
    public static List<InstanceFacts> search(SearchQuery query, Collection<InstanceFacts> instances) {
        requireNonNull(query, "query is null");
        requireNonNull(instances, "instances is null");
        List<InstanceFacts> found = new ArrayList<>();
        for (InstanceFacts instance : instances) {
            if (query.filter().isEmpty() || matches(query.filter().get(), instance)) {
                found.add(instance);
            }
        }
        found.sort(order(query.orderBy()));
        int offset = Math.min(found.size(), query.offset().orElse(0));
        int limit = query.limit().orElse(SearchQuery.DEFAULT_LIMIT);
        return List.copyOf(found.subList(offset, Math.min(found.size(), offset + limit)));
    }

    /** Whether {@code expression} holds for {@code instance}. */
    public static boolean matches(Expression expression, InstanceFacts instance) {
        if (expression instanceof Expression.And) {
            Expression.And and = (Expression.And) expression;
            return matches(and.left(), instance) && matches(and.right(), instance);
        }
        if (expression instanceof Expression.Or) {
            Expression.Or or = (Expression.Or) expression;
            return matches(or.left(), instance) || matches(or.right(), instance);
        }
        if (expression instanceof Expression.Not) {
            return !matches(((Expression.Not) expression).operand(), instance);
        }
        if (expression instanceof Expression.Comparison) {
            Expression.Comparison comparison = (Expression.Comparison) expression;
            Object value = value(comparison.key(), instance, isNumeric(comparison.value()));
            return value != null && compare(comparison.operator(), value, comparison.value());
        }
        if (expression instanceof Expression.In) {
            Expression.In in = (Expression.In) expression;
            Object value = value(in.key(), instance, isNumeric(in.values().get(0)));
            if (value == null) {
                return false;
            }
            boolean any = in.values().stream().anyMatch(literal -> compare(ComparisonOperator.EQUAL, value, literal));
            return in.negated() != any;
        }
        if (expression instanceof Expression.Like) {
            Expression.Like like = (Expression.Like) expression;
            Object value = value(like.key(), instance, false);
            return value != null && like.negated() != likePattern(like.pattern()).matcher(value.toString()).matches();
        }
        if (expression instanceof Expression.IsNull) {
            Expression.IsNull isNull = (Expression.IsNull) expression;
            boolean exists = value(isNull.key(), instance, false) != null;
            return isNull.negated() == exists;
        }
        throw new IllegalStateException("unknown expression " + expression);
    }

    /** The order {@code orderBy} gives, then by id; empty means newest first. */
    public static Comparator<InstanceFacts> order(List<SortKey> orderBy) {
        List<SortKey> keys = orderBy.isEmpty()
                ? List.of(new SortKey(InstanceField.CREATED_AT, SortKey.Direction.DESCENDING))
                : orderBy;
        Comparator<InstanceFacts> order = (a, b) -> 0;
        for (SortKey key : keys) {
            order = order.thenComparing(comparator(key));
        }
        return order.thenComparing(instance -> instance.id().toString());
    }

    private static Comparator<InstanceFacts> comparator(SortKey sortKey) {
        boolean descending = sortKey.direction() == SortKey.Direction.DESCENDING;
        Key key = sortKey.key();
        if (key instanceof Key.Metadata) {
            String name = ((Key.Metadata) key).name();
            // Numbers first in numeric order, then text in text order, then instances without the key.
            Comparator<InstanceFacts> group = Comparator.comparingInt(instance -> metadataGroup(instance, name));
            Comparator<InstanceFacts> number = Comparator.comparing(
                    instance -> numberOf(instance.metadata().get(name)), nullsLast(descending));
            Comparator<InstanceFacts> text = Comparator.comparing(
                    instance -> instance.metadata().get(name), nullsLast(descending));
            return group.thenComparing(number).thenComparing(text);
        }
        if (key instanceof Key.Metric) {
            Key.Metric metric = (Key.Metric) key;
            return Comparator.comparing(instance -> instance.metric(metric.scope(), metric.name()).orElse(null),
                    nullsLast(descending));
        }
        Comparator<InstanceFacts> field = Comparator.comparing(instance -> fieldValue((InstanceField) key, instance),
                (a, b) -> compareValues(a, b));
        return descending ? field.reversed() : field;
    }

    private static <T extends Comparable<? super T>> Comparator<T> nullsLast(boolean descending) {
        Comparator<T> natural = Comparator.naturalOrder();
        return Comparator.nullsLast(descending ? natural.reversed() : natural);
    }

    private static int metadataGroup(InstanceFacts instance, String name) {
        String value = instance.metadata().get(name);
        if (value == null) {
            return 2;
        }
        return numberOf(value) == null ? 1 : 0;
    }

    /** The value {@code key} has for {@code instance}, or null when it has none; metadata as a number when asked for one. */
    private static Object value(Key key, InstanceFacts instance, boolean numeric) {
        if (key instanceof Key.Metadata) {
            String text = instance.metadata().get(((Key.Metadata) key).name());
            if (text == null) {
                return null;
            }
            return numeric ? numberOf(text) : text;
        }
        if (key instanceof Key.Metric) {
            Key.Metric metric = (Key.Metric) key;
            return instance.metric(metric.scope(), metric.name()).orElse(null);
        }
        return fieldValue((InstanceField) key, instance);
    }

    private static Comparable<?> fieldValue(InstanceField field, InstanceFacts instance) {
        switch (field) {
            case MODEL:
                return instance.model().name();
            case PROJECT:
                return instance.model().project();
            case ID:
                return instance.id().toString();
            case VERSION:
                return (long) instance.version();
            case CREATED_AT:
                return instance.createdAt();
            case CREATED_BY:
                return instance.createdBy();
            case FORMAT:
                return instance.format();
            case DEPRECATED:
                return instance.deprecated();
            default:
                throw new IllegalStateException("unknown field " + field);
        }
    }

    private static boolean compare(ComparisonOperator operator, Object value, Literal literal) {
        int order = compareValues(value, literalValue(literal, value));
        switch (operator) {
            case EQUAL:
                return order == 0;
            case NOT_EQUAL:
                return order != 0;
            case LESS_THAN:
                return order < 0;
            case LESS_THAN_OR_EQUAL:
                return order <= 0;
            case GREATER_THAN:
                return order > 0;
            case GREATER_THAN_OR_EQUAL:
                return order >= 0;
            default:
                throw new IllegalStateException("unknown operator " + operator);
        }
    }

    /** The literal as a value comparable with {@code value}: numbers as doubles where the value is one. */
    private static Object literalValue(Literal literal, Object value) {
        if (literal instanceof Literal.StringLiteral) {
            return ((Literal.StringLiteral) literal).value();
        }
        if (literal instanceof Literal.LongLiteral) {
            long number = ((Literal.LongLiteral) literal).value();
            return value instanceof Double ? (Object) (double) number : (Object) number;
        }
        if (literal instanceof Literal.DoubleLiteral) {
            return ((Literal.DoubleLiteral) literal).value();
        }
        if (literal instanceof Literal.BooleanLiteral) {
            return ((Literal.BooleanLiteral) literal).value();
        }
        if (literal instanceof Literal.TimestampLiteral) {
            return ((Literal.TimestampLiteral) literal).value();
        }
        throw new IllegalStateException("unknown literal " + literal);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareValues(Object left, Object right) {
        if (left instanceof Number && right instanceof Number) {
            return Double.compare(((Number) left).doubleValue(), ((Number) right).doubleValue());
        }
        if (left instanceof Instant && right instanceof Instant || left instanceof String && right instanceof String
                || left instanceof Boolean && right instanceof Boolean) {
            return ((Comparable) left).compareTo(right);
        }
        // The parser checks literals against keys, so this is a bug rather than a user's error.
        throw new IllegalStateException("cannot compare " + left + " with " + right);
    }

    private static boolean isNumeric(Literal literal) {
        return literal instanceof Literal.LongLiteral || literal instanceof Literal.DoubleLiteral;
    }

    private static Double numberOf(String text) {
        if (text == null || !DECIMAL.matcher(text).matches()) {
            return null;
        }
        double number = Double.parseDouble(text);
        return Double.isFinite(number) ? number : null;
    }

    /** SQL LIKE as a regular expression: {@code %} any text, {@code _} one character, {@code \} escapes the next. */
    static Pattern likePattern(String like) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < like.length(); i++) {
            char c = like.charAt(i);
            if (c == '\\' && i + 1 < like.length()) {
                literal.append(like.charAt(++i));
            } else if (c == '%' || c == '_') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '%' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
