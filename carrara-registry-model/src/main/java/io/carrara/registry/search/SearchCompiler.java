package io.carrara.registry.search;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.registry.search.Expression.And;
import io.carrara.registry.search.Expression.Comparison;
import io.carrara.registry.search.Expression.In;
import io.carrara.registry.search.Expression.IsNull;
import io.carrara.registry.search.Expression.Like;
import io.carrara.registry.search.Expression.Not;
import io.carrara.registry.search.Expression.Or;
import io.carrara.registry.search.Literal.BooleanLiteral;
import io.carrara.registry.search.Literal.DoubleLiteral;
import io.carrara.registry.search.Literal.LongLiteral;
import io.carrara.registry.search.Literal.StringLiteral;
import io.carrara.registry.search.Literal.TimestampLiteral;
import io.carrara.spi.error.CarraraException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Compiles a search into one parameterised SQL statement over the registry schema that runs
 * unchanged on H2, PostgreSQL and MariaDB. Every value is a bound parameter; keys never reach the
 * SQL text either, since metadata keys and metric names are bound too.
 *
 * <pre>{@code
 * CompiledSearch search = new SearchCompiler().compile("meta.city = 'nyc' ORDER BY metric.validation.mae", null, null);
 * // bind search.parameters() in order to search.sql(), read instance_id from each row
 * }</pre>
 *
 * <p>Comparisons on {@code meta.<key>} and {@code metric.<scope>.<name>} hold only for instances that
 * have the entry, so {@code meta.city != 'nyc'} skips instances without a city while
 * {@code NOT meta.city = 'nyc'} includes them, as SQL does with NULL.
 */
public final class SearchCompiler {
    private static final String METADATA_EXISTS = "EXISTS (SELECT 1 FROM instance_metadata md"
            + " WHERE md.instance_id = i.instance_id AND md.meta_key = ?";
    private static final String METRIC_EXISTS = "EXISTS (SELECT 1 FROM metric_latest ml"
            + " WHERE ml.instance_id = i.instance_id AND ml.scope = ? AND ml.name = ?";

    /** Parses and compiles {@code query}; a non-null override, from the request parameters, wins over the query. */
    public CompiledSearch compile(String query, Integer limitOverride, Integer offsetOverride) {
        return compile(SearchParser.parse(query), limitOverride, offsetOverride);
    }

    public CompiledSearch compile(SearchQuery query, Integer limitOverride, Integer offsetOverride) {
        int limit = limitOverride != null
                ? checkLimit(limitOverride)
                : query.limit().orElse(SearchQuery.DEFAULT_LIMIT);
        int offset = offsetOverride != null ? checkOffset(offsetOverride) : query.offset().orElse(0);

        Statement statement = new Statement();
        query.filter().ifPresent(filter -> appendExpression(filter, statement.where));
        appendOrder(query.orderBy(), statement);

        StringBuilder sql = new StringBuilder("SELECT i.instance_id FROM instances i");
        List<Object> parameters = new ArrayList<>();
        // Parameters follow the SQL text, so the joins' keys bind before the filter's values.
        sql.append(statement.joins.sql);
        parameters.addAll(statement.joins.parameters);
        if (!statement.where.isEmpty()) {
            sql.append(" WHERE ").append(statement.where.sql);
            parameters.addAll(statement.where.parameters);
        }
        sql.append(" ORDER BY ").append(statement.order.sql);
        parameters.addAll(statement.order.parameters);
        sql.append(" LIMIT ? OFFSET ?");
        parameters.add(limit);
        parameters.add(offset);
        return new CompiledSearch(sql.toString(), parameters, limit, offset);
    }

    private static int checkLimit(int limit) {
        if (limit < 1 || limit > SearchQuery.MAX_LIMIT) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "limit must be between 1 and " + SearchQuery.MAX_LIMIT + " but was " + limit, "limit");
        }
        return limit;
    }

    private static int checkOffset(int offset) {
        if (offset < 0) {
            throw new CarraraException(INVALID_ARGUMENT, "offset must be 0 or more but was " + offset, "offset");
        }
        return offset;
    }

    private static void appendExpression(Expression expression, SqlText out) {
        if (expression instanceof And) {
            And and = (And) expression;
            out.append("(");
            appendExpression(and.left(), out);
            out.append(" AND ");
            appendExpression(and.right(), out);
            out.append(")");
        } else if (expression instanceof Or) {
            Or or = (Or) expression;
            out.append("(");
            appendExpression(or.left(), out);
            out.append(" OR ");
            appendExpression(or.right(), out);
            out.append(")");
        } else if (expression instanceof Not) {
            out.append("NOT (");
            appendExpression(((Not) expression).operand(), out);
            out.append(")");
        } else if (expression instanceof Comparison) {
            Comparison comparison = (Comparison) expression;
            appendCondition(comparison.key(), List.of(comparison.value()), comparison.operator().symbol() + " ?", out);
        } else if (expression instanceof In) {
            In in = (In) expression;
            String markers = String.join(", ", Collections.nCopies(in.values().size(), "?"));
            appendCondition(in.key(), in.values(), (in.negated() ? "NOT IN (" : "IN (") + markers + ")", out);
        } else if (expression instanceof Like) {
            Like like = (Like) expression;
            appendCondition(like.key(), List.of(new StringLiteral(like.pattern())),
                    like.negated() ? "NOT LIKE ?" : "LIKE ?", out);
        } else if (expression instanceof IsNull) {
            appendNullCheck((IsNull) expression, out);
        } else {
            throw new IllegalStateException("unknown expression " + expression);
        }
    }

    /**
     * Appends {@code column test} for the column that holds {@code key}'s value, where {@code test}
     * is the operator and its {@code ?} markers, e.g. {@code "IN (?, ?)"}, and binds {@code values}.
     */
    private static void appendCondition(Key key, List<Literal> values, String test, SqlText out) {
        if (key instanceof Key.Metadata) {
            // A number compares with the parsed number, so meta.seed > 10 holds for '42' but not for '7'.
            boolean numeric = isNumeric(values.get(0));
            out.append(METADATA_EXISTS).bind(((Key.Metadata) key).name());
            out.append(numeric ? " AND md.meta_number " : " AND md.meta_value ").append(test).append(")");
            bindAll(values, numeric, out);
            return;
        }
        if (key instanceof Key.Metric) {
            Key.Metric metric = (Key.Metric) key;
            out.append(METRIC_EXISTS).bind(metric.scope()).bind(metric.name());
            out.append(" AND ml.metric_value ").append(test).append(")");
            bindAll(values, true, out);
            return;
        }
        switch ((InstanceField) key) {
            case MODEL:
                out.append("i.model_id IN (SELECT model_id FROM models WHERE name ").append(test).append(")");
                break;
            case PROJECT:
                out.append("i.model_id IN (SELECT m.model_id FROM models m"
                        + " JOIN projects p ON p.project_id = m.project_id WHERE p.name ").append(test).append(")");
                break;
            default:
                out.append(column((InstanceField) key)).append(" ").append(test);
                break;
        }
        bindAll(values, false, out);
    }

    private static void appendNullCheck(IsNull isNull, SqlText out) {
        Key key = isNull.key();
        // IS NOT NULL asks whether the entry exists, so it is the EXISTS and IS NULL its negation.
        String existence = isNull.negated() ? "" : "NOT ";
        if (key instanceof Key.Metadata) {
            out.append(existence).append(METADATA_EXISTS).bind(((Key.Metadata) key).name()).append(")");
        } else if (key instanceof Key.Metric) {
            Key.Metric metric = (Key.Metric) key;
            out.append(existence).append(METRIC_EXISTS).bind(metric.scope()).bind(metric.name()).append(")");
        } else {
            InstanceField field = (InstanceField) key;
            boolean viaModel = field == InstanceField.MODEL || field == InstanceField.PROJECT;
            String column = viaModel ? "i.model_id" : column(field);
            out.append(column).append(isNull.negated() ? " IS NOT NULL" : " IS NULL");
        }
    }

    private static void appendOrder(List<SortKey> orderBy, Statement statement) {
        SqlText order = statement.order;
        if (orderBy.isEmpty()) {
            order.append("i.created_at DESC");
        }
        for (SortKey sortKey : orderBy) {
            String direction = sortKey.direction() == SortKey.Direction.DESCENDING ? " DESC" : " ASC";
            if (!order.isEmpty()) {
                order.append(", ");
            }
            Key key = sortKey.key();
            if (key instanceof Key.Metadata) {
                String alias = statement.nextAlias();
                statement.joins.append(" LEFT JOIN instance_metadata " + alias + " ON " + alias
                        + ".instance_id = i.instance_id AND " + alias + ".meta_key = ?")
                        .bind(((Key.Metadata) key).name());
                // Numbers first in numeric order, then other text in text order, then instances without the key,
                // whatever the direction; spelled out because databases disagree on where NULLs sort.
                order.append("CASE WHEN " + alias + ".meta_value IS NULL THEN 2 WHEN " + alias
                        + ".meta_number IS NULL THEN 1 ELSE 0 END, " + alias + ".meta_number" + direction + ", "
                        + alias + ".meta_value" + direction);
            } else if (key instanceof Key.Metric) {
                Key.Metric metric = (Key.Metric) key;
                String alias = statement.nextAlias();
                statement.joins.append(" LEFT JOIN metric_latest " + alias + " ON " + alias
                        + ".instance_id = i.instance_id AND " + alias + ".scope = ? AND " + alias + ".name = ?")
                        .bind(metric.scope()).bind(metric.name());
                order.append("CASE WHEN " + alias + ".metric_value IS NULL THEN 1 ELSE 0 END, " + alias
                        + ".metric_value" + direction);
            } else if (key == InstanceField.MODEL) {
                statement.joinModel();
                order.append("sm.name" + direction);
            } else if (key == InstanceField.PROJECT) {
                statement.joinProject();
                order.append("sp.name" + direction);
            } else {
                order.append(column((InstanceField) key) + direction);
            }
        }
        // Instance ids are unique, so equal sort values still page in one stable order.
        order.append(", i.instance_id");
    }

    private static String column(InstanceField field) {
        switch (field) {
            case ID:
                return "i.instance_id";
            case VERSION:
                return "i.version";
            case CREATED_AT:
                return "i.created_at";
            case CREATED_BY:
                return "i.created_by";
            case FORMAT:
                return "i.artifact_format";
            case DEPRECATED:
                return "i.deprecated";
            default:
                throw new IllegalStateException(field + " has no column of its own");
        }
    }

    private static void bindAll(List<Literal> values, boolean asDouble, SqlText out) {
        for (Literal value : values) {
            out.bind(parameter(value, asDouble));
        }
    }

    private static Object parameter(Literal literal, boolean asDouble) {
        if (literal instanceof StringLiteral) {
            return ((StringLiteral) literal).value();
        }
        if (literal instanceof LongLiteral) {
            long value = ((LongLiteral) literal).value();
            return asDouble ? (Object) (double) value : (Object) value;
        }
        if (literal instanceof DoubleLiteral) {
            return ((DoubleLiteral) literal).value();
        }
        if (literal instanceof BooleanLiteral) {
            return ((BooleanLiteral) literal).value();
        }
        if (literal instanceof TimestampLiteral) {
            // The schema stores UTC wall-clock times, so the instant is bound as a UTC LocalDateTime.
            return LocalDateTime.ofInstant(((TimestampLiteral) literal).value(), ZoneOffset.UTC);
        }
        throw new IllegalStateException("unknown literal " + literal);
    }

    private static boolean isNumeric(Literal literal) {
        return literal instanceof LongLiteral || literal instanceof DoubleLiteral;
    }

    /** SQL text with the parameters its markers bind, in order. */
    private static final class SqlText {
        private final StringBuilder sql = new StringBuilder();
        private final List<Object> parameters = new ArrayList<>();

        SqlText append(String text) {
            sql.append(text);
            return this;
        }

        SqlText bind(Object parameter) {
            parameters.add(parameter);
            return this;
        }

        boolean isEmpty() {
            return sql.length() == 0;
        }
    }

    /** The clauses of the statement being built, kept apart because joins are written before the filter. */
    private static final class Statement {
        private final SqlText joins = new SqlText();
        private final SqlText where = new SqlText();
        private final SqlText order = new SqlText();
        private int aliases;
        private boolean modelJoined;
        private boolean projectJoined;

        String nextAlias() {
            return "o" + ++aliases;
        }

        void joinModel() {
            if (!modelJoined) {
                joins.append(" JOIN models sm ON sm.model_id = i.model_id");
                modelJoined = true;
            }
        }

        void joinProject() {
            joinModel();
            if (!projectJoined) {
                joins.append(" JOIN projects sp ON sp.project_id = sm.project_id");
                projectJoined = true;
            }
        }
    }
}
