package io.carrara.pipeline.sql;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * One lexical token of a statement, with its character position for messages. {@code text} is
 * the identifier (without back quotes), the string literal's value (escapes resolved), the
 * number as written, or the operator.
 */
record SqlToken(Kind kind, String text, int position) {
    enum Kind { IDENTIFIER, QUOTED_IDENTIFIER, STRING, NUMBER, OPERATOR, END }

    SqlToken {
        requireNonNull(kind, "kind is null");
        requireNonNull(text, "text is null");
    }

    /** A bare (not back-quoted) word equal to the keyword, ignoring case. */
    boolean isKeyword(String keyword) {
        return kind == Kind.IDENTIFIER && text.equalsIgnoreCase(keyword);
    }

    boolean isOperator(String operator) {
        return kind == Kind.OPERATOR && text.equals(operator);
    }

    /** How a message shows the token: keywords in upper case, strings quoted. */
    String describe() {
        return switch (kind) {
            case IDENTIFIER -> text.toUpperCase(Locale.ROOT);
            case QUOTED_IDENTIFIER -> "`" + text + "`";
            case STRING -> "'" + text + "'";
            case NUMBER -> text;
            case OPERATOR -> "'" + text + "'";
            case END -> "the end of the statement";
        };
    }

    /** {@code found X at character N}. */
    String found() {
        return kind == Kind.END ? "found the end of the statement" : "found " + describe() + " at character " + (position + 1);
    }
}
