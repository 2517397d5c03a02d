package io.carrara.pipeline.sql;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.sql.SqlExpression.Between;
import io.carrara.pipeline.sql.SqlExpression.Binary;
import io.carrara.pipeline.sql.SqlExpression.Case;
import io.carrara.pipeline.sql.SqlExpression.Cast;
import io.carrara.pipeline.sql.SqlExpression.ColumnReference;
import io.carrara.pipeline.sql.SqlExpression.FunctionCall;
import io.carrara.pipeline.sql.SqlExpression.In;
import io.carrara.pipeline.sql.SqlExpression.IsNull;
import io.carrara.pipeline.sql.SqlExpression.Literal;
import io.carrara.pipeline.sql.SqlExpression.Negate;
import io.carrara.pipeline.sql.SqlExpression.Not;
import io.carrara.pipeline.sql.SqlExpression.When;
import io.carrara.pipeline.stage.Column;
import io.carrara.pipeline.stage.StageBinder;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.IntPredicate;

/**
 * Types an expression tree against the stage's input columns and compiles it into evaluators over
 * frame slots. Types and results follow Spark 4 with ANSI mode on: see {@link SqlTransformer}.
 * Mistakes (an unknown column, a type Spark would reject or the subset does not hold) are model
 * errors naming the stage and the expression; the failures Spark raises per row become
 * {@link RowException}s naming the output column being computed.
 */
final class ExpressionCompiler {
    static final List<String> FUNCTIONS = List.of(
            "abs", "bround", "cbrt", "ceil", "ceiling", "char_length", "character_length", "coalesce", "concat", "exp", "floor",
            "greatest", "if", "ifnull", "isnotnull", "isnull", "lcase", "least", "length", "ln", "log", "log10", "log1p", "log2",
            "lower", "ltrim", "nullif", "nvl", "nvl2", "pow", "power", "round", "rtrim", "sign", "signum", "sqrt", "substr",
            "substring", "trim", "ucase", "upper");

    private final StageBinder binder;
    private final ColumnScope scope;
    private final String label;
    private final boolean lateralAliasesVisible;

    private ExpressionCompiler(StageBinder binder, ColumnScope scope, String label, boolean lateralAliasesVisible) {
        this.binder = binder;
        this.scope = scope;
        this.label = label;
        this.lateralAliasesVisible = lateralAliasesVisible;
    }

    /**
     * Compiles one top-level expression. {@code label} is the column row errors name (the output
     * column, or for the WHERE condition a column it reads); earlier outputs of the same SELECT
     * are visible by name when {@code lateralAliases} is set, as Spark resolves lateral column
     * aliases after the input columns.
     */
    static TypedEvaluator compile(StageBinder binder, ColumnScope scope, SqlExpression expression, String label, boolean lateralAliases) {
        return new ExpressionCompiler(binder, scope, label, lateralAliases).compile(expression);
    }

    /** The input columns of the stage (every column declared before it) and the outputs declared so far, by lower-case name. */
    static final class ColumnScope {
        private final Map<String, List<Column>> inputs = new HashMap<>();
        private final Map<String, List<Column>> lateralAliases = new HashMap<>();
        private final List<String> names = new ArrayList<>();

        ColumnScope(StageBinder binder) {
            for (Column column : binder.columns()) {
                inputs.computeIfAbsent(column.name().toLowerCase(Locale.ROOT), name -> new ArrayList<>()).add(column);
                names.add(column.name());
            }
            names.sort(null);
        }

        /** Makes an output column visible to later expressions of the same SELECT. */
        void declareLateralAlias(Column column) {
            lateralAliases.computeIfAbsent(column.name().toLowerCase(Locale.ROOT), name -> new ArrayList<>()).add(column);
        }
    }

    /** The first column an expression reads, to name in row errors of a WHERE condition. */
    static Optional<String> firstColumn(SqlExpression expression) {
        if (expression instanceof ColumnReference reference) {
            return Optional.of(reference.name());
        }
        for (SqlExpression child : children(expression)) {
            Optional<String> found = firstColumn(child);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static List<SqlExpression> children(SqlExpression expression) {
        if (expression instanceof Negate negate) {
            return List.of(negate.operand());
        } else if (expression instanceof Not not) {
            return List.of(not.operand());
        } else if (expression instanceof Binary binary) {
            return List.of(binary.left(), binary.right());
        } else if (expression instanceof IsNull isNull) {
            return List.of(isNull.operand());
        } else if (expression instanceof In in) {
            List<SqlExpression> all = new ArrayList<>(List.of(in.operand()));
            all.addAll(in.values());
            return all;
        } else if (expression instanceof Between between) {
            return List.of(between.operand(), between.lower(), between.upper());
        } else if (expression instanceof Cast cast) {
            return List.of(cast.operand());
        } else if (expression instanceof FunctionCall call) {
            return call.arguments();
        } else if (expression instanceof Case caseExpression) {
            List<SqlExpression> all = new ArrayList<>();
            caseExpression.operand().ifPresent(all::add);
            caseExpression.branches().forEach(branch -> {
                all.add(branch.condition());
                all.add(branch.result());
            });
            caseExpression.otherwise().ifPresent(all::add);
            return all;
        }
        return List.of();
    }

    private TypedEvaluator compile(SqlExpression expression) {
        if (expression instanceof Literal literal) {
            return literal(literal);
        } else if (expression instanceof ColumnReference reference) {
            return column(reference);
        } else if (expression instanceof Negate negate) {
            return negate(negate);
        } else if (expression instanceof Not not) {
            return not(not);
        } else if (expression instanceof Binary binary) {
            return binary(binary);
        } else if (expression instanceof IsNull isNull) {
            return isNull(isNull);
        } else if (expression instanceof In in) {
            return in(in);
        } else if (expression instanceof Between between) {
            return between(between);
        } else if (expression instanceof Case caseExpression) {
            return caseWhen(caseExpression);
        } else if (expression instanceof Cast cast) {
            return cast(compile(cast.operand()), cast.target(), cast.sql());
        } else if (expression instanceof FunctionCall call) {
            return function(call);
        }
        throw new IllegalArgumentException("unknown expression " + expression);
    }

    private static TypedEvaluator literal(Literal literal) {
        if (literal.type() == SqlType.NULL) {
            return TypedEvaluator.ofNull(literal.sql());
        }
        if (literal.type() == SqlType.STRING) {
            String value = literal.string();
            return TypedEvaluator.ofString(context -> value, literal.sql());
        }
        double value = literal.number();
        return TypedEvaluator.ofNumber(literal.type(), context -> value, literal.sql());
    }

    private TypedEvaluator column(ColumnReference reference) {
        String key = reference.name().toLowerCase(Locale.ROOT);
        List<Column> matches = scope.inputs.get(key);
        if (matches == null && lateralAliasesVisible) {
            matches = scope.lateralAliases.get(key);
        }
        if (matches == null) {
            throw binder.mismatch("column '" + reference.name() + "' does not exist (names match ignoring case, as in Spark); "
                    + "available columns: " + scope.names);
        }
        if (matches.size() > 1) {
            throw binder.mismatch("column name '" + reference.name() + "' is ambiguous: it matches "
                    + matches.stream().map(Column::name).toList() + " ignoring case, as Spark resolves names");
        }
        Column column = matches.get(0);
        if (column.type() != io.carrara.spi.schema.DataType.STRING && !column.type().isNumeric()) {
            throw binder.mismatch("column '" + column.name() + "' is " + column.type()
                    + "; SQLTransformer expressions here read string, boolean and numeric columns");
        }
        SqlType type = SqlType.of(column.type());
        int slot = column.slot();
        String sql = reference.sql();
        if (type == SqlType.STRING) {
            return TypedEvaluator.ofString(context -> context.frame.getString(slot), sql);
        }
        return TypedEvaluator.ofNumber(type, context -> context.frame.isNull(slot) ? context.yieldNull() : context.frame.getDouble(slot), sql);
    }

    private TypedEvaluator negate(Negate negate) {
        TypedEvaluator operand = compile(negate.operand());
        SqlType type = requireNumeric(operand, "unary minus");
        NumberEvaluator value = operand.number();
        String sql = negate.sql();
        if (type.isIntegral()) {
            long min = minimum(type);
            return TypedEvaluator.ofNumber(type, context -> {
                double v = value.evaluate(context);
                if (context.wasNull) {
                    return 0;
                }
                if (v == min) {
                    throw overflow(type, sql);
                }
                return -v;
            }, sql);
        }
        return TypedEvaluator.ofNumber(type, context -> -value.evaluate(context), sql);
    }

    private TypedEvaluator not(Not not) {
        TypedEvaluator operand = condition(compile(not.operand()), "NOT");
        NumberEvaluator value = operand.number();
        return TypedEvaluator.ofNumber(SqlType.BOOLEAN, context -> value.evaluate(context) == 0 ? 1 : 0, not.sql());
    }

    private TypedEvaluator binary(Binary binary) {
        String operator = binary.operator();
        return switch (operator) {
            case "AND", "OR" -> logical(binary);
            case "=", "!=", "<", "<=", ">", ">=", "<=>" -> comparison(operator, compile(binary.left()), compile(binary.right()), binary.sql());
            case "||" -> concat(List.of(compile(binary.left()), compile(binary.right())), binary.sql());
            case "/" -> divide(binary);
            case "div" -> integralDivide(binary);
            default -> arithmetic(binary);
        };
    }

    private TypedEvaluator logical(Binary binary) {
        NumberEvaluator left = condition(compile(binary.left()), binary.operator()).number();
        NumberEvaluator right = condition(compile(binary.right()), binary.operator()).number();
        // Spark skips the right side when the left decides: false AND x, true OR x.
        double decisive = binary.operator().equals("AND") ? 0 : 1;
        return TypedEvaluator.ofNumber(SqlType.BOOLEAN, context -> {
            double l = left.evaluate(context);
            boolean leftNull = context.wasNull;
            context.wasNull = false;
            if (!leftNull && l == decisive) {
                return decisive;
            }
            double r = right.evaluate(context);
            boolean rightNull = context.wasNull;
            context.wasNull = false;
            if (!rightNull && r == decisive) {
                return decisive;
            }
            return leftNull || rightNull ? context.yieldNull() : 1 - decisive;
        }, binary.sql());
    }

    private TypedEvaluator comparison(String operator, TypedEvaluator left, TypedEvaluator right, String sql) {
        SqlType type = common(left, right, "compare");
        IntPredicate test = switch (operator) {
            case "=", "<=>" -> order -> order == 0;
            case "!=" -> order -> order != 0;
            case "<" -> order -> order < 0;
            case "<=" -> order -> order <= 0;
            case ">" -> order -> order > 0;
            default -> order -> order >= 0;
        };
        boolean nullSafe = operator.equals("<=>");
        if (type == SqlType.STRING) {
            StringEvaluator l = left.string();
            StringEvaluator r = right.string();
            return TypedEvaluator.ofNumber(SqlType.BOOLEAN, context -> {
                String a = l.evaluate(context);
                if (a == null && !nullSafe) {
                    return context.yieldNull();
                }
                String b = r.evaluate(context);
                if (a == null || b == null) {
                    return nullSafe ? (a == b ? 1 : 0) : context.yieldNull();
                }
                return test.test(SqlValues.compare(a, b)) ? 1 : 0;
            }, sql);
        }
        NumberEvaluator l = left.number();
        NumberEvaluator r = right.number();
        if (nullSafe) {
            return TypedEvaluator.ofNumber(SqlType.BOOLEAN, context -> {
                double a = l.evaluate(context);
                boolean aNull = context.wasNull;
                context.wasNull = false;
                double b = r.evaluate(context);
                boolean bNull = context.wasNull;
                context.wasNull = false;
                if (aNull || bNull) {
                    return aNull && bNull ? 1 : 0;
                }
                return SqlValues.compare(a, b) == 0 ? 1 : 0;
            }, sql);
        }
        return TypedEvaluator.ofNumber(SqlType.BOOLEAN, context -> {
            double a = l.evaluate(context);
            if (context.wasNull) {
                return 0;
            }
            double b = r.evaluate(context);
            if (context.wasNull) {
                return 0;
            }
            return test.test(SqlValues.compare(a, b)) ? 1 : 0;
        }, sql);
    }

    private TypedEvaluator arithmetic(Binary binary) {
        TypedEvaluator leftOperand = compile(binary.left());
        TypedEvaluator rightOperand = compile(binary.right());
        String operator = binary.operator();
        String sql = binary.sql();
        requireNumeric(leftOperand, operator);
        requireNumeric(rightOperand, operator);
        SqlType type = common(leftOperand, rightOperand, operator);
        if (type == SqlType.DECIMAL) {
            throw decimalResult(sql);
        }
        if (type == SqlType.NULL) {
            return TypedEvaluator.ofNull(sql);
        }
        NumberEvaluator left = leftOperand.number();
        NumberEvaluator right = rightOperand.number();
        String divisor = binary.right().sql();
        boolean remainder = operator.equals("%");
        DoubleBinaryOperator operation = switch (type) {
            case BYTE, SHORT, INT -> {
                long min = minimum(type);
                long max = maximum(type);
                yield (a, b) -> {
                    long x = (long) a;
                    long y = (long) b;
                    long result = switch (operator) {
                        case "+" -> x + y;
                        case "-" -> x - y;
                        case "*" -> x * y;
                        default -> x % y;
                    };
                    if (result < min || result > max) {
                        throw overflow(type, sql);
                    }
                    return result;
                };
            }
            case LONG -> (a, b) -> {
                try {
                    return switch (operator) {
                        case "+" -> Math.addExact((long) a, (long) b);
                        case "-" -> Math.subtractExact((long) a, (long) b);
                        case "*" -> Math.multiplyExact((long) a, (long) b);
                        default -> (long) a % (long) b;
                    };
                } catch (ArithmeticException e) {
                    throw overflow(type, sql);
                }
            };
            case FLOAT -> (a, b) -> switch (operator) {
                case "+" -> (float) a + (float) b;
                case "-" -> (float) a - (float) b;
                case "*" -> (float) a * (float) b;
                default -> (float) a % (float) b;
            };
            default -> (a, b) -> switch (operator) {
                case "+" -> a + b;
                case "-" -> a - b;
                case "*" -> a * b;
                default -> a % b;
            };
        };
        return TypedEvaluator.ofNumber(type, context -> {
            double a = left.evaluate(context);
            if (context.wasNull) {
                return 0;
            }
            double b = right.evaluate(context);
            if (context.wasNull) {
                return 0;
            }
            if (remainder && b == 0) {
                throw byZero("remainder by zero", "REMAINDER_BY_ZERO", divisor, sql);
            }
            return operation.applyAsDouble(a, b);
        }, sql);
    }

    private TypedEvaluator divide(Binary binary) {
        TypedEvaluator leftOperand = compile(binary.left());
        TypedEvaluator rightOperand = compile(binary.right());
        requireNumeric(leftOperand, "/");
        requireNumeric(rightOperand, "/");
        String sql = binary.sql();
        if (common(leftOperand, rightOperand, "/") == SqlType.DECIMAL) {
            throw decimalResult(sql);
        }
        NumberEvaluator left = leftOperand.number();
        NumberEvaluator right = rightOperand.number();
        String divisor = binary.right().sql();
        // Spark evaluates the divisor first; a null on either side is null before zero is checked.
        return TypedEvaluator.ofNumber(SqlType.DOUBLE, context -> {
            double b = right.evaluate(context);
            if (context.wasNull) {
                return 0;
            }
            double a = left.evaluate(context);
            if (context.wasNull) {
                return 0;
            }
            if (b == 0) {
                throw byZero("division by zero", "DIVIDE_BY_ZERO", divisor, sql);
            }
            return a / b;
        }, sql);
    }

    private TypedEvaluator integralDivide(Binary binary) {
        TypedEvaluator leftOperand = compile(binary.left());
        TypedEvaluator rightOperand = compile(binary.right());
        String sql = binary.sql();
        for (TypedEvaluator operand : List.of(leftOperand, rightOperand)) {
            if (operand.type() != SqlType.NULL && !operand.type().isIntegral()) {
                throw binder.invalid("div takes integers, but " + operand.sql() + " is " + describe(operand.type()) + " in " + sql);
            }
        }
        NumberEvaluator left = leftOperand.number();
        NumberEvaluator right = rightOperand.number();
        String divisor = binary.right().sql();
        return TypedEvaluator.ofNumber(SqlType.LONG, context -> {
            double b = right.evaluate(context);
            if (context.wasNull) {
                return 0;
            }
            double a = left.evaluate(context);
            if (context.wasNull) {
                return 0;
            }
            if (b == 0) {
                throw byZero("division by zero", "DIVIDE_BY_ZERO", divisor, sql);
            }
            if ((long) a == Long.MIN_VALUE && (long) b == -1) {
                throw overflow(SqlType.LONG, sql);
            }
            return (long) a / (long) b;
        }, sql);
    }

    private TypedEvaluator isNull(IsNull isNull) {
        TypedEvaluator operand = compile(isNull.operand());
        double whenNull = isNull.negated() ? 0 : 1;
        if (operand.type() == SqlType.STRING) {
            StringEvaluator value = operand.string();
            return TypedEvaluator.ofNumber(SqlType.BOOLEAN, context -> value.evaluate(context) == null ? whenNull : 1 - whenNull, isNull.sql());
        }
        NumberEvaluator value = operand.number();
        return TypedEvaluator.ofNumber(SqlType.BOOLEAN, context -> {
            value.evaluate(context);
            boolean wasNull = context.wasNull;
            context.wasNull = false;
            return wasNull ? whenNull : 1 - whenNull;
        }, isNull.sql());
    }

    private TypedEvaluator in(In in) {
        TypedEvaluator operand = compile(in.operand());
        List<TypedEvaluator> values = in.values().stream().map(this::compile).toList();
        List<TypedEvaluator> all = new ArrayList<>(values);
        all.add(0, operand);
        SqlType type = commonOfAll(all, in.sql());
        String sql = in.sql();
        TypedEvaluator membership;
        if (type == SqlType.STRING) {
            StringEvaluator needle = operand.string();
            StringEvaluator[] candidates = values.stream().map(TypedEvaluator::string).toArray(StringEvaluator[]::new);
            membership = TypedEvaluator.ofNumber(SqlType.BOOLEAN, context -> {
                String value = needle.evaluate(context);
                if (value == null) {
                    return context.yieldNull();
                }
                boolean sawNull = false;
                for (StringEvaluator candidate : candidates) {
                    String other = candidate.evaluate(context);
                    if (other == null) {
                        sawNull = true;
                    } else if (other.equals(value)) {
                        return 1;
                    }
                }
                return sawNull ? context.yieldNull() : 0;
            }, sql);
        } else {
            NumberEvaluator needle = operand.number();
            NumberEvaluator[] candidates = values.stream().map(TypedEvaluator::number).toArray(NumberEvaluator[]::new);
            membership = TypedEvaluator.ofNumber(SqlType.BOOLEAN, context -> {
                double value = needle.evaluate(context);
                if (context.wasNull) {
                    return 0;
                }
                boolean sawNull = false;
                for (NumberEvaluator candidate : candidates) {
                    double other = candidate.evaluate(context);
                    if (context.wasNull) {
                        context.wasNull = false;
                        sawNull = true;
                    } else if (SqlValues.compare(value, other) == 0) {
                        return 1;
                    }
                }
                return sawNull ? context.yieldNull() : 0;
            }, sql);
        }
        return in.negated() ? negation(membership, sql) : membership;
    }

    /** Spark rewrites {@code x BETWEEN a AND b} to {@code x >= a AND x <= b}, each comparison typed on its own. */
    private TypedEvaluator between(Between between) {
        SqlExpression rewritten = new Binary("AND", new Binary(">=", between.operand(), between.lower()),
                new Binary("<=", between.operand(), between.upper()));
        TypedEvaluator range = compile(rewritten);
        TypedEvaluator result = new TypedEvaluator(range.type(), range.number(), null, between.sql());
        return between.negated() ? negation(result, between.sql()) : result;
    }

    private static TypedEvaluator negation(TypedEvaluator condition, String sql) {
        NumberEvaluator value = condition.number();
        return TypedEvaluator.ofNumber(SqlType.BOOLEAN, context -> value.evaluate(context) == 0 ? 1 : 0, sql);
    }

    private TypedEvaluator caseWhen(Case caseExpression) {
        List<TypedEvaluator> conditions = new ArrayList<>();
        List<TypedEvaluator> results = new ArrayList<>();
        for (When branch : caseExpression.branches()) {
            SqlExpression condition = caseExpression.operand().<SqlExpression>map(operand -> new Binary("=", operand, branch.condition()))
                    .orElse(branch.condition());
            TypedEvaluator compiled = compile(condition);
            if (compiled.type() != SqlType.BOOLEAN) {
                throw binder.invalid("CASE WHEN needs a boolean condition, but " + condition.sql() + " is " + describe(compiled.type()));
            }
            conditions.add(compiled);
            results.add(compile(branch.result()));
        }
        Optional<TypedEvaluator> otherwise = caseExpression.otherwise().map(this::compile);
        List<TypedEvaluator> all = new ArrayList<>(results);
        otherwise.ifPresent(all::add);
        SqlType type = commonOfAll(all, "CASE " + caseExpression.sql());
        TypedEvaluator[] whens = conditions.toArray(TypedEvaluator[]::new);
        String sql = caseExpression.sql();
        if (type == SqlType.STRING) {
            StringEvaluator[] values = results.stream().map(TypedEvaluator::string).toArray(StringEvaluator[]::new);
            StringEvaluator fallback = otherwise.map(TypedEvaluator::string).orElse(context -> null);
            return TypedEvaluator.ofString(context -> {
                for (int i = 0; i < whens.length; i++) {
                    if (whens[i].isTrue(context)) {
                        return values[i].evaluate(context);
                    }
                }
                return fallback.evaluate(context);
            }, sql);
        }
        NumberEvaluator[] values = results.stream().map(TypedEvaluator::number).toArray(NumberEvaluator[]::new);
        NumberEvaluator fallback = otherwise.map(TypedEvaluator::number).orElse(EvaluationContext::yieldNull);
        NumberEvaluator evaluator = context -> {
            for (int i = 0; i < whens.length; i++) {
                if (whens[i].isTrue(context)) {
                    return values[i].evaluate(context);
                }
            }
            return fallback.evaluate(context);
        };
        return type == SqlType.NULL ? TypedEvaluator.ofNull(sql) : TypedEvaluator.ofNumber(type, evaluator, sql);
    }

    /** {@code CAST(operand AS target)} with ANSI semantics: malformed strings and out-of-range numbers fail the row. */
    private TypedEvaluator cast(TypedEvaluator operand, SqlType target, String sql) {
        SqlType source = operand.type();
        if (source == target) {
            return new TypedEvaluator(target, operand.number(), operand.string(), sql);
        }
        if (source == SqlType.NULL) {
            return target == SqlType.STRING ? TypedEvaluator.ofString(context -> null, sql)
                    : TypedEvaluator.ofNumber(target, EvaluationContext::yieldNull, sql);
        }
        if (target == SqlType.STRING) {
            return TypedEvaluator.ofString(text(operand, sql), sql);
        }
        if (source == SqlType.STRING) {
            StringEvaluator text = operand.string();
            return TypedEvaluator.ofNumber(target, context -> {
                String value = text.evaluate(context);
                if (value == null) {
                    return context.yieldNull();
                }
                OptionalDouble parsed = switch (target) {
                    case BOOLEAN -> SqlValues.parseBoolean(value);
                    case FLOAT -> SqlValues.parseFractional(value, true);
                    case DOUBLE -> SqlValues.parseFractional(value, false);
                    default -> SqlValues.parseIntegral(value, minimum(target), maximum(target));
                };
                if (parsed.isEmpty()) {
                    throw rowError("'" + value + "' is not a valid " + sparkName(target) + " in " + sql, "CAST_INVALID_INPUT",
                            "clean the value or leave it out with a WHERE condition");
                }
                return parsed.getAsDouble();
            }, sql);
        }
        NumberEvaluator value = operand.number();
        if (target == SqlType.BOOLEAN) {
            return TypedEvaluator.ofNumber(target, context -> value.evaluate(context) != 0 ? 1 : 0, sql);
        }
        if (target == SqlType.DOUBLE || source == SqlType.BOOLEAN) {
            return TypedEvaluator.ofNumber(target, value, sql);
        }
        if (target == SqlType.FLOAT) {
            return TypedEvaluator.ofNumber(target, context -> (float) value.evaluate(context), sql);
        }
        long min = minimum(target);
        long max = maximum(target);
        if (source.isIntegral()) {
            return TypedEvaluator.ofNumber(target, context -> {
                double v = value.evaluate(context);
                if (v < min || v > max) {
                    throw castOverflow(SqlValues.toText(source, v), target, sql);
                }
                return v;
            }, sql);
        }
        // Spark's ANSI check for fractional numbers, compared in double as Spark does, so NaN fails.
        double lower = min;
        double upper = max;
        return TypedEvaluator.ofNumber(target, context -> {
            double v = value.evaluate(context);
            if (context.wasNull) {
                return 0;
            }
            if (!(Math.floor(v) <= upper && Math.ceil(v) >= lower)) {
                throw castOverflow(source == SqlType.DECIMAL ? Double.toString(v) : SqlValues.toText(source, v), target, sql);
            }
            return (double) (long) v;
        }, sql);
    }

    /** The text form of any value but a decimal, as {@code CAST(x AS STRING)} and the string functions' implicit casts give it. */
    private StringEvaluator text(TypedEvaluator operand, String sql) {
        SqlType type = operand.type();
        if (type == SqlType.STRING || type == SqlType.NULL) {
            return operand.string();
        }
        if (type == SqlType.DECIMAL) {
            throw binder.invalid(operand.sql() + " is a DECIMAL in Spark, whose text form the runtime does not reproduce, in " + sql
                    + "; write the literal as a DOUBLE (e.g. 1.5D) or a string");
        }
        NumberEvaluator value = operand.number();
        return context -> {
            double v = value.evaluate(context);
            if (context.wasNull) {
                context.wasNull = false;
                return null;
            }
            return SqlValues.toText(type, v);
        };
    }

    private TypedEvaluator function(FunctionCall call) {
        String name = call.name();
        List<SqlExpression> arguments = call.arguments();
        String sql = call.sql();
        switch (name) {
            case "sqrt":
                return mathFunction(call, 1, Math::sqrt);
            case "cbrt":
                return mathFunction(call, 1, Math::cbrt);
            case "exp":
                return mathFunction(call, 1, StrictMath::exp);
            case "sign", "signum":
                return mathFunction(call, 1, Math::signum);
            case "pow", "power":
                return mathFunction2(call, StrictMath::pow, false);
            case "ln":
                return logarithm(call, 0, StrictMath::log);
            case "log10":
                return logarithm(call, 0, StrictMath::log10);
            case "log2":
                return logarithm(call, 0, x -> StrictMath.log(x) / StrictMath.log(2));
            case "log1p":
                return logarithm(call, -1, StrictMath::log1p);
            case "log":
                if (arguments.size() == 1) {
                    return logarithm(call, 0, StrictMath::log);
                }
                return mathFunction2(call, (base, x) -> StrictMath.log(x) / StrictMath.log(base), true);
            case "abs":
                return abs(call);
            case "round":
                return round(call, RoundingMode.HALF_UP);
            case "bround":
                return round(call, RoundingMode.HALF_EVEN);
            case "floor", "ceil", "ceiling":
                return floorOrCeiling(call, name.equals("floor"));
            case "greatest", "least":
                return extreme(call, name.equals("greatest"));
            case "coalesce":
                arity(call, 1, Integer.MAX_VALUE);
                return coalesce(arguments.stream().map(this::compile).toList(), sql);
            case "nvl", "ifnull":
                arity(call, 2, 2);
                return coalesce(arguments.stream().map(this::compile).toList(), sql);
            case "nvl2":
                arity(call, 3, 3);
                return conditional(compile(new IsNull(arguments.get(0), true)), compile(arguments.get(1)), compile(arguments.get(2)), sql);
            case "if":
                arity(call, 3, 3);
                return conditional(condition(compile(arguments.get(0)), "if"), compile(arguments.get(1)), compile(arguments.get(2)), sql);
            case "nullif":
                return nullIf(call);
            case "isnull", "isnotnull":
                arity(call, 1, 1);
                return isNull(new IsNull(arguments.get(0), name.equals("isnotnull")));
            case "lower", "lcase", "upper", "ucase": {
                arity(call, 1, 1);
                StringEvaluator text = text(compile(arguments.get(0)), sql);
                boolean lower = name.equals("lower") || name.equals("lcase");
                return TypedEvaluator.ofString(context -> {
                    String value = text.evaluate(context);
                    return value == null ? null : lower ? value.toLowerCase(Locale.ROOT) : value.toUpperCase(Locale.ROOT);
                }, sql);
            }
            case "length", "char_length", "character_length": {
                arity(call, 1, 1);
                StringEvaluator text = text(compile(arguments.get(0)), sql);
                return TypedEvaluator.ofNumber(SqlType.INT, context -> {
                    String value = text.evaluate(context);
                    return value == null ? context.yieldNull() : SqlValues.length(value);
                }, sql);
            }
            case "trim", "ltrim", "rtrim": {
                arity(call, 1, 1);
                StringEvaluator text = text(compile(arguments.get(0)), sql);
                boolean leading = !name.equals("rtrim");
                boolean trailing = !name.equals("ltrim");
                return TypedEvaluator.ofString(context -> {
                    String value = text.evaluate(context);
                    return value == null ? null : SqlValues.trimSpaces(value, leading, trailing);
                }, sql);
            }
            case "concat":
                return concat(arguments.stream().map(this::compile).toList(), sql);
            case "substr", "substring":
                return substring(call);
            default:
                throw binder.invalid("function " + name + "(...) in " + sql + " is not supported; SQLTransformer here supports "
                        + String.join(", ", FUNCTIONS));
        }
    }

    private void arity(FunctionCall call, int min, int max) {
        int count = call.arguments().size();
        if (count < min || count > max) {
            String expected = min == max ? Integer.toString(min) : max == Integer.MAX_VALUE ? "at least " + min : min + " to " + max;
            throw binder.invalid(call.name() + " takes " + expected + " argument" + (max == 1 ? "" : "s") + ", found " + count + " in " + call.sql());
        }
    }

    /** A function of doubles giving a double: Spark casts any number (and NULL) to DOUBLE first. */
    private TypedEvaluator mathFunction(FunctionCall call, int arity, DoubleUnaryOperator function) {
        arity(call, arity, arity);
        NumberEvaluator value = doubleArgument(call, 0);
        return TypedEvaluator.ofNumber(SqlType.DOUBLE, context -> {
            double v = value.evaluate(context);
            return context.wasNull ? 0 : function.applyAsDouble(v);
        }, call.sql());
    }

    /** {@code pow} and two-argument {@code log}; {@code log} is NULL for a base or argument at or below zero. */
    private TypedEvaluator mathFunction2(FunctionCall call, DoubleBinaryOperator function, boolean logarithm) {
        arity(call, 2, 2);
        NumberEvaluator first = doubleArgument(call, 0);
        NumberEvaluator second = doubleArgument(call, 1);
        return TypedEvaluator.ofNumber(SqlType.DOUBLE, context -> {
            double a = first.evaluate(context);
            if (context.wasNull) {
                return 0;
            }
            double b = second.evaluate(context);
            if (context.wasNull) {
                return 0;
            }
            if (logarithm && (a <= 0 || b <= 0)) {
                return context.yieldNull();
            }
            return function.applyAsDouble(a, b);
        }, call.sql());
    }

    /** Spark's unary logarithms are NULL at and below their asymptote (0, or -1 for log1p) instead of -Infinity or NaN. */
    private TypedEvaluator logarithm(FunctionCall call, double asymptote, DoubleUnaryOperator function) {
        arity(call, 1, 1);
        NumberEvaluator value = doubleArgument(call, 0);
        return TypedEvaluator.ofNumber(SqlType.DOUBLE, context -> {
            double v = value.evaluate(context);
            if (context.wasNull) {
                return 0;
            }
            return v <= asymptote ? context.yieldNull() : function.applyAsDouble(v);
        }, call.sql());
    }

    private NumberEvaluator doubleArgument(FunctionCall call, int index) {
        TypedEvaluator argument = compile(call.arguments().get(index));
        if (argument.type() != SqlType.NULL && !argument.type().isNumeric()) {
            throw binder.invalid(call.name() + " takes numbers, but " + argument.sql() + " is " + describe(argument.type()) + " in "
                    + call.sql() + "; CAST it first");
        }
        return argument.number();
    }

    private TypedEvaluator abs(FunctionCall call) {
        arity(call, 1, 1);
        TypedEvaluator operand = compile(call.arguments().get(0));
        SqlType type = requireNumeric(operand, "abs");
        if (type == SqlType.DECIMAL) {
            throw decimalResult(call.sql());
        }
        NumberEvaluator value = operand.number();
        String sql = call.sql();
        if (type.isIntegral()) {
            long min = minimum(type);
            return TypedEvaluator.ofNumber(type, context -> {
                double v = value.evaluate(context);
                if (v == min) {
                    throw overflow(type, sql);
                }
                return Math.abs(v);
            }, sql);
        }
        return TypedEvaluator.ofNumber(type, context -> Math.abs(value.evaluate(context)), sql);
    }

    /**
     * {@code round}/{@code bround}: the scale must be an integer literal; the result keeps the
     * input's type. Fractions round through {@code BigDecimal.valueOf} (the shortest decimal
     * text of the double) as Spark does, so round(2.675D, 2) is 2.68; integers out of range fail.
     */
    private TypedEvaluator round(FunctionCall call, RoundingMode mode) {
        arity(call, 1, 2);
        TypedEvaluator operand = compile(call.arguments().get(0));
        SqlType type = requireNumeric(operand, call.name());
        String sql = call.sql();
        if (type == SqlType.DECIMAL) {
            throw decimalResult(sql);
        }
        int scale = 0;
        if (call.arguments().size() == 2) {
            if (!(call.arguments().get(1) instanceof Literal literal) || literal.type() != SqlType.INT) {
                throw binder.invalid(call.name() + " takes an integer literal as its scale, found " + call.arguments().get(1).sql() + " in " + sql);
            }
            scale = (int) literal.number();
        }
        if (type == SqlType.NULL) {
            return TypedEvaluator.ofNull(sql);
        }
        NumberEvaluator value = operand.number();
        int digits = scale;
        if (type.isIntegral()) {
            if (digits >= 0) {
                return TypedEvaluator.ofNumber(type, value, sql);
            }
            long min = minimum(type);
            long max = maximum(type);
            BigDecimal lower = BigDecimal.valueOf(min);
            BigDecimal upper = BigDecimal.valueOf(max);
            return TypedEvaluator.ofNumber(type, context -> {
                double v = value.evaluate(context);
                if (context.wasNull) {
                    return 0;
                }
                BigDecimal rounded = BigDecimal.valueOf((long) v).setScale(digits, mode);
                if (rounded.compareTo(lower) < 0 || rounded.compareTo(upper) > 0) {
                    throw overflow(type, sql);
                }
                return rounded.longValue();
            }, sql);
        }
        boolean isFloat = type == SqlType.FLOAT;
        return TypedEvaluator.ofNumber(type, context -> {
            double v = value.evaluate(context);
            if (context.wasNull || Double.isNaN(v) || Double.isInfinite(v)) {
                return v;
            }
            BigDecimal rounded = BigDecimal.valueOf(v).setScale(digits, mode);
            return isFloat ? rounded.floatValue() : rounded.doubleValue();
        }, sql);
    }

    /** {@code floor}/{@code ceil} give a BIGINT for every non-decimal number, saturating like Java's (long) cast, NaN giving 0. */
    private TypedEvaluator floorOrCeiling(FunctionCall call, boolean floor) {
        if (call.arguments().size() == 2) {
            throw binder.invalid(call.name() + " with a scale gives a DECIMAL in Spark, which the runtime does not hold; found " + call.sql());
        }
        arity(call, 1, 1);
        TypedEvaluator operand = compile(call.arguments().get(0));
        SqlType type = requireNumeric(operand, call.name());
        if (type == SqlType.DECIMAL) {
            throw decimalResult(call.sql());
        }
        NumberEvaluator value = operand.number();
        if (type.isIntegral() || type == SqlType.NULL) {
            return new TypedEvaluator(type == SqlType.NULL ? SqlType.NULL : SqlType.LONG, value,
                    type == SqlType.NULL ? operand.string() : null, call.sql());
        }
        return TypedEvaluator.ofNumber(SqlType.LONG, context -> {
            double v = value.evaluate(context);
            return (double) (long) (floor ? Math.floor(v) : Math.ceil(v));
        }, call.sql());
    }

    /** {@code greatest}/{@code least}: nulls skipped, NULL only when every argument is; NaN is the largest number. */
    private TypedEvaluator extreme(FunctionCall call, boolean greatest) {
        arity(call, 2, Integer.MAX_VALUE);
        List<TypedEvaluator> arguments = call.arguments().stream().map(this::compile).toList();
        SqlType type = commonOfAll(arguments, call.sql());
        int sign = greatest ? 1 : -1;
        String sql = call.sql();
        if (type == SqlType.STRING) {
            StringEvaluator[] values = arguments.stream().map(TypedEvaluator::string).toArray(StringEvaluator[]::new);
            return TypedEvaluator.ofString(context -> {
                String best = null;
                for (StringEvaluator value : values) {
                    String v = value.evaluate(context);
                    if (v != null && (best == null || sign * SqlValues.compare(v, best) > 0)) {
                        best = v;
                    }
                }
                return best;
            }, sql);
        }
        if (type == SqlType.NULL) {
            return TypedEvaluator.ofNull(sql);
        }
        NumberEvaluator[] values = arguments.stream().map(TypedEvaluator::number).toArray(NumberEvaluator[]::new);
        return TypedEvaluator.ofNumber(type, context -> {
            boolean found = false;
            double best = 0;
            for (NumberEvaluator value : values) {
                double v = value.evaluate(context);
                if (context.wasNull) {
                    context.wasNull = false;
                } else if (!found || sign * SqlValues.compare(v, best) > 0) {
                    best = v;
                    found = true;
                }
            }
            return found ? best : context.yieldNull();
        }, sql);
    }

    private TypedEvaluator coalesce(List<TypedEvaluator> arguments, String sql) {
        SqlType type = commonOfAll(arguments, sql);
        if (type == SqlType.STRING) {
            StringEvaluator[] values = arguments.stream().map(TypedEvaluator::string).toArray(StringEvaluator[]::new);
            return TypedEvaluator.ofString(context -> {
                for (StringEvaluator value : values) {
                    String v = value.evaluate(context);
                    if (v != null) {
                        return v;
                    }
                }
                return null;
            }, sql);
        }
        if (type == SqlType.NULL) {
            return TypedEvaluator.ofNull(sql);
        }
        NumberEvaluator[] values = arguments.stream().map(TypedEvaluator::number).toArray(NumberEvaluator[]::new);
        return TypedEvaluator.ofNumber(type, context -> {
            for (NumberEvaluator value : values) {
                double v = value.evaluate(context);
                if (!context.wasNull) {
                    return v;
                }
                context.wasNull = false;
            }
            return context.yieldNull();
        }, sql);
    }

    /** {@code if(condition, a, b)}: a NULL condition takes {@code b}. */
    private TypedEvaluator conditional(TypedEvaluator condition, TypedEvaluator whenTrue, TypedEvaluator whenFalse, String sql) {
        SqlType type = commonOfAll(List.of(whenTrue, whenFalse), sql);
        if (type == SqlType.STRING) {
            StringEvaluator a = whenTrue.string();
            StringEvaluator b = whenFalse.string();
            return TypedEvaluator.ofString(context -> condition.isTrue(context) ? a.evaluate(context) : b.evaluate(context), sql);
        }
        if (type == SqlType.NULL) {
            return TypedEvaluator.ofNull(sql);
        }
        NumberEvaluator a = whenTrue.number();
        NumberEvaluator b = whenFalse.number();
        return TypedEvaluator.ofNumber(type, context -> condition.isTrue(context) ? a.evaluate(context) : b.evaluate(context), sql);
    }

    /** {@code nullif(a, b)}: NULL when {@code a = b}, else {@code a}, typed as {@code a}. */
    private TypedEvaluator nullIf(FunctionCall call) {
        arity(call, 2, 2);
        TypedEvaluator value = compile(call.arguments().get(0));
        TypedEvaluator equal = comparison("=", value, compile(call.arguments().get(1)), call.sql());
        String sql = call.sql();
        if (value.type() == SqlType.STRING) {
            StringEvaluator a = value.string();
            return TypedEvaluator.ofString(context -> equal.isTrue(context) ? null : a.evaluate(context), sql);
        }
        if (value.type() == SqlType.NULL) {
            return TypedEvaluator.ofNull(sql);
        }
        NumberEvaluator a = value.number();
        return TypedEvaluator.ofNumber(value.type(), context -> equal.isTrue(context) ? context.yieldNull() : a.evaluate(context), sql);
    }

    /** {@code concat} and {@code ||}: every argument as text, NULL if any is NULL. */
    private TypedEvaluator concat(List<TypedEvaluator> arguments, String sql) {
        StringEvaluator[] parts = arguments.stream().map(argument -> text(argument, sql)).toArray(StringEvaluator[]::new);
        return TypedEvaluator.ofString(context -> {
            StringBuilder joined = new StringBuilder();
            for (StringEvaluator part : parts) {
                String value = part.evaluate(context);
                if (value == null) {
                    return null;
                }
                joined.append(value);
            }
            return joined.toString();
        }, sql);
    }

    private TypedEvaluator substring(FunctionCall call) {
        arity(call, 2, 3);
        String sql = call.sql();
        StringEvaluator text = text(compile(call.arguments().get(0)), sql);
        NumberEvaluator position = integerArgument(call, 1);
        NumberEvaluator length = call.arguments().size() == 3 ? integerArgument(call, 2) : context -> Integer.MAX_VALUE;
        return TypedEvaluator.ofString(context -> {
            String value = text.evaluate(context);
            if (value == null) {
                return null;
            }
            double p = position.evaluate(context);
            if (context.wasNull) {
                context.wasNull = false;
                return null;
            }
            double n = length.evaluate(context);
            if (context.wasNull) {
                context.wasNull = false;
                return null;
            }
            return SqlValues.substring(value, (int) p, (int) n);
        }, sql);
    }

    /** An INT argument; a BIGINT is narrowed as Spark's implicit cast does, failing the row when out of range. */
    private NumberEvaluator integerArgument(FunctionCall call, int index) {
        TypedEvaluator argument = compile(call.arguments().get(index));
        if (argument.type() != SqlType.NULL && !argument.type().isIntegral()) {
            throw binder.invalid(call.name() + " takes integer positions and lengths, but " + argument.sql() + " is "
                    + describe(argument.type()) + " in " + call.sql());
        }
        return argument.type() == SqlType.LONG ? cast(argument, SqlType.INT, call.sql()).number() : argument.number();
    }

    /** A boolean operand of a logical operator; a NULL literal counts as a boolean NULL, as Spark casts it. */
    private TypedEvaluator condition(TypedEvaluator operand, String operator) {
        if (operand.type() != SqlType.BOOLEAN && operand.type() != SqlType.NULL) {
            throw binder.invalid(operator + " takes booleans, but " + operand.sql() + " is " + describe(operand.type()));
        }
        return operand;
    }

    private SqlType requireNumeric(TypedEvaluator operand, String operator) {
        if (operand.type() != SqlType.NULL && !operand.type().isNumeric()) {
            throw binder.invalid(operator + " takes numbers, but " + operand.sql() + " is " + describe(operand.type())
                    + (operand.type() == SqlType.STRING ? "; CAST it to a number first" : ""));
        }
        return operand.type();
    }

    private SqlType common(TypedEvaluator left, TypedEvaluator right, String operation) {
        return SqlType.common(left.type(), right.type()).orElseThrow(() -> binder.invalid("cannot " + operation + " "
                + left.sql() + " (" + describe(left.type()) + ") and " + right.sql() + " (" + describe(right.type())
                + ") without an explicit CAST"));
    }

    private SqlType commonOfAll(List<TypedEvaluator> values, String sql) {
        SqlType type = SqlType.NULL;
        for (TypedEvaluator value : values) {
            SqlType previous = type;
            type = SqlType.common(type, value.type()).orElseThrow(() -> binder.invalid("the values of " + sql + " mix "
                    + describe(previous) + " and " + describe(value.type()) + " (" + value.sql() + "); CAST them to one type"));
        }
        return type;
    }

    private ModelException decimalResult(String sql) {
        return binder.invalid(sql + " is a DECIMAL in Spark (a literal such as 1.5 is a decimal), which the runtime does not "
                + "compute exactly; write the literal as a DOUBLE (1.5D) or CAST to DOUBLE");
    }

    private static String describe(SqlType type) {
        return type == SqlType.NULL ? "NULL" : sparkName(type);
    }

    private static String sparkName(SqlType type) {
        return type.sparkName().toUpperCase(Locale.ROOT);
    }

    static long minimum(SqlType type) {
        return switch (type) {
            case BYTE -> Byte.MIN_VALUE;
            case SHORT -> Short.MIN_VALUE;
            case INT -> Integer.MIN_VALUE;
            default -> Long.MIN_VALUE;
        };
    }

    static long maximum(SqlType type) {
        return switch (type) {
            case BYTE -> Byte.MAX_VALUE;
            case SHORT -> Short.MAX_VALUE;
            case INT -> Integer.MAX_VALUE;
            default -> Long.MAX_VALUE;
        };
    }

    private RowException overflow(SqlType type, String sql) {
        return rowError(sparkName(type) + " overflow in " + sql, "ARITHMETIC_OVERFLOW", "CAST an operand to a wider type (BIGINT or DOUBLE)");
    }

    private RowException castOverflow(String value, SqlType target, String sql) {
        return rowError(value + " is out of the " + sparkName(target) + " range in " + sql, "CAST_OVERFLOW",
                "cast to a wider type or leave the row out with a WHERE condition");
    }

    private RowException byZero(String what, String errorClass, String divisor, String sql) {
        return rowError(what + " in " + sql + ": " + divisor + " is 0", errorClass, "guard the divisor, e.g. NULLIF(" + divisor + ", 0)");
    }

    private RowException rowError(String what, String errorClass, String fix) {
        String column = label;
        return new RowException(column, "column " + column + ": " + what + "; Spark 4 fails the row in ANSI mode (" + errorClass
                + "); " + fix);
    }
}
