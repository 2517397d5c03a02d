package io.carrara.registry.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.carrara.registry.search.SearchLexer.Kind;
import io.carrara.registry.search.SearchLexer.Token;
import io.carrara.spi.error.CarraraException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchLexerTest {
    @Test
    void splitsWordsSymbolsStringsAndNumbersWithOneBasedPositions() {
        List<Token> tokens = SearchLexer.tokenize("meta.trainingData>='x' AND (v<>-1.5e3)");

        assertThat(tokens).extracting(Token::kind, Token::value, Token::position).containsExactly(
                tuple(Kind.WORD, "meta.trainingData", 1),
                tuple(Kind.SYMBOL, ">=", 18),
                tuple(Kind.STRING, "x", 20),
                tuple(Kind.WORD, "AND", 24),
                tuple(Kind.SYMBOL, "(", 28),
                tuple(Kind.WORD, "v", 29),
                tuple(Kind.SYMBOL, "<>", 30),
                tuple(Kind.NUMBER, "-1.5e3", 32),
                tuple(Kind.SYMBOL, ")", 38),
                tuple(Kind.END, "", 39));
    }

    @Test
    void readsEveryOperator() {
        assertThat(SearchLexer.tokenize("= != <> < <= > >= , ( )"))
                .extracting(Token::source)
                .containsExactly("=", "!=", "<>", "<", "<=", ">", ">=", ",", "(", ")", "");
    }

    @Test
    void doubledQuotesStandForOneQuote() {
        Token token = SearchLexer.tokenize("'it''s ''quoted'''").get(0);

        assertThat(token.value()).isEqualTo("it's 'quoted'");
        assertThat(token.source()).isEqualTo("'it''s ''quoted'''");
        assertThat(token.describe()).isEqualTo("string 'it''s ''quoted'''");
        assertThat(SearchLexer.tokenize("''").get(0).value()).isEmpty();
    }

    @Test
    void keepsBackslashesAndSqlInsideStrings() {
        assertThat(SearchLexer.tokenize("'a\\'' --'").get(0).value()).isEqualTo("a\\' --");
    }

    @Test
    void keywordMatchingIgnoresCase() {
        Token token = SearchLexer.tokenize("oRdEr").get(0);

        assertThat(token.isKeyword("ORDER")).isTrue();
        assertThat(token.isKeyword("OR")).isFalse();
    }

    @Test
    void dashStartsANumberOnlyBeforeADigit() {
        assertThat(SearchLexer.tokenize("-7 meta.a-b")).extracting(Token::kind, Token::source)
                .containsExactly(tuple(Kind.NUMBER, "-7"), tuple(Kind.WORD, "meta.a-b"), tuple(Kind.END, ""));
        assertError("- 7", "at position 1: unexpected character '-'");
    }

    @Test
    void endTokenSitsJustPastTheLastCharacter() {
        assertThat(SearchLexer.tokenize("").get(0).position()).isEqualTo(1);
        assertThat(SearchLexer.tokenize("ab  ").get(1).position()).isEqualTo(5);
    }

    @Test
    void reportsLexicalErrorsWithTheirPosition() {
        assertError("model = 'nyc", "at position 9: expected a closing ' for the string that starts here"
                + " but found end of query");
        assertError("model = \"nyc\"", "at position 9: expected a string in single quotes, e.g. 'nyc', but found '\"'");
        assertError("version ! 3", "at position 9: expected != but found '!'");
        assertError("version = 1.", "at position 13: expected a digit after '.' in a number but found end of query");
        assertError("x = 1.x", "at position 7: expected a digit after '.' in a number but found 'x'");
        assertError("x = 1e+", "at position 8: expected a digit in the exponent of a number but found end of query");
        assertError("x = 1 ; 2", "at position 7: unexpected character ';'");
    }

    @Test
    void rejectsQueriesLongerThanAnyUrlWouldBe() {
        String longest = "model = '" + "x".repeat(SearchLexer.MAX_LENGTH - 10) + "'";

        assertThat(SearchLexer.tokenize(longest)).hasSize(4);
        assertError(longest + " ", "at position 10001: expected a query of at most 10000 characters"
                + " but found 10001 characters");
    }

    private static void assertError(String query, String message) {
        assertThatThrownBy(() -> SearchLexer.tokenize(query))
                .isInstanceOf(CarraraException.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(((CarraraException) e).errorCode().name()).isEqualTo("SEARCH_SYNTAX"))
                .satisfies(e -> assertThat(((CarraraException) e).field()).contains("q"));
    }
}
