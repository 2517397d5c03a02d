package io.carrara.registry.search;

import static io.carrara.registry.search.SearchErrorCode.SEARCH_SYNTAX;
import static java.util.Objects.requireNonNull;

import io.carrara.spi.error.CarraraException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a filter into tokens: words (keys and keywords), quoted strings, numbers and symbols.
 * Positions are 1-based character offsets so error messages can point at what the user typed.
 */
final class SearchLexer {
    /** The request parameter every search error is about. */
    static final String FIELD = "q";
    /** Longer than any URL a server accepts, and short enough that parsing stays cheap. */
    static final int MAX_LENGTH = 10_000;

    enum Kind {
        WORD,
        STRING,
        NUMBER,
        SYMBOL,
        END
    }

    /**
     * One token. {@code source} is the text as written, for error messages; {@code value} is the
     * string with its quotes removed and doubled quotes undone, and equals {@code source} otherwise.
     */
    record Token(Kind kind, String source, String value, int position) {
        Token {
            requireNonNull(kind, "kind is null");
            requireNonNull(source, "source is null");
            requireNonNull(value, "value is null");
        }

        boolean isKeyword(String keyword) {
            return kind == Kind.WORD && source.equalsIgnoreCase(keyword);
        }

        boolean isSymbol(String symbol) {
            return kind == Kind.SYMBOL && source.equals(symbol);
        }

        /** The token as an error message names it after "found". */
        String describe() {
            switch (kind) {
                case END:
                    return "end of query";
                case STRING:
                    return "string " + source;
                case NUMBER:
                    return "number " + source;
                default:
                    return "'" + source + "'";
            }
        }
    }

    private final String query;
    private int index;

    private SearchLexer(String query) {
        this.query = query;
    }

    /** The tokens of {@code query}, always ending with one {@link Kind#END} token. */
    static List<Token> tokenize(String query) {
        requireNonNull(query, "query is null");
        if (query.length() > MAX_LENGTH) {
            throw syntaxError(MAX_LENGTH + 1, "expected a query of at most " + MAX_LENGTH + " characters but found "
                    + query.length() + " characters");
        }
        return new SearchLexer(query).tokens();
    }

    static CarraraException syntaxError(int position, String detail) {
        return new CarraraException(SEARCH_SYNTAX, "at position " + position + ": " + detail, FIELD);
    }

    private List<Token> tokens() {
        List<Token> tokens = new ArrayList<>();
        while (true) {
            while (index < query.length() && Character.isWhitespace(query.charAt(index))) {
                index++;
            }
            if (index == query.length()) {
                tokens.add(new Token(Kind.END, "", "", index + 1));
                return tokens;
            }
            tokens.add(next());
        }
    }

    private Token next() {
        int start = index;
        char c = query.charAt(index);
        if (isWordStart(c)) {
            while (index < query.length() && isWordPart(query.charAt(index))) {
                index++;
            }
            return simple(Kind.WORD, start);
        }
        if (c == '\'') {
            return string(start);
        }
        if (isDigit(c) || (c == '-' && index + 1 < query.length() && isDigit(query.charAt(index + 1)))) {
            return number(start);
        }
        switch (c) {
            case '(':
            case ')':
            case ',':
            case '=':
                index++;
                return simple(Kind.SYMBOL, start);
            case '<':
                index++;
                if (index < query.length() && (query.charAt(index) == '=' || query.charAt(index) == '>')) {
                    index++;
                }
                return simple(Kind.SYMBOL, start);
            case '>':
                index++;
                if (index < query.length() && query.charAt(index) == '=') {
                    index++;
                }
                return simple(Kind.SYMBOL, start);
            case '!':
                if (index + 1 < query.length() && query.charAt(index + 1) == '=') {
                    index += 2;
                    return simple(Kind.SYMBOL, start);
                }
                throw syntaxError(start + 1, "expected != but found '!'");
            case '"':
                throw syntaxError(start + 1,
                        "expected a string in single quotes, e.g. 'nyc', but found '\"'");
            default:
                throw syntaxError(start + 1, "unexpected character '" + c + "'");
        }
    }

    private Token string(int start) {
        StringBuilder value = new StringBuilder();
        index++;
        while (true) {
            if (index == query.length()) {
                throw syntaxError(start + 1,
                        "expected a closing ' for the string that starts here but found end of query");
            }
            char c = query.charAt(index++);
            if (c == '\'') {
                // A doubled quote stands for one quote inside the string, as in SQL.
                if (index < query.length() && query.charAt(index) == '\'') {
                    value.append('\'');
                    index++;
                } else {
                    return new Token(Kind.STRING, query.substring(start, index), value.toString(), start + 1);
                }
            } else {
                value.append(c);
            }
        }
    }

    private Token number(int start) {
        if (query.charAt(index) == '-') {
            index++;
        }
        digits();
        if (index < query.length() && query.charAt(index) == '.') {
            index++;
            requireDigit("after '.' in a number");
            digits();
        }
        if (index < query.length() && (query.charAt(index) == 'e' || query.charAt(index) == 'E')) {
            index++;
            if (index < query.length() && (query.charAt(index) == '+' || query.charAt(index) == '-')) {
                index++;
            }
            requireDigit("in the exponent of a number");
            digits();
        }
        return simple(Kind.NUMBER, start);
    }

    private void requireDigit(String where) {
        if (index == query.length()) {
            throw syntaxError(index + 1, "expected a digit " + where + " but found end of query");
        }
        if (!isDigit(query.charAt(index))) {
            throw syntaxError(index + 1, "expected a digit " + where + " but found '" + query.charAt(index) + "'");
        }
    }

    private void digits() {
        while (index < query.length() && isDigit(query.charAt(index))) {
            index++;
        }
    }

    private Token simple(Kind kind, int start) {
        String source = query.substring(start, index);
        return new Token(kind, source, source, start + 1);
    }

    private static boolean isWordStart(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    }

    // Dots and dashes belong to words so that meta.trainingData and metric.validation.f1-macro are one token.
    private static boolean isWordPart(char c) {
        return isWordStart(c) || isDigit(c) || c == '.' || c == '-';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
