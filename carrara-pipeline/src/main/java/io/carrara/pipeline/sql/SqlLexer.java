package io.carrara.pipeline.sql;

import io.carrara.pipeline.sql.SqlToken.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a statement into tokens as Spark's SQL lexer does for the supported subset: identifiers
 * (bare or back-quoted, {@code ``} escaping a back quote), string literals in single or double
 * quotes with Spark's backslash escapes (and {@code r'...'} raw strings), numbers with their
 * suffixes ({@code 10L}, {@code 1.5D}, {@code 2e3}), operators, and {@code --} and
 * {@code /* *}{@code /} comments.
 */
final class SqlLexer {
    private static final String[] OPERATORS = {
        "<=>", "<>", "<=", ">=", "!=", "==", "||", "::", "->", "=", "<", ">", "+", "-", "*", "/", "%", "(", ")", ",", ";", "!", ".",
        "&", "|", "^", "~", ":", "[", "]", "{", "}", "?"};

    private final String text;
    private int position;

    private SqlLexer(String text) {
        this.text = text;
    }

    static List<SqlToken> tokenize(String statement) {
        return new SqlLexer(statement).tokens();
    }

    private List<SqlToken> tokens() {
        List<SqlToken> tokens = new ArrayList<>();
        while (true) {
            skipSpaceAndComments();
            if (position >= text.length()) {
                tokens.add(new SqlToken(Kind.END, "", position));
                return tokens;
            }
            tokens.add(next());
        }
    }

    private void skipSpaceAndComments() {
        while (position < text.length()) {
            char c = text.charAt(position);
            if (Character.isWhitespace(c)) {
                position++;
            } else if (text.startsWith("--", position)) {
                while (position < text.length() && text.charAt(position) != '\n') {
                    position++;
                }
            } else if (text.startsWith("/*", position)) {
                skipBracketedComment();
            } else {
                return;
            }
        }
    }

    /** Spark's bracketed comments nest. */
    private void skipBracketedComment() {
        int start = position;
        int depth = 0;
        do {
            if (position >= text.length()) {
                throw new SqlRefusal("unclosed comment starting at character " + (start + 1));
            }
            if (text.startsWith("/*", position)) {
                depth++;
                position += 2;
            } else if (text.startsWith("*/", position)) {
                depth--;
                position += 2;
            } else {
                position++;
            }
        } while (depth > 0);
    }

    private SqlToken next() {
        int start = position;
        char c = text.charAt(position);
        if ((c == 'r' || c == 'R') && position + 1 < text.length() && (text.charAt(position + 1) == '\'' || text.charAt(position + 1) == '"')) {
            position++;
            return new SqlToken(Kind.STRING, rawString(), start);
        }
        if (Character.isLetter(c) || c == '_') {
            while (position < text.length() && isWordPart(text.charAt(position))) {
                position++;
            }
            return new SqlToken(Kind.IDENTIFIER, text.substring(start, position), start);
        }
        if (Character.isDigit(c) || (c == '.' && position + 1 < text.length() && Character.isDigit(text.charAt(position + 1)))) {
            return number();
        }
        if (c == '`') {
            return new SqlToken(Kind.QUOTED_IDENTIFIER, quotedIdentifier(), start);
        }
        if (c == '\'' || c == '"') {
            return new SqlToken(Kind.STRING, string(), start);
        }
        for (String operator : OPERATORS) {
            if (text.startsWith(operator, position)) {
                position += operator.length();
                return new SqlToken(Kind.OPERATOR, operator, start);
            }
        }
        throw new SqlRefusal("unexpected character '" + c + "' at character " + (start + 1));
    }

    private static boolean isWordPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private SqlToken number() {
        int start = position;
        digits();
        if (position < text.length() && text.charAt(position) == '.') {
            position++;
            digits();
        }
        if (position < text.length() && (text.charAt(position) == 'e' || text.charAt(position) == 'E')) {
            int exponent = position;
            position++;
            if (position < text.length() && (text.charAt(position) == '+' || text.charAt(position) == '-')) {
                position++;
            }
            if (position >= text.length() || !Character.isDigit(text.charAt(position))) {
                position = exponent;
            } else {
                digits();
            }
        }
        if (text.regionMatches(true, position, "BD", 0, 2)) {
            position += 2;
        } else if (position < text.length() && "LlSsYyDdFf".indexOf(text.charAt(position)) >= 0) {
            position++;
        }
        if (position < text.length() && isWordPart(text.charAt(position))) {
            throw new SqlRefusal("malformed number '" + text.substring(start, position + 1) + "' at character " + (start + 1));
        }
        return new SqlToken(Kind.NUMBER, text.substring(start, position), start);
    }

    private void digits() {
        while (position < text.length() && text.charAt(position) >= '0' && text.charAt(position) <= '9') {
            position++;
        }
    }

    private String quotedIdentifier() {
        int start = position;
        position++;
        StringBuilder name = new StringBuilder();
        while (true) {
            if (position >= text.length()) {
                throw new SqlRefusal("unclosed back quote starting at character " + (start + 1));
            }
            char c = text.charAt(position++);
            if (c == '`') {
                if (position < text.length() && text.charAt(position) == '`') {
                    name.append('`');
                    position++;
                } else {
                    return name.toString();
                }
            } else {
                name.append(c);
            }
        }
    }

    private String rawString() {
        int start = position;
        char quote = text.charAt(position++);
        int end = text.indexOf(quote, position);
        if (end < 0) {
            throw new SqlRefusal("unclosed string starting at character " + start);
        }
        String value = text.substring(position, end);
        position = end + 1;
        return value;
    }

    /** A quoted string with Spark's escapes ({@code spark.sql.parser.escapedStringLiterals=false}, the default). */
    private String string() {
        int start = position;
        char quote = text.charAt(position++);
        StringBuilder value = new StringBuilder();
        while (true) {
            if (position >= text.length()) {
                throw new SqlRefusal("unclosed string starting at character " + (start + 1));
            }
            char c = text.charAt(position++);
            if (c == quote) {
                // A doubled quote stands for one, as in standard SQL.
                if (position < text.length() && text.charAt(position) == quote) {
                    value.append(quote);
                    position++;
                    continue;
                }
                return value.toString();
            }
            if (c != '\\' || position >= text.length()) {
                value.append(c);
                continue;
            }
            char escaped = text.charAt(position++);
            switch (escaped) {
                case '0', '1', '2', '3' -> {
                    if (position + 1 < text.length() && isOctal(text.charAt(position)) && isOctal(text.charAt(position + 1))) {
                        value.append((char) Integer.parseInt(text.substring(position - 1, position + 2), 8));
                        position += 2;
                    } else if (escaped == '0') {
                        value.append('\u0000');
                    } else {
                        value.append(escaped);
                    }
                }
                case 'b' -> value.append('\b');
                case 'n' -> value.append('\n');
                case 'r' -> value.append('\r');
                case 't' -> value.append('\t');
                case 'Z' -> value.append('\u001A');
                // Spark keeps the backslash before % and _ so LIKE patterns stay escaped.
                case '%', '_' -> value.append('\\').append(escaped);
                case 'u' -> {
                    if (position + 4 > text.length() || !text.substring(position, position + 4).matches("[0-9A-Fa-f]{4}")) {
                        throw new SqlRefusal("malformed \\u escape at character " + (position - 1));
                    }
                    value.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
                    position += 4;
                }
                default -> value.append(escaped);
            }
        }
    }

    private static boolean isOctal(char c) {
        return c >= '0' && c <= '7';
    }
}
