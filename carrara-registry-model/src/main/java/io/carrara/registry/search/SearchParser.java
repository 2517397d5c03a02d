package io.carrara.registry.search;

import static io.carrara.registry.search.SearchLexer.syntaxError;

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
import io.carrara.registry.search.SearchLexer.Kind;
import io.carrara.registry.search.SearchLexer.Token;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ArtifactFormat;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * Parses the search filter language of docs/api.md into a {@link SearchQuery}, checking each value
 * against its key as it goes so a type error points at the value, e.g.
 * {@code SearchParser.parse("model = 'eta' AND metric.validation.mae < 5 ORDER BY version DESC LIMIT 10")}.
 * Every error is a {@link CarraraException} with code {@code SEARCH_SYNTAX}, field {@code q}, and a
 * message of the form {@code at position 23: expected a value after '<' but found end of query}.
 */
public final class SearchParser {
    private static final String KEYS = "model, project, id, version, created_at, created_by, format, deprecated,"
            + " meta.<key> or metric.<scope>.<name>";
    private static final String OPERATORS = "=, !=, <>, <, <=, >, >=, IN, NOT IN, LIKE, NOT LIKE or IS";
    private static final List<String> FORMATS =
            Arrays.stream(ArtifactFormat.values()).map(ArtifactFormat::wireName).collect(Collectors.toList());
    // Words that can never be a key, so "model = 'x' AND ORDER" reports a missing key rather than an unknown one.
    private static final List<String> RESERVED = List.of(
            "AND", "OR", "NOT", "IN", "LIKE", "IS", "NULL", "ORDER", "BY", "ASC", "DESC", "LIMIT", "OFFSET",
            "TRUE", "FALSE");

    // Parentheses and NOTs recurse; a bound keeps a hostile query from exhausting the stack.
    static final int MAX_NESTING = 100;

    private final List<Token> tokens;
    private int index;
    private int nesting;

    private SearchParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    /** Parses {@code query}; an empty or blank query selects every instance. */
    public static SearchQuery parse(String query) {
        return new SearchParser(SearchLexer.tokenize(query)).query();
    }

    private SearchQuery query() {
        Optional<Expression> filter = Optional.empty();
        String expected = "end of query";
        if (!peek().isKeyword("ORDER") && !peek().isKeyword("LIMIT") && peek().kind() != Kind.END) {
            filter = Optional.of(or());
            expected = "AND, OR, ORDER BY, LIMIT or end of query";
        }
        List<SortKey> orderBy = new ArrayList<>();
        if (peek().isKeyword("ORDER")) {
            advance();
            if (!peek().isKeyword("BY")) {
                throw expected("BY after ORDER", peek());
            }
            advance();
            do {
                orderBy.add(sortKey());
            } while (acceptSymbol(","));
            expected = "',', LIMIT or end of query";
        }
        OptionalInt limit = OptionalInt.empty();
        OptionalInt offset = OptionalInt.empty();
        if (peek().isKeyword("LIMIT")) {
            advance();
            limit = OptionalInt.of(wholeNumber("LIMIT", 1, SearchQuery.MAX_LIMIT));
            expected = "OFFSET or end of query";
            if (peek().isKeyword("OFFSET")) {
                advance();
                offset = OptionalInt.of(wholeNumber("OFFSET", 0, Integer.MAX_VALUE));
                expected = "end of query";
            }
        }
        if (peek().kind() != Kind.END) {
            throw expected(expected, peek());
        }
        return new SearchQuery(filter, orderBy, limit, offset);
    }

    private SortKey sortKey() {
        Token token = peek();
        if (token.kind() != Kind.WORD || isReserved(token)) {
            throw expected("a key to order by", token);
        }
        advance();
        Key key = key(token);
        SortKey.Direction direction = SortKey.Direction.ASCENDING;
        if (peek().isKeyword("ASC")) {
            advance();
        } else if (peek().isKeyword("DESC")) {
            advance();
            direction = SortKey.Direction.DESCENDING;
        } else if (peek().kind() != Kind.END && !peek().isSymbol(",") && !peek().isKeyword("LIMIT")) {
            throw expected("ASC, DESC, ',', LIMIT or end of query after '" + token.source() + "'", peek());
        }
        return new SortKey(key, direction);
    }

    private int wholeNumber(String clause, int minimum, int maximum) {
        Token token = peek();
        Literal number = token.kind() == Kind.NUMBER ? number(token) : null;
        if (number instanceof LongLiteral) {
            long value = ((LongLiteral) number).value();
            if (value >= minimum && value <= maximum) {
                advance();
                return (int) value;
            }
        }
        String range = maximum == Integer.MAX_VALUE ? "of at least " + minimum : "from " + minimum + " to " + maximum;
        throw expected("a whole number " + range + " after " + clause, token);
    }

    private Expression or() {
        Expression left = and();
        while (peek().isKeyword("OR")) {
            advance();
            left = new Or(left, and());
        }
        return left;
    }

    private Expression and() {
        Expression left = factor();
        while (peek().isKeyword("AND")) {
            advance();
            left = new And(left, factor());
        }
        return left;
    }

    private Expression factor() {
        Token token = peek();
        if (token.isKeyword("NOT")) {
            advance();
            enter(token);
            Expression operand = factor();
            nesting--;
            return new Not(operand);
        }
        if (token.isSymbol("(")) {
            advance();
            enter(token);
            Expression inner = or();
            if (!peek().isSymbol(")")) {
                throw expected("AND, OR or ')' to close the '(' at position " + token.position(), peek());
            }
            advance();
            nesting--;
            return inner;
        }
        if (token.kind() == Kind.WORD && !isReserved(token)) {
            advance();
            return predicate(token);
        }
        throw expected("a key, NOT or '('", token);
    }

    private void enter(Token token) {
        if (++nesting > MAX_NESTING) {
            throw expected("at most " + MAX_NESTING + " nested parentheses and NOTs", token);
        }
    }

    private Expression predicate(Token keyToken) {
        Key key = key(keyToken);
        Token token = peek();
        if (token.kind() == Kind.SYMBOL && !token.isSymbol("(") && !token.isSymbol(")") && !token.isSymbol(",")) {
            advance();
            ComparisonOperator operator = operator(token);
            if (key == InstanceField.DEPRECATED && operator.isOrdering()) {
                throw expected("=, !=, <>, IN or IS after " + keyToken.source() + ", which is true or false,", token);
            }
            Token valueToken = peek();
            return new Comparison(key, operator, value(key, keyToken, literal("after '" + token.source() + "'"),
                    valueToken));
        }
        boolean negated = false;
        if (token.isKeyword("NOT") && (peekAhead().isKeyword("IN") || peekAhead().isKeyword("LIKE"))) {
            advance();
            negated = true;
            token = peek();
        }
        if (token.isKeyword("IN")) {
            advance();
            return in(key, keyToken, negated);
        }
        if (token.isKeyword("LIKE")) {
            advance();
            return like(key, keyToken, token, negated);
        }
        if (token.isKeyword("IS")) {
            advance();
            boolean notNull = false;
            if (peek().isKeyword("NOT")) {
                advance();
                notNull = true;
            }
            if (!peek().isKeyword("NULL")) {
                throw expected(notNull ? "NULL after IS NOT" : "NULL or NOT NULL after IS", peek());
            }
            advance();
            return new IsNull(key, notNull);
        }
        if (key == InstanceField.DEPRECATED) {
            // A bare "deprecated" is a predicate of its own, so "NOT deprecated" reads as it should.
            return new Comparison(key, ComparisonOperator.EQUAL, new BooleanLiteral(true));
        }
        throw expected("an operator (" + OPERATORS + ") after '" + keyToken.source() + "'", token);
    }

    private Expression in(Key key, Token keyToken, boolean negated) {
        if (!peek().isSymbol("(")) {
            throw expected("'(' after IN", peek());
        }
        Token open = advance();
        List<Literal> values = new ArrayList<>();
        Literal first = null;
        do {
            Token valueToken = peek();
            Literal value = value(key, keyToken, literal(values.isEmpty() ? "after '('" : "after ','"), valueToken);
            if (first != null && isNumeric(first) != isNumeric(value)) {
                throw syntaxError(valueToken.position(), "expected " + (isNumeric(first) ? "a number" : "a string")
                        + " like the first value in the list but found " + valueToken.describe());
            }
            if (first == null) {
                first = value;
            }
            values.add(value);
        } while (acceptSymbol(","));
        if (!peek().isSymbol(")")) {
            throw expected("',' or ')' to close the '(' at position " + open.position(), peek());
        }
        advance();
        return new In(key, values, negated);
    }

    private Expression like(Key key, Token keyToken, Token likeToken, boolean negated) {
        if (key instanceof Key.Metric) {
            throw expected("=, !=, <>, <, <=, >, >=, IN or IS after " + keyToken.source()
                    + ", which is a number and not text,", likeToken);
        }
        if (key instanceof InstanceField && ((InstanceField) key).valueType() != InstanceField.ValueType.TEXT) {
            InstanceField field = (InstanceField) key;
            String operators = field == InstanceField.DEPRECATED
                    ? "=, !=, <>, IN or IS"
                    : "=, !=, <>, <, <=, >, >=, IN or IS";
            throw expected(operators + " after " + keyToken.source() + ", which is " + describe(field.valueType())
                    + " and not text,", likeToken);
        }
        Token pattern = peek();
        if (pattern.kind() != Kind.STRING) {
            throw expected("a pattern in quotes after LIKE, e.g. 'supply%',", pattern);
        }
        advance();
        return new Like(key, pattern.value(), negated);
    }

    /** The next token as a literal of any type; {@code after} says where, for the error message. */
    private Literal literal(String after) {
        Token token = peek();
        switch (token.kind()) {
            case STRING:
                advance();
                return new StringLiteral(token.value());
            case NUMBER:
                advance();
                return number(token);
            case WORD:
                if (token.isKeyword("TRUE") || token.isKeyword("FALSE")) {
                    advance();
                    return new BooleanLiteral(token.isKeyword("TRUE"));
                }
                if (token.isKeyword("NULL")) {
                    throw expected("a value " + after + " (to test for a missing value write IS NULL)", token);
                }
                break;
            default:
                break;
        }
        throw expected("a value " + after, token);
    }

    /** Checks that {@code literal} suits {@code key} and converts it to the key's type. */
    private static Literal value(Key key, Token keyToken, Literal literal, Token token) {
        String keyText = keyToken.source();
        if (key instanceof Key.Metric) {
            if (!isNumeric(literal)) {
                throw expected("a number for " + keyText, token);
            }
            return literal;
        }
        if (key instanceof Key.Metadata) {
            if (literal instanceof BooleanLiteral) {
                throw expected("a string or a number for " + keyText + " (write '" + token.source()
                        + "' in quotes to compare text)", token);
            }
            return literal;
        }
        InstanceField field = (InstanceField) key;
        switch (field.valueType()) {
            case WHOLE_NUMBER:
                if (!(literal instanceof LongLiteral)) {
                    throw expected("a whole number for " + keyText + ", e.g. " + keyText + " >= 3,", token);
                }
                return literal;
            case BOOLEAN:
                if (!(literal instanceof BooleanLiteral)) {
                    throw expected("true or false for " + keyText, token);
                }
                return literal;
            case TIMESTAMP:
                if (!(literal instanceof StringLiteral)) {
                    throw expected("an ISO date in quotes, like '2026-11-01' or '2026-11-01T10:00:00Z', for " + keyText,
                            token);
                }
                return timestamp((StringLiteral) literal, token);
            case TEXT:
            default:
                if (!(literal instanceof StringLiteral)) {
                    throw expected("a string in quotes for " + keyText, token);
                }
                if (field == InstanceField.FORMAT && !FORMATS.contains(((StringLiteral) literal).value())) {
                    throw expected("a format (" + String.join(", ", FORMATS) + ")", token);
                }
                return literal;
        }
    }

    // Times are stored in UTC, so a date or a time without an offset is read as UTC too.
    private static TimestampLiteral timestamp(StringLiteral literal, Token token) {
        String text = literal.value().trim();
        try {
            return new TimestampLiteral(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException notZoned) {
            // try the forms without an offset below
        }
        try {
            return new TimestampLiteral(LocalDateTime.parse(text).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException notLocal) {
            // try a date alone below
        }
        try {
            return new TimestampLiteral(LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant());
        } catch (DateTimeParseException notDate) {
            throw expected("an ISO date like 2026-11-01 or 2026-11-01T10:00:00Z for created_at", token);
        }
    }

    private Key key(Token token) {
        String text = token.source();
        String lower = text.toLowerCase(Locale.ROOT);
        Optional<InstanceField> field = InstanceField.fromText(text);
        if (field.isPresent()) {
            return field.get();
        }
        if (lower.equals("meta") || lower.startsWith("meta.")) {
            String name = text.length() > "meta.".length() ? text.substring("meta.".length()) : "";
            if (name.isEmpty()) {
                throw syntaxError(token.position(), "expected meta.<key>, e.g. meta.city, but found '" + text + "'");
            }
            return new Key.Metadata(name);
        }
        if (lower.equals("metric") || lower.startsWith("metric.")) {
            String rest = text.length() > "metric.".length() ? text.substring("metric.".length()) : "";
            int dot = rest.indexOf('.');
            if (dot <= 0 || dot == rest.length() - 1) {
                throw syntaxError(token.position(),
                        "expected metric.<scope>.<name>, e.g. metric.validation.mae, but found '" + text + "'");
            }
            String scope = rest.substring(0, dot).toLowerCase(Locale.ROOT);
            if (!Key.Metric.SCOPES.contains(scope)) {
                throw syntaxError(token.position(), "expected a metric scope (" + String.join(", ", Key.Metric.SCOPES)
                        + ") but found '" + rest.substring(0, dot) + "' in '" + text + "'");
            }
            return new Key.Metric(scope, rest.substring(dot + 1));
        }
        throw syntaxError(token.position(), "unknown key '" + text + "': expected " + KEYS);
    }

    private static ComparisonOperator operator(Token token) {
        switch (token.source()) {
            case "=":
                return ComparisonOperator.EQUAL;
            case "!=":
            case "<>":
                return ComparisonOperator.NOT_EQUAL;
            case "<":
                return ComparisonOperator.LESS_THAN;
            case "<=":
                return ComparisonOperator.LESS_THAN_OR_EQUAL;
            case ">":
                return ComparisonOperator.GREATER_THAN;
            case ">=":
                return ComparisonOperator.GREATER_THAN_OR_EQUAL;
            default:
                throw new IllegalStateException("not an operator: " + token.source());
        }
    }

    // Whole numbers that fit a long stay exact; anything else, including a huge whole number, is a double.
    private static Literal number(Token token) {
        String text = token.source();
        boolean whole = text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0;
        if (whole) {
            try {
                return new LongLiteral(Long.parseLong(text));
            } catch (NumberFormatException tooLarge) {
                // fall through to a double
            }
        }
        double value = Double.parseDouble(text);
        if (!Double.isFinite(value)) {
            throw syntaxError(token.position(), "expected a number within the range of a double but found number "
                    + text);
        }
        return new DoubleLiteral(value);
    }

    private static boolean isNumeric(Literal literal) {
        return literal instanceof LongLiteral || literal instanceof DoubleLiteral;
    }

    private static boolean isReserved(Token token) {
        return RESERVED.stream().anyMatch(token::isKeyword);
    }

    private boolean acceptSymbol(String symbol) {
        if (peek().isSymbol(symbol)) {
            advance();
            return true;
        }
        return false;
    }

    private Token peek() {
        return tokens.get(index);
    }

    private Token peekAhead() {
        return tokens.get(Math.min(index + 1, tokens.size() - 1));
    }

    private Token advance() {
        Token token = tokens.get(index);
        if (token.kind() != Kind.END) {
            index++;
        }
        return token;
    }

    private static CarraraException expected(String what, Token found) {
        return syntaxError(found.position(), "expected " + what + " but found " + found.describe());
    }

    private static String describe(InstanceField.ValueType type) {
        switch (type) {
            case WHOLE_NUMBER:
                return "a whole number";
            case TIMESTAMP:
                return "a time";
            case BOOLEAN:
                return "true or false";
            default:
                return "text";
        }
    }
}
