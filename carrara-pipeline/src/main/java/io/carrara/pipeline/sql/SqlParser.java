package io.carrara.pipeline.sql;

import io.carrara.pipeline.sql.SelectStatement.Projection;
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
import io.carrara.pipeline.sql.SqlToken.Kind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Recursive descent over Spark's grammar for the supported subset, with Spark's precedence from
 * loosest to tightest: {@code OR}; {@code AND}; {@code NOT}; a predicate ({@code IS [NOT] NULL},
 * {@code [NOT] IN}, {@code [NOT] BETWEEN}, {@code IS [NOT] DISTINCT FROM}) applying to a whole
 * comparison chain; comparisons (left-associative); {@code + - ||}; {@code * / % DIV}; unary minus;
 * primaries. Anything else is refused with what was found and where.
 */
final class SqlParser {
    /** Words that end an expression or start a clause, so they are never read as a bare alias. */
    private static final Set<String> RESERVED = Set.of(
            "select", "from", "where", "and", "or", "not", "in", "is", "null", "between", "case", "when", "then", "else", "end", "as",
            "true", "false", "cast", "distinct", "all", "group", "order", "by", "having", "limit", "offset", "join", "inner", "left",
            "right", "full", "outer", "cross", "natural", "semi", "anti", "union", "intersect", "except", "minus", "like", "ilike",
            "rlike", "regexp", "over", "window", "on", "using", "lateral", "cluster", "distribute", "sort", "qualify", "pivot",
            "unpivot", "tablesample", "div", "exists", "interval", "escape", "any", "some", "filter");
    private static final Set<String> TYPED_LITERALS = Set.of(
            "date", "timestamp", "timestamp_ltz", "timestamp_ntz", "interval", "x", "time");

    private final List<SqlToken> tokens;
    private int index;

    SqlParser(List<SqlToken> tokens) {
        this.tokens = tokens;
    }

    SelectStatement statement() {
        if (peek().isKeyword("with")) {
            throw refuse("common table expressions (WITH)");
        }
        expectKeyword("SELECT");
        if (peek().isKeyword("distinct") || peek().isKeyword("all")) {
            throw refuse(peek().describe() + " in the select list");
        }
        if (!peek().isOperator("*")) {
            throw new SqlRefusal("the select list must start with *, keeping every input column (dropping or reordering columns "
                    + "is not supported); " + peek().found());
        }
        advance();
        List<Projection> projections = new ArrayList<>();
        while (peek().isOperator(",")) {
            advance();
            if (peek().isOperator("*")) {
                throw new SqlRefusal("* may appear once, first in the select list; " + peek().found());
            }
            projections.add(projection());
        }
        if (!peek().isKeyword("from")) {
            throw unexpected("',' or FROM");
        }
        advance();
        SqlToken table = advance();
        if (!(table.kind() == Kind.IDENTIFIER && table.text().equals("__THIS__"))) {
            throw new SqlRefusal("the statement must read FROM __THIS__ (exactly so: Spark replaces that text with the input "
                    + "table); " + table.found());
        }
        if (peek().isOperator(",") || peek().isKeyword("join") || peek().isKeyword("inner") || peek().isKeyword("left")
                || peek().isKeyword("right") || peek().isKeyword("full") || peek().isKeyword("cross") || peek().isKeyword("natural")) {
            throw refuse(peek().isOperator(",") ? "a second table" : "JOIN");
        }
        Optional<SqlExpression> where = Optional.empty();
        if (peek().isKeyword("where")) {
            advance();
            where = Optional.of(expression());
        }
        if (peek().isOperator(";")) {
            advance();
        }
        if (peek().kind() != Kind.END) {
            throw new SqlRefusal("nothing may follow FROM __THIS__ [WHERE <condition>] (no GROUP BY, ORDER BY, LIMIT, JOIN, "
                    + "UNION or table alias); " + peek().found());
        }
        return new SelectStatement(projections, where);
    }

    private Projection projection() {
        SqlExpression expression = expression();
        SqlToken next = peek();
        if (next.isKeyword("as")) {
            advance();
            SqlToken name = advance();
            if (name.kind() != Kind.IDENTIFIER && name.kind() != Kind.QUOTED_IDENTIFIER) {
                throw new SqlRefusal("expected a column name after AS; " + name.found());
            }
            if (peek().isOperator("(")) {
                throw new SqlRefusal("multi-column aliases AS name(a, b) are not supported; " + peek().found());
            }
            return new Projection(name.text(), expression);
        }
        if (next.kind() == Kind.QUOTED_IDENTIFIER || (next.kind() == Kind.IDENTIFIER && !isReserved(next))) {
            advance();
            return new Projection(next.text(), expression);
        }
        throw new SqlRefusal("name every added column: " + expression.sql() + " AS <name> (Spark would name it after the "
                + "expression's text); " + next.found());
    }

    SqlExpression expression() {
        return or();
    }

    private SqlExpression or() {
        SqlExpression left = and();
        while (peek().isKeyword("or")) {
            advance();
            left = new Binary("OR", left, and());
        }
        return left;
    }

    private SqlExpression and() {
        SqlExpression left = not();
        while (peek().isKeyword("and")) {
            advance();
            left = new Binary("AND", left, not());
        }
        return left;
    }

    private SqlExpression not() {
        if (peek().isKeyword("not") || peek().isOperator("!")) {
            advance();
            return new Not(not());
        }
        if (peek().isKeyword("exists")) {
            throw refuse("EXISTS subqueries");
        }
        return predicated();
    }

    private SqlExpression predicated() {
        SqlExpression value = comparison();
        SqlToken token = peek();
        if (token.isKeyword("is")) {
            advance();
            boolean negated = acceptKeyword("not");
            if (acceptKeyword("null")) {
                return new IsNull(value, negated);
            }
            if (acceptKeyword("distinct")) {
                expectKeyword("FROM");
                Binary nullSafeEqual = new Binary("<=>", value, comparison());
                return negated ? nullSafeEqual : new Not(nullSafeEqual);
            }
            throw new SqlRefusal("IS supports [NOT] NULL and [NOT] DISTINCT FROM; " + peek().found());
        }
        boolean negated = false;
        if (token.isKeyword("not")) {
            SqlToken after = tokens.get(index + 1);
            if (after.isKeyword("in") || after.isKeyword("between") || after.isKeyword("like") || after.isKeyword("ilike")
                    || after.isKeyword("rlike") || after.isKeyword("regexp")) {
                advance();
                negated = true;
                token = peek();
            }
        }
        if (token.isKeyword("in")) {
            advance();
            expectOperator("(");
            if (peek().isKeyword("select") || peek().isKeyword("with")) {
                throw refuse("IN subqueries");
            }
            List<SqlExpression> values = new ArrayList<>();
            values.add(expression());
            while (peek().isOperator(",")) {
                advance();
                values.add(expression());
            }
            expectOperator(")");
            return new In(value, values, negated);
        }
        if (token.isKeyword("between")) {
            advance();
            SqlExpression lower = comparison();
            expectKeyword("AND");
            SqlExpression upper = comparison();
            return new Between(value, lower, upper, negated);
        }
        if (token.isKeyword("like") || token.isKeyword("ilike") || token.isKeyword("rlike") || token.isKeyword("regexp")) {
            throw refuse(token.describe());
        }
        return value;
    }

    private SqlExpression comparison() {
        SqlExpression left = additive();
        while (true) {
            SqlToken token = peek();
            if (token.kind() != Kind.OPERATOR) {
                return left;
            }
            String operator = switch (token.text()) {
                case "=", "==" -> "=";
                case "!=", "<>" -> "!=";
                case "<", "<=", ">", ">=", "<=>" -> token.text();
                default -> null;
            };
            if (operator == null) {
                return left;
            }
            advance();
            left = new Binary(operator, left, additive());
        }
    }

    private SqlExpression additive() {
        SqlExpression left = multiplicative();
        while (true) {
            SqlToken token = peek();
            if (token.isOperator("+") || token.isOperator("-") || token.isOperator("||")) {
                advance();
                left = new Binary(token.text(), left, multiplicative());
            } else if (token.isOperator("&") || token.isOperator("|") || token.isOperator("^")) {
                throw refuse("the bitwise operator " + token.describe());
            } else {
                return left;
            }
        }
    }

    private SqlExpression multiplicative() {
        SqlExpression left = unary();
        while (true) {
            SqlToken token = peek();
            if (token.isOperator("*") || token.isOperator("/") || token.isOperator("%")) {
                advance();
                left = new Binary(token.text(), left, unary());
            } else if (token.isKeyword("div")) {
                advance();
                left = new Binary("div", left, unary());
            } else {
                return left;
            }
        }
    }

    private SqlExpression unary() {
        SqlToken token = peek();
        if (token.isOperator("-")) {
            advance();
            // Spark's grammar reads a minus sign before a number as part of the literal, so
            // -2147483648 is an INT and -9223372036854775808 a BIGINT.
            if (peek().kind() == Kind.NUMBER) {
                return number(advance(), true);
            }
            return new Negate(unary());
        }
        if (token.isOperator("+")) {
            advance();
            return unary();
        }
        if (token.isOperator("~")) {
            throw refuse("the bitwise operator '~'");
        }
        return primary();
    }

    private SqlExpression primary() {
        SqlToken token = advance();
        switch (token.kind()) {
            case NUMBER:
                return number(token, false);
            case STRING: {
                StringBuilder value = new StringBuilder(token.text());
                // Adjacent string literals are one string, as in Spark.
                while (peek().kind() == Kind.STRING) {
                    value.append(advance().text());
                }
                return Literal.ofString(value.toString());
            }
            case QUOTED_IDENTIFIER:
                return columnReference(token);
            case OPERATOR:
                if (token.text().equals("(")) {
                    if (peek().isKeyword("select") || peek().isKeyword("with")) {
                        throw refuse("subqueries");
                    }
                    SqlExpression inner = expression();
                    if (peek().isOperator(",")) {
                        throw refuse("row constructors (a, b)");
                    }
                    expectOperator(")");
                    return inner;
                }
                throw new SqlRefusal("expected an expression; " + token.found());
            case END:
                throw new SqlRefusal("the statement ends where an expression was expected");
            default:
                break;
        }
        String word = token.text().toLowerCase(Locale.ROOT);
        switch (word) {
            case "null":
                return Literal.ofNull();
            case "true":
                return Literal.ofBoolean(true);
            case "false":
                return Literal.ofBoolean(false);
            case "case":
                return caseExpression();
            case "cast":
                return cast();
            default:
                break;
        }
        if (peek().kind() == Kind.STRING && TYPED_LITERALS.contains(word)) {
            throw refuse("the typed literal " + token.describe() + " " + peek().describe());
        }
        if (peek().isOperator("(")) {
            return functionCall(token);
        }
        if (isReserved(token)) {
            throw new SqlRefusal("expected an expression; " + token.found());
        }
        return columnReference(token);
    }

    private SqlExpression columnReference(SqlToken token) {
        if (peek().isOperator(".")) {
            throw refuse("the qualified name " + token.text() + "." + tokens.get(index + 1).text() + " (refer to columns by name alone)");
        }
        if (peek().isOperator("[") || peek().isOperator("::") || peek().isOperator("->")) {
            throw refuse(peek().describe() + " after column " + token.text());
        }
        return new ColumnReference(token.text());
    }

    private SqlExpression functionCall(SqlToken name) {
        advance();
        if (peek().isKeyword("distinct") || peek().isKeyword("all")) {
            throw refuse(peek().describe() + " inside " + name.text() + "(...), which is an aggregate");
        }
        if (peek().isOperator("*")) {
            throw refuse(name.text() + "(*), an aggregate");
        }
        List<SqlExpression> arguments = new ArrayList<>();
        if (!peek().isOperator(")")) {
            arguments.add(expression());
            while (peek().isOperator(",")) {
                advance();
                arguments.add(expression());
            }
        }
        expectOperator(")");
        if (peek().isKeyword("over") || peek().isKeyword("filter") || peek().isKeyword("within")) {
            throw refuse("window and aggregate clauses (" + peek().describe() + ")");
        }
        String function = name.text().toLowerCase(Locale.ROOT);
        if (!ExpressionCompiler.FUNCTIONS.contains(function)) {
            throw new SqlRefusal("found unsupported function " + name.text() + "(...) at character " + (name.position() + 1)
                    + "; supported functions: " + String.join(", ", ExpressionCompiler.FUNCTIONS));
        }
        return new FunctionCall(function, arguments);
    }

    private SqlExpression caseExpression() {
        Optional<SqlExpression> operand = peek().isKeyword("when") ? Optional.empty() : Optional.of(expression());
        List<When> branches = new ArrayList<>();
        while (acceptKeyword("when")) {
            SqlExpression condition = expression();
            expectKeyword("THEN");
            branches.add(new When(condition, expression()));
        }
        if (branches.isEmpty()) {
            throw unexpected("WHEN");
        }
        Optional<SqlExpression> otherwise = acceptKeyword("else") ? Optional.of(expression()) : Optional.empty();
        expectKeyword("END");
        return new Case(operand, branches, otherwise);
    }

    private SqlExpression cast() {
        expectOperator("(");
        SqlExpression operand = expression();
        expectKeyword("AS");
        SqlToken type = advance();
        SqlType target = switch (type.kind() == Kind.IDENTIFIER ? type.text().toLowerCase(Locale.ROOT) : "") {
            case "double" -> SqlType.DOUBLE;
            case "float", "real" -> SqlType.FLOAT;
            case "int", "integer" -> SqlType.INT;
            case "bigint", "long" -> SqlType.LONG;
            case "smallint", "short" -> SqlType.SHORT;
            case "tinyint", "byte" -> SqlType.BYTE;
            case "string" -> SqlType.STRING;
            case "boolean" -> SqlType.BOOLEAN;
            default -> null;
        };
        if (target == null || peek().isOperator("(")) {
            throw new SqlRefusal("CAST supports DOUBLE, FLOAT, INT, BIGINT, SMALLINT, TINYINT, STRING and BOOLEAN; " + type.found());
        }
        expectOperator(")");
        return new Cast(operand, target);
    }

    /**
     * Types a number as Spark's parser does: an integer is an INT, else a BIGINT; a decimal point
     * without an exponent makes a DECIMAL; an exponent a DOUBLE; suffixes L, S, Y, D, F and BD
     * force BIGINT, SMALLINT, TINYINT, DOUBLE, FLOAT and DECIMAL.
     */
    private static Literal number(SqlToken token, boolean negative) {
        String written = token.text();
        String upper = written.toUpperCase(Locale.ROOT);
        String suffix = upper.endsWith("BD") ? "BD" : upper.matches(".*[LSYDF]") ? upper.substring(upper.length() - 1) : "";
        String digits = (negative ? "-" : "") + written.substring(0, written.length() - suffix.length());
        String sql = (negative ? "-" : "") + written;
        boolean fractional = digits.contains(".") || upper.contains("E");
        BigDecimal value = new BigDecimal(digits);
        SqlType type;
        switch (suffix) {
            case "L" -> type = integral(token, value, SqlType.LONG, Long.MIN_VALUE, Long.MAX_VALUE);
            case "S" -> type = integral(token, value, SqlType.SHORT, Short.MIN_VALUE, Short.MAX_VALUE);
            case "Y" -> type = integral(token, value, SqlType.BYTE, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case "D" -> type = SqlType.DOUBLE;
            case "F" -> {
                float asFloat = Float.parseFloat(digits);
                if (Float.isInfinite(asFloat)) {
                    throw new SqlRefusal("the number " + sql + " is out of the FLOAT range");
                }
                return new Literal(SqlType.FLOAT, asFloat, null, sql);
            }
            case "BD" -> type = SqlType.DECIMAL;
            default -> {
                if (upper.contains("E")) {
                    type = SqlType.DOUBLE;
                } else if (fractional) {
                    type = SqlType.DECIMAL;
                } else if (value.compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) >= 0
                        && value.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0) {
                    type = SqlType.INT;
                } else if (value.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) >= 0
                        && value.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0) {
                    type = SqlType.LONG;
                } else {
                    type = SqlType.DECIMAL;
                }
            }
        }
        double number = value.doubleValue();
        if (type == SqlType.DOUBLE && Double.isInfinite(number)) {
            throw new SqlRefusal("the number " + sql + " is out of the DOUBLE range");
        }
        // Decimals are evaluated as doubles, which is exact for comparisons and conversions as
        // long as the literal has no more significant digits than a double holds.
        if (type == SqlType.DECIMAL && value.stripTrailingZeros().precision() > 15) {
            throw new SqlRefusal("the decimal literal " + sql + " has more than 15 significant digits; write it as a DOUBLE ("
                    + written + "D) if that is what you mean");
        }
        return new Literal(type, number, null, sql);
    }

    private static SqlType integral(SqlToken token, BigDecimal value, SqlType type, long min, long max) {
        if (value.scale() > 0 && value.stripTrailingZeros().scale() > 0 || value.compareTo(BigDecimal.valueOf(min)) < 0
                || value.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new SqlRefusal("the number " + token.text() + " is not a " + type.sparkName().toUpperCase(Locale.ROOT));
        }
        return type;
    }

    private static boolean isReserved(SqlToken token) {
        return token.kind() == Kind.IDENTIFIER && RESERVED.contains(token.text().toLowerCase(Locale.ROOT));
    }

    private SqlToken peek() {
        return tokens.get(index);
    }

    private SqlToken advance() {
        SqlToken token = tokens.get(index);
        if (token.kind() != Kind.END) {
            index++;
        }
        return token;
    }

    private boolean acceptKeyword(String keyword) {
        if (peek().isKeyword(keyword)) {
            advance();
            return true;
        }
        return false;
    }

    private void expectKeyword(String keyword) {
        if (!acceptKeyword(keyword)) {
            throw unexpected(keyword);
        }
    }

    private void expectOperator(String operator) {
        if (!peek().isOperator(operator)) {
            throw unexpected("'" + operator + "'");
        }
        advance();
    }

    private SqlRefusal unexpected(String expected) {
        return new SqlRefusal("expected " + expected + "; " + peek().found());
    }

    /** A construct outside the subset, named the way the messages the user sees name it: {@code found JOIN at character 24}. */
    private SqlRefusal refuse(String construct) {
        return new SqlRefusal("found " + construct + " at character " + (peek().position() + 1) + ", which is not supported");
    }
}
