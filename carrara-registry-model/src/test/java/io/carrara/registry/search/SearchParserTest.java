package io.carrara.registry.search;

import static io.carrara.registry.search.ComparisonOperator.EQUAL;
import static io.carrara.registry.search.ComparisonOperator.GREATER_THAN;
import static io.carrara.registry.search.ComparisonOperator.GREATER_THAN_OR_EQUAL;
import static io.carrara.registry.search.ComparisonOperator.LESS_THAN;
import static io.carrara.registry.search.ComparisonOperator.LESS_THAN_OR_EQUAL;
import static io.carrara.registry.search.ComparisonOperator.NOT_EQUAL;
import static io.carrara.registry.search.InstanceField.CREATED_AT;
import static io.carrara.registry.search.InstanceField.CREATED_BY;
import static io.carrara.registry.search.InstanceField.DEPRECATED;
import static io.carrara.registry.search.InstanceField.FORMAT;
import static io.carrara.registry.search.InstanceField.ID;
import static io.carrara.registry.search.InstanceField.MODEL;
import static io.carrara.registry.search.InstanceField.PROJECT;
import static io.carrara.registry.search.InstanceField.VERSION;
import static io.carrara.registry.search.SortKey.Direction.ASCENDING;
import static io.carrara.registry.search.SortKey.Direction.DESCENDING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SearchParserTest {
    private static final Expression A = eq(MODEL, "a");
    private static final Expression B = eq(MODEL, "b");
    private static final Expression C = eq(MODEL, "c");

    @Test
    void emptyQuerySelectsEverythingInDefaultOrder() {
        SearchQuery query = SearchParser.parse("  ");

        assertThat(query).isEqualTo(new SearchQuery(Optional.empty(), List.of(), OptionalInt.empty(), OptionalInt.empty()));
    }

    @Test
    void notBindsTighterThanAndWhichBindsTighterThanOr() {
        assertThat(filter("model = 'a' OR model = 'b' AND model = 'c'")).isEqualTo(new Or(A, new And(B, C)));
        assertThat(filter("model = 'a' AND model = 'b' OR model = 'c'")).isEqualTo(new Or(new And(A, B), C));
        assertThat(filter("NOT model = 'a' AND model = 'b'")).isEqualTo(new And(new Not(A), B));
        assertThat(filter("NOT NOT model = 'a'")).isEqualTo(new Not(new Not(A)));
    }

    @Test
    void chainsAssociateToTheLeft() {
        assertThat(filter("model = 'a' AND model = 'b' AND model = 'c'")).isEqualTo(new And(new And(A, B), C));
        assertThat(filter("model = 'a' OR model = 'b' OR model = 'c'")).isEqualTo(new Or(new Or(A, B), C));
    }

    @Test
    void parenthesesOverridePrecedence() {
        assertThat(filter("(model = 'a' OR model = 'b') AND model = 'c'")).isEqualTo(new And(new Or(A, B), C));
        assertThat(filter("NOT (model = 'a' OR model = 'b')")).isEqualTo(new Not(new Or(A, B)));
        assertThat(filter("((model = 'a'))")).isEqualTo(A);
    }

    @Test
    void boundsNestingSoAHostileQueryCannotExhaustTheStack() {
        int limit = SearchParser.MAX_NESTING;
        String deepest = "(".repeat(limit / 2) + "NOT ".repeat(limit / 2) + "deprecated" + ")".repeat(limit / 2);
        Expression expected = new Comparison(DEPRECATED, EQUAL, new BooleanLiteral(true));
        for (int i = 0; i < limit / 2; i++) {
            expected = new Not(expected);
        }

        assertThat(filter(deepest)).isEqualTo(expected);
        assertThat(filter(deepest + " OR " + deepest)).isEqualTo(new Or(expected, expected));
        // One more '(' makes the 50th NOT, after 51 '(' and 49 "NOT ", the 101st level.
        assertError("(" + deepest + ")", "at position 248: expected at most 100 nested parentheses and NOTs"
                + " but found 'NOT'");
        assertError("(".repeat(5000), "at position 101: expected at most 100 nested parentheses and NOTs but found '('");
    }

    @Test
    void readsEveryComparisonOperator() {
        assertThat(filter("version = 1")).isEqualTo(new Comparison(VERSION, EQUAL, new LongLiteral(1)));
        assertThat(filter("version != 1")).isEqualTo(new Comparison(VERSION, NOT_EQUAL, new LongLiteral(1)));
        assertThat(filter("version <> 1")).isEqualTo(new Comparison(VERSION, NOT_EQUAL, new LongLiteral(1)));
        assertThat(filter("version < 1")).isEqualTo(new Comparison(VERSION, LESS_THAN, new LongLiteral(1)));
        assertThat(filter("version <= 1")).isEqualTo(new Comparison(VERSION, LESS_THAN_OR_EQUAL, new LongLiteral(1)));
        assertThat(filter("version > 1")).isEqualTo(new Comparison(VERSION, GREATER_THAN, new LongLiteral(1)));
        assertThat(filter("version>=1")).isEqualTo(new Comparison(VERSION, GREATER_THAN_OR_EQUAL, new LongLiteral(1)));
    }

    @Test
    void readsInLikeAndNullTests() {
        assertThat(filter("model IN ('a', 'b')"))
                .isEqualTo(new In(MODEL, List.of(new StringLiteral("a"), new StringLiteral("b")), false));
        assertThat(filter("model NOT IN ('a')")).isEqualTo(new In(MODEL, List.of(new StringLiteral("a")), true));
        assertThat(filter("project LIKE 'dem%'")).isEqualTo(new Like(PROJECT, "dem%", false));
        assertThat(filter("created_by NOT LIKE '%bot'")).isEqualTo(new Like(CREATED_BY, "%bot", true));
        assertThat(filter("meta.city IS NULL")).isEqualTo(new IsNull(new Key.Metadata("city"), false));
        assertThat(filter("metric.validation.mae IS NOT NULL"))
                .isEqualTo(new IsNull(new Key.Metric("validation", "mae"), true));
        assertThat(filter("NOT model IN ('a')")).isEqualTo(new Not(new In(MODEL, List.of(new StringLiteral("a")), false)));
    }

    @Test
    void readsEveryKey() {
        assertThat(filter("id = 'x'")).isEqualTo(new Comparison(ID, EQUAL, new StringLiteral("x")));
        assertThat(filter("format = 'spark-pipeline'"))
                .isEqualTo(new Comparison(FORMAT, EQUAL, new StringLiteral("spark-pipeline")));
        assertThat(filter("meta.trainingData = 'hive://trips'"))
                .isEqualTo(new Comparison(new Key.Metadata("trainingData"), EQUAL, new StringLiteral("hive://trips")));
        assertThat(filter("meta.a.b-c_1 = 1"))
                .isEqualTo(new Comparison(new Key.Metadata("a.b-c_1"), EQUAL, new LongLiteral(1)));
        assertThat(filter("metric.validation.f1.macro > 0.5"))
                .isEqualTo(new Comparison(new Key.Metric("validation", "f1.macro"), GREATER_THAN, new DoubleLiteral(0.5)));
    }

    @Test
    void deprecatedAloneMeansDeprecatedIsTrue() {
        Expression deprecated = new Comparison(DEPRECATED, EQUAL, new BooleanLiteral(true));

        assertThat(filter("deprecated")).isEqualTo(deprecated);
        assertThat(filter("NOT deprecated")).isEqualTo(new Not(deprecated));
        assertThat(filter("deprecated AND NOT deprecated")).isEqualTo(new And(deprecated, new Not(deprecated)));
        assertThat(filter("(deprecated)")).isEqualTo(deprecated);
        assertThat(filter("deprecated = FALSE")).isEqualTo(new Comparison(DEPRECATED, EQUAL, new BooleanLiteral(false)));
        assertThat(filter("deprecated NOT IN (true)"))
                .isEqualTo(new In(DEPRECATED, List.of(new BooleanLiteral(true)), true));
        assertThat(SearchParser.parse("deprecated ORDER BY version").filter()).contains(deprecated);
    }

    @Test
    void keywordsAndFieldKeysIgnoreCaseButMetadataKeysDoNot() {
        assertThat(SearchParser.parse("MODEL = 'a' and not Deprecated Order By VERSION desc LiMiT 5 offset 2"))
                .isEqualTo(new SearchQuery(
                        Optional.of(new And(A, new Not(new Comparison(DEPRECATED, EQUAL, new BooleanLiteral(true))))),
                        List.of(new SortKey(VERSION, DESCENDING)), OptionalInt.of(5), OptionalInt.of(2)));
        assertThat(filter("META.trainingData IS NULL")).isEqualTo(new IsNull(new Key.Metadata("trainingData"), false));
        assertThat(filter("Metric.Validation.MAE IS NULL")).isEqualTo(new IsNull(new Key.Metric("validation", "MAE"), false));
    }

    @Test
    void readsStringsWithDoubledQuotes() {
        assertThat(filter("model = 'x'' OR 1=1 --'")).isEqualTo(eq(MODEL, "x' OR 1=1 --"));
        assertThat(filter("meta.note = ''''")).isEqualTo(new Comparison(new Key.Metadata("note"), EQUAL,
                new StringLiteral("'")));
    }

    @Test
    void readsWholeDecimalExponentAndNegativeNumbers() {
        assertThat(filter("meta.x = 42")).isEqualTo(metaEquals(new LongLiteral(42)));
        assertThat(filter("meta.x = -42")).isEqualTo(metaEquals(new LongLiteral(-42)));
        assertThat(filter("meta.x = 4.25")).isEqualTo(metaEquals(new DoubleLiteral(4.25)));
        assertThat(filter("meta.x = -1.5E-3")).isEqualTo(metaEquals(new DoubleLiteral(-0.0015)));
        assertThat(filter("meta.x = 2e3")).isEqualTo(metaEquals(new DoubleLiteral(2000)));
        assertThat(filter("meta.x = 99999999999999999999")).isEqualTo(metaEquals(new DoubleLiteral(1e20)));
    }

    @Test
    void readsCreatedAtAsUtcInstants() {
        assertThat(filter("created_at > '2026-11-01'"))
                .isEqualTo(new Comparison(CREATED_AT, GREATER_THAN, timestamp("2026-11-01T00:00:00Z")));
        assertThat(filter("created_at > '2026-11-01T10:00:00Z'"))
                .isEqualTo(new Comparison(CREATED_AT, GREATER_THAN, timestamp("2026-11-01T10:00:00Z")));
        assertThat(filter("created_at > '2026-11-01T12:00:00.5+02:00'"))
                .isEqualTo(new Comparison(CREATED_AT, GREATER_THAN, timestamp("2026-11-01T10:00:00.5Z")));
        assertThat(filter("created_at > '2026-11-01T10:00'"))
                .isEqualTo(new Comparison(CREATED_AT, GREATER_THAN, timestamp("2026-11-01T10:00:00Z")));
        assertThat(filter("created_at IN ('2026-11-01')"))
                .isEqualTo(new In(CREATED_AT, List.of(timestamp("2026-11-01T00:00:00Z")), false));
    }

    @Test
    void readsOrderByLimitAndOffset() {
        SearchQuery query = SearchParser.parse(
                "ORDER BY metric.validation.mae, meta.city DESC, model ASC, created_at LIMIT 1000 OFFSET 0");

        assertThat(query.filter()).isEmpty();
        assertThat(query.orderBy()).containsExactly(
                new SortKey(new Key.Metric("validation", "mae"), ASCENDING),
                new SortKey(new Key.Metadata("city"), DESCENDING),
                new SortKey(MODEL, ASCENDING),
                new SortKey(CREATED_AT, ASCENDING));
        assertThat(query.limit()).hasValue(1000);
        assertThat(query.offset()).hasValue(0);
        assertThat(SearchParser.parse("LIMIT 1").limit()).hasValue(1);
        assertThat(SearchParser.parse("model = 'a' LIMIT 1").offset()).isEmpty();
    }

    @Test
    void reportsWhatWasExpectedWhereAndWhatWasFound() {
        assertError("metric.validation.mae <", "at position 24: expected a value after '<' but found end of query");
        assertError("model = ", "at position 9: expected a value after '=' but found end of query");
        assertError("model = 'a' AND", "at position 16: expected a key, NOT or '(' but found end of query");
        assertError("model = 'a' model = 'b'",
                "at position 13: expected AND, OR, ORDER BY, LIMIT or end of query but found 'model'");
        assertError("model 'a'", "at position 7: expected an operator (=, !=, <>, <, <=, >, >=, IN, NOT IN, LIKE,"
                + " NOT LIKE or IS) after 'model' but found string 'a'");
        assertError("(model = 'a'", "at position 13: expected AND, OR or ')' to close the '(' at position 1"
                + " but found end of query");
        assertError("model = 'a')", "at position 12: expected AND, OR, ORDER BY, LIMIT or end of query but found ')'");
        assertError(")", "at position 1: expected a key, NOT or '(' but found ')'");
        assertError("AND model = 'a'", "at position 1: expected a key, NOT or '(' but found 'AND'");
        assertError("model IN 'a'", "at position 10: expected '(' after IN but found string 'a'");
        assertError("model IN ()", "at position 11: expected a value after '(' but found ')'");
        assertError("model IN ('a',)", "at position 15: expected a value after ',' but found ')'");
        assertError("model IN ('a' 'b')",
                "at position 15: expected ',' or ')' to close the '(' at position 10 but found string 'b'");
        assertError("model NOT = 'a'", "at position 7: expected an operator (=, !=, <>, <, <=, >, >=, IN, NOT IN,"
                + " LIKE, NOT LIKE or IS) after 'model' but found 'NOT'");
        assertError("model LIKE 5", "at position 12: expected a pattern in quotes after LIKE, e.g. 'supply%',"
                + " but found number 5");
        assertError("meta.city IS 'x'", "at position 14: expected NULL or NOT NULL after IS but found string 'x'");
        assertError("meta.city IS NOT", "at position 17: expected NULL after IS NOT but found end of query");
        assertError("model = NULL",
                "at position 9: expected a value after '=' (to test for a missing value write IS NULL) but found 'NULL'");
        assertError("ORDER version", "at position 7: expected BY after ORDER but found 'version'");
        assertError("ORDER BY", "at position 9: expected a key to order by but found end of query");
        assertError("ORDER BY version sideways",
                "at position 18: expected ASC, DESC, ',', LIMIT or end of query after 'version' but found 'sideways'");
        assertError("ORDER BY version DESC model",
                "at position 23: expected ',', LIMIT or end of query but found 'model'");
        assertError("LIMIT 5 ORDER BY version", "at position 9: expected OFFSET or end of query but found 'ORDER'");
        assertError("LIMIT 5 OFFSET 1 LIMIT 2", "at position 18: expected end of query but found 'LIMIT'");
        assertError("LIMIT", "at position 6: expected a whole number from 1 to 1000 after LIMIT but found end of query");
        assertError("LIMIT 2.5", "at position 7: expected a whole number from 1 to 1000 after LIMIT but found number 2.5");
        assertError("LIMIT 0 OFFSET 1",
                "at position 7: expected a whole number from 1 to 1000 after LIMIT but found number 0");
        assertError("LIMIT 5 OFFSET -1",
                "at position 16: expected a whole number of at least 0 after OFFSET but found number -1");
    }

    @Test
    void rejectsALimitOverTheMaximum() {
        assertError("model = 'a' LIMIT 1001",
                "at position 19: expected a whole number from 1 to 1000 after LIMIT but found number 1001");
    }

    @Test
    void rejectsUnknownKeysListingTheValidOnes() {
        assertError("foo = 1", "at position 1: unknown key 'foo': expected model, project, id, version, created_at,"
                + " created_by, format, deprecated, meta.<key> or metric.<scope>.<name>");
        assertError("model = 'a' ORDER BY bar", "at position 22: unknown key 'bar': expected model, project, id,"
                + " version, created_at, created_by, format, deprecated, meta.<key> or metric.<scope>.<name>");
        assertError("meta = 'x'", "at position 1: expected meta.<key>, e.g. meta.city, but found 'meta'");
        assertError("meta. = 'x'", "at position 1: expected meta.<key>, e.g. meta.city, but found 'meta.'");
        assertError("metric.validation < 1",
                "at position 1: expected metric.<scope>.<name>, e.g. metric.validation.mae, but found 'metric.validation'");
        assertError("metric.validation. < 1",
                "at position 1: expected metric.<scope>.<name>, e.g. metric.validation.mae, but found 'metric.validation.'");
        assertError("metric.valdiation.mae < 1", "at position 1: expected a metric scope (training, validation,"
                + " production) but found 'valdiation' in 'metric.valdiation.mae'");
    }

    @Test
    void rejectsValuesOfTheWrongType() {
        assertError("version < 'abc'",
                "at position 11: expected a whole number for version, e.g. version >= 3, but found string 'abc'");
        assertError("version = 2.5",
                "at position 11: expected a whole number for version, e.g. version >= 3, but found number 2.5");
        assertError("version IN (1, 'two')",
                "at position 16: expected a whole number for version, e.g. version >= 3, but found string 'two'");
        assertError("created_at > 'yesterday'", "at position 14: expected an ISO date like 2026-11-01 or"
                + " 2026-11-01T10:00:00Z for created_at but found string 'yesterday'");
        assertError("created_at > 20261101", "at position 14: expected an ISO date in quotes, like '2026-11-01' or"
                + " '2026-11-01T10:00:00Z', for created_at but found number 20261101");
        assertError("deprecated = 5", "at position 14: expected true or false for deprecated but found number 5");
        assertError("deprecated = 'yes'", "at position 14: expected true or false for deprecated but found string 'yes'");
        assertError("deprecated < true",
                "at position 12: expected =, !=, <>, IN or IS after deprecated, which is true or false, but found '<'");
        assertError("model = 5", "at position 9: expected a string in quotes for model but found number 5");
        assertError("created_by = true", "at position 14: expected a string in quotes for created_by but found 'true'");
        assertError("format = 'pyton'",
                "at position 10: expected a format (spark-pipeline, python, opaque) but found string 'pyton'");
        assertError("metric.validation.mae < 'low'",
                "at position 25: expected a number for metric.validation.mae but found string 'low'");
        assertError("meta.flag = true", "at position 13: expected a string or a number for meta.flag"
                + " (write 'true' in quotes to compare text) but found 'true'");
        assertError("meta.seed IN (1, 'two')",
                "at position 18: expected a number like the first value in the list but found string 'two'");
        assertError("meta.seed IN ('one', 2)",
                "at position 22: expected a string like the first value in the list but found number 2");
    }

    @Test
    void rejectsLikeOnKeysThatAreNotText() {
        assertError("version LIKE '1%'", "at position 9: expected =, !=, <>, <, <=, >, >=, IN or IS after version,"
                + " which is a whole number and not text, but found 'LIKE'");
        assertError("deprecated NOT LIKE 't%'", "at position 16: expected =, !=, <>, IN or IS after deprecated,"
                + " which is true or false and not text, but found 'LIKE'");
        assertError("metric.validation.mae LIKE '1%'", "at position 23: expected =, !=, <>, <, <=, >, >=, IN or IS"
                + " after metric.validation.mae, which is a number and not text, but found 'LIKE'");
        assertError("created_at LIKE '2026%'", "at position 12: expected =, !=, <>, <, <=, >, >=, IN or IS after"
                + " created_at, which is a time and not text, but found 'LIKE'");
    }

    private static Expression filter(String query) {
        return SearchParser.parse(query).filter().orElseThrow();
    }

    private static Expression eq(InstanceField field, String value) {
        return new Comparison(field, EQUAL, new StringLiteral(value));
    }

    private static Expression metaEquals(Literal value) {
        return new Comparison(new Key.Metadata("x"), EQUAL, value);
    }

    private static TimestampLiteral timestamp(String instant) {
        return new TimestampLiteral(Instant.parse(instant));
    }

    private static void assertError(String query, String message) {
        assertThatThrownBy(() -> SearchParser.parse(query))
                .isInstanceOf(CarraraException.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(((CarraraException) e).errorCode().name()).isEqualTo("SEARCH_SYNTAX"))
                .satisfies(e -> assertThat(((CarraraException) e).field()).contains("q"));
    }
}
