package io.carrara.pipeline.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.PipelineErrorCode;
import io.carrara.pipeline.error.RowException;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import io.carrara.pipeline.stage.Column;
import io.carrara.pipeline.stage.Frame;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.StageBinder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SqlTransformerTest {
    private static final String STAGE = "stage 0 (sql_1, org.apache.spark.ml.feature.SQLTransformer)";
    private static final List<Field> INPUT = List.of(
            new Field("n", DataType.INTEGER), new Field("big", DataType.LONG), new Field("d", DataType.DOUBLE),
            new Field("f", DataType.FLOAT), new Field("s", DataType.STRING), new Field("flag", DataType.BOOLEAN),
            Field.vector("v", 2));

    @Test
    void refusesAJoinAtLoadNamingTheStageAndWhatWasFound() {
        assertThatThrownBy(() -> SqlTransformer.of(STAGE, "SELECT *, a AS x FROM __THIS__ JOIN other ON a = b"))
                .isInstanceOfSatisfying(ModelException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(PipelineErrorCode.STAGE_UNSUPPORTED.toErrorCode());
                    assertThat(e.stage()).contains(STAGE);
                })
                .hasMessageContaining("SQLTransformer supports SELECT *, <expression> AS <name>, ... FROM __THIS__ [WHERE <condition>]")
                .hasMessageContaining("found JOIN at character 32");
    }

    @Test
    void refusesEverythingOutsideTheSubsetAtLoad() {
        assertRefused("SELECT a, b FROM __THIS__", "the select list must start with *");
        assertRefused("SELECT a + 1 AS x, * FROM __THIS__", "the select list must start with *");
        assertRefused("SELECT DISTINCT *, a AS x FROM __THIS__", "found DISTINCT");
        assertRefused("SELECT *, a + 1 FROM __THIS__", "name every added column: (a + 1) AS <name>");
        assertRefused("SELECT *, sum(a) AS total FROM __THIS__ GROUP BY b", "found unsupported function sum(...)");
        assertRefused("SELECT *, count(*) AS total FROM __THIS__", "found count(*), an aggregate");
        assertRefused("SELECT *, a AS x FROM __THIS__ ORDER BY a", "found ORDER at character 32");
        assertRefused("SELECT *, a AS x FROM __THIS__ LIMIT 3", "found LIMIT");
        assertRefused("SELECT *, a AS x FROM other", "must read FROM __THIS__");
        assertRefused("SELECT *, a AS x FROM __this__", "must read FROM __THIS__");
        assertRefused("SELECT *, a AS x FROM __THIS__ t", "nothing may follow FROM __THIS__");
        assertRefused("SELECT *, s LIKE 'a%' AS x FROM __THIS__", "found LIKE");
        assertRefused("SELECT *, a IN (SELECT a FROM other) AS x FROM __THIS__", "found IN subqueries");
        assertRefused("SELECT *, t.a AS x FROM __THIS__ t", "found the qualified name t.a");
        assertRefused("SELECT *, CAST(a AS DECIMAL(10, 2)) AS x FROM __THIS__", "CAST supports DOUBLE");
        assertRefused("SELECT *, DATE '2024-01-01' AS x FROM __THIS__", "found the typed literal DATE");
        assertRefused("SELECT *, rank() OVER (ORDER BY a) AS x FROM __THIS__", "found window and aggregate clauses (OVER)");
        assertRefused("SELECT *, lag(a) AS x FROM __THIS__", "found unsupported function lag(...) at character 11");
        assertRefused("SELECT *, a & 1 AS x FROM __THIS__", "the bitwise operator '&'");
        assertRefused("SELECT *, 'unclosed AS x FROM __THIS__", "unclosed string");
        assertRefused("SELECT *, 1.23456789012345678 AS x FROM __THIS__", "more than 15 significant digits");
    }

    @Test
    void precedenceFollowsSpark() {
        Map<String, Object> row = evaluate("SELECT *, 1 + 2 * 3 - 4 % 3 AS a, - 2 * 3 AS b, 2 - 3 - 4 AS c, NOT true AND false AS d2,"
                + " true OR false AND false AS e, 1 < 2 = true AS g, NOT NULL IS NULL AS h, 1 + 1 = 2 IS NOT NULL AS i,"
                + " n BETWEEN 1 AND 3 AND d > 0 AS j, 'a' || 'b' = 'ab' AS k, 7 div 2 * 2 AS m FROM __THIS__", input(2, 1.5, "x"));

        assertThat(row).containsEntry("a", 6).containsEntry("b", -6).containsEntry("c", -5).containsEntry("d2", false)
                .containsEntry("e", true).containsEntry("g", true).containsEntry("h", false).containsEntry("i", true)
                .containsEntry("j", true).containsEntry("k", true).containsEntry("m", 6L);
    }

    @Test
    void resultTypesFollowSparkCoercion() {
        StageBinder binder = new StageBinder(INPUT);
        SqlTransformer.of(STAGE, "SELECT *, n + 1 AS a, n / 2 AS b, n + big AS c, f * f AS e, f + n AS g, floor(d) AS h,"
                + " round(n, -1) AS i, d * 1.5 AS j, n IN (1, 2.5) AS k, CAST(s AS INT) AS m, length(s) AS o, concat(s, n) AS p,"
                + " -2147483648 AS q, 2147483648 AS r, 1Y AS t, sign(n) AS u, greatest(n, d) AS w, coalesce(n, big) AS z"
                + " FROM __THIS__").compile(binder);

        assertThat(binder.columns().subList(INPUT.size(), binder.columns().size())).extracting(Column::type).containsExactly(
                DataType.INTEGER, DataType.DOUBLE, DataType.LONG, DataType.FLOAT, DataType.DOUBLE, DataType.LONG,
                DataType.INTEGER, DataType.DOUBLE, DataType.BOOLEAN, DataType.INTEGER, DataType.INTEGER, DataType.STRING,
                DataType.INTEGER, DataType.LONG, DataType.BYTE, DataType.DOUBLE, DataType.DOUBLE, DataType.LONG);
    }

    @Test
    void nullsPropagateAsInSpark() {
        Map<String, Object> row = evaluate("SELECT *, n + 1 AS a, n IS NULL AS b, coalesce(n, 7) AS c, n = 1 OR true AS e,"
                + " n = 1 AND false AS g, n = 1 AND true AS h, n <=> NULL AS i, n IN (1, 2) AS j, 3 IN (1, NULL) AS k,"
                + " 1 IN (1, NULL) AS m, CASE WHEN n > 0 THEN 'pos' ELSE 'other' END AS o, if(n > 0, 1, 2) AS p,"
                + " concat(s, 'x') AS q, greatest(n, 4) AS r, nullif(d, 1.5D) AS t, ln(0) AS u, log(2, -1) AS w FROM __THIS__",
                input(null, 1.5, null));

        assertThat(row).containsEntry("a", null).containsEntry("b", true).containsEntry("c", 7).containsEntry("e", true)
                .containsEntry("g", false).containsEntry("h", null).containsEntry("i", true).containsEntry("j", null)
                .containsEntry("k", null).containsEntry("m", true).containsEntry("o", "other").containsEntry("p", 2)
                .containsEntry("q", null).containsEntry("r", 4).containsEntry("t", null).containsEntry("u", null)
                .containsEntry("w", null);
    }

    @Test
    void doublesCompareAndRoundLikeSpark() {
        Map<String, Object> row = evaluate("SELECT *, d > 1e308 AS a, d = d AS b, round(2.675D, 2) AS c, round(-2.5D) AS e,"
                + " floor(d) AS g, CAST(n AS STRING) AS h, CAST(d AS STRING) AS i, CAST(' 12 ' AS INT) AS j,"
                + " CAST('-Infinity' AS DOUBLE) AS k, CAST(' yes ' AS BOOLEAN) AS m FROM __THIS__", input(3, Double.NaN, null));

        assertThat(row).containsEntry("a", true).containsEntry("b", true).containsEntry("c", 2.68).containsEntry("e", -3.0)
                .containsEntry("g", 0L).containsEntry("h", "3").containsEntry("i", "NaN").containsEntry("j", 12)
                .containsEntry("k", Double.NEGATIVE_INFINITY).containsEntry("m", true);
    }

    @Test
    void stringFunctionsCountCodePointsAndTrimSpacesOnly() {
        Map<String, Object> row = evaluate("SELECT *, length(s) AS a, substr(s, -2) AS b, substring(s, 0, 2) AS c, trim(s) AS e,"
                + " upper(s) AS g, s < 'b' AS h FROM __THIS__", input(1, 1.0, "\t a\uD83D\uDE00 "));

        assertThat(row).containsEntry("a", 5).containsEntry("b", "\uD83D\uDE00 ").containsEntry("c", "\t ")
                .containsEntry("e", "\t a\uD83D\uDE00").containsEntry("g", "\t A\uD83D\uDE00 ").containsEntry("h", true);
    }

    @Test
    void laterAliasesAndNamesIgnoringCase() {
        Map<String, Object> row = evaluate("SELECT *, N * 2 AS twice, twice + `D` AS more FROM __THIS__", input(4, 0.5, null));

        assertThat(row).containsEntry("twice", 8).containsEntry("more", 8.5);
    }

    @Test
    void whereDropsRowsWhoseConditionIsFalseOrNull() {
        String statement = "SELECT *, n * 2 AS twice FROM __THIS__ WHERE n > 1";

        assertThat(run(statement, input(2, 0.0, null))).isPresent();
        assertThat(run(statement, input(1, 0.0, null))).isEmpty();
        assertThat(run(statement, input(null, 0.0, null))).isEmpty();
    }

    @Test
    void ansiFailuresRejectTheRowNamingTheColumn() {
        assertThatThrownBy(() -> evaluate("SELECT *, d / n AS ratio FROM __THIS__", input(0, 1.0, null)))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("ratio"))
                .hasMessageContaining("division by zero in (d / n): n is 0")
                .hasMessageContaining("DIVIDE_BY_ZERO")
                .hasMessageContaining("NULLIF(n, 0)");
        assertThatThrownBy(() -> evaluate("SELECT *, n * 2147483647 AS x FROM __THIS__", input(2, 1.0, null)))
                .isInstanceOf(RowException.class).hasMessageContaining("INT overflow");
        assertThatThrownBy(() -> evaluate("SELECT *, CAST(s AS INT) AS x FROM __THIS__", input(2, 1.0, "1.5")))
                .isInstanceOf(RowException.class).hasMessageContaining("'1.5' is not a valid INT");
        assertThatThrownBy(() -> evaluate("SELECT *, CAST(d AS INT) AS x FROM __THIS__", input(2, Double.NaN, null)))
                .isInstanceOf(RowException.class).hasMessageContaining("CAST_OVERFLOW");
        assertThatThrownBy(() -> evaluate("SELECT *, x FROM __THIS__ WHERE 1 / n > 0", input(0, 1.0, null)))
                .isInstanceOf(ModelException.class);
        assertThat(evaluate("SELECT *, CASE WHEN n = 0 THEN 0 ELSE 10 / n END AS x, n <> 0 AND 10 / n > 1 AS y FROM __THIS__",
                input(0, 1.0, null))).containsEntry("x", 0.0).containsEntry("y", false);
        assertThat(evaluate("SELECT *, d / n AS x FROM __THIS__", input(null, 1.0, null))).containsEntry("x", null);
    }

    @Test
    void typeMistakesAreModelErrorsAtCompile() {
        assertNotCompiled("SELECT *, s + 1 AS x FROM __THIS__", "+ takes numbers, but s is STRING; CAST it to a number first");
        assertNotCompiled("SELECT *, s = 1 AS x FROM __THIS__", "cannot compare s (STRING) and 1 (INT) without an explicit CAST");
        assertNotCompiled("SELECT *, n * 1.5 AS x FROM __THIS__", "is a DECIMAL in Spark");
        assertNotCompiled("SELECT *, 1.5 AS x FROM __THIS__", "is a DECIMAL in Spark");
        assertNotCompiled("SELECT *, NULL AS x FROM __THIS__", "has no type in Spark (void)");
        assertNotCompiled("SELECT *, missing + 1 AS x FROM __THIS__", "column 'missing' does not exist");
        assertNotCompiled("SELECT *, v AS x FROM __THIS__", "column 'v' is VECTOR");
        assertNotCompiled("SELECT *, n AS d FROM __THIS__", "output column 'd' already exists");
        assertNotCompiled("SELECT *, round(d, n) AS x FROM __THIS__", "round takes an integer literal as its scale");
        assertNotCompiled("SELECT * FROM __THIS__ WHERE n", "WHERE needs a boolean condition");
        assertNotCompiled("SELECT *, CASE WHEN NULL THEN 1 END AS x FROM __THIS__", "CASE WHEN needs a boolean condition");
        assertNotCompiled("SELECT *, n AS x, 1 AS y FROM __THIS__ WHERE x > 1", "column 'x' does not exist");
    }

    private static void assertRefused(String statement, String message) {
        assertThatThrownBy(() -> SqlTransformer.of(STAGE, statement))
                .as(statement)
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(STAGE)
                .hasMessageContaining(message);
    }

    private static void assertNotCompiled(String statement, String message) {
        SqlTransformer stage = SqlTransformer.of(STAGE, statement);
        StageBinder binder = new StageBinder(INPUT);
        binder.enterStage(STAGE);
        assertThatThrownBy(() -> stage.compile(binder)).as(statement).isInstanceOf(ModelException.class)
                .hasMessageContaining(STAGE).hasMessageContaining(message);
    }

    private static Map<String, Object> input(Integer n, double d, String s) {
        Map<String, Object> row = new HashMap<>();
        row.put("n", n);
        row.put("big", 10L);
        row.put("d", d);
        row.put("f", 1.5f);
        row.put("s", s);
        row.put("flag", true);
        return row;
    }

    private static Map<String, Object> evaluate(String statement, Map<String, Object> row) {
        return run(statement, row).orElseThrow();
    }

    /** Compiles the statement against {@link #INPUT}, scores one row, and returns the added columns as the Map API would. */
    private static Optional<Map<String, Object>> run(String statement, Map<String, Object> row) {
        StageBinder binder = new StageBinder(INPUT);
        binder.enterStage(STAGE);
        RowOperation operation = SqlTransformer.of(STAGE, statement).compile(binder);
        Frame frame = new Frame(binder.slotCount());
        for (int slot = 0; slot < INPUT.size(); slot++) {
            Object value = row.get(INPUT.get(slot).name());
            if (value == null) {
                frame.setNull(slot);
            } else if (value instanceof String text) {
                frame.setObject(slot, text);
            } else if (value instanceof Boolean bool) {
                frame.setDouble(slot, bool ? 1 : 0);
            } else {
                frame.setDouble(slot, ((Number) value).doubleValue());
            }
        }
        if (!operation.apply(frame)) {
            return Optional.empty();
        }
        Map<String, Object> added = new LinkedHashMap<>();
        for (Column column : binder.columns().subList(INPUT.size(), binder.columns().size())) {
            added.put(column.name(), frame.isNull(column.slot()) ? null : switch (column.type()) {
                case STRING -> frame.getString(column.slot());
                case BOOLEAN -> frame.getDouble(column.slot()) != 0;
                case INTEGER -> (int) frame.getDouble(column.slot());
                case LONG -> (long) frame.getDouble(column.slot());
                case BYTE -> (byte) frame.getDouble(column.slot());
                case FLOAT -> (float) frame.getDouble(column.slot());
                default -> frame.getDouble(column.slot());
            });
        }
        return Optional.of(added);
    }
}
