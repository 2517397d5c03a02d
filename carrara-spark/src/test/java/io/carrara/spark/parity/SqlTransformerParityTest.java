package io.carrara.spark.parity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.SparkPipeline;
import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.PipelineErrorCode;
import java.nio.file.Path;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.junit.jupiter.api.Test;

/** Spark 4.1 runs these with its default {@code spark.sql.ansi.enabled=true}, which the runtime follows. */
class SqlTransformerParityTest extends StageParityTest {
    SqlTransformerParityTest() {
        super(SQLTransformer.class);
    }

    private static SQLTransformer sql(String statement) {
        return new SQLTransformer().setStatement(statement);
    }

    @Test
    void arithmeticWithNullsAndNaN() {
        ParityReport report = assertParity(sql("SELECT *, fare / distance AS fare_per_km, passengers + 1 AS riders,"
                + " passengers * hour AS busy, hour % 5 AS slot, -passengers AS negative, distance * 2 + duration AS mixed,"
                + " fare - 2.5D AS net, passengers / 2 AS half, 7 div 2 AS whole, passengers - hour * 2 AS spread"
                + " FROM __THIS__"));

        assertThat(report.rejected()).isZero();
    }

    @Test
    void divisionByZeroFailsTheRowsSparkFails() {
        ParityReport report = assertParity(sql("SELECT *, fare / hour AS fare_per_hour, passengers % hour AS leftover FROM __THIS__"));

        assertThat(report.rejected()).as("rows with hour 0").isPositive();
    }

    @Test
    void caseComparisonsAndNullHandling() {
        assertParity(sql("SELECT *,"
                + " CASE WHEN distance IS NULL THEN 'unknown' WHEN distance > 5 THEN 'far' ELSE 'near' END AS band,"
                + " CASE payment WHEN 'card' THEN 1 WHEN 'cash' THEN 2 ELSE 0 END AS pay_code,"
                + " passengers BETWEEN 2 AND 4 AS group_ride, hour NOT BETWEEN 6 AND 20 AS night,"
                + " city IN ('boston', 'chicago', NULL) AS midwest_or_boston, vendor NOT IN ('cmt', 'vts') AS other_vendor,"
                + " airport AND hour >= 20 AS late_airport, NOT airport OR passengers > 3 AS either, distance <=> duration AS same,"
                + " distance = distance AS reflexive, city IS DISTINCT FROM 'boston' AS not_boston,"
                + " if(airport, fare, NULL) AS airport_fare, coalesce(passengers, hour, 0) AS someone, nvl(city, 'nowhere') AS place,"
                + " nullif(hour, 0) AS hour_or_null, greatest(distance, duration) AS longest, least(passengers, hour) AS smallest,"
                + " isnull(city) AS no_city, isnotnull(note) AS has_note, nvl2(hour, 'timed', 'untimed') AS timed,"
                + " CASE WHEN passengers > 2 THEN distance ELSE passengers END AS widened"
                + " FROM __THIS__"));
    }

    @Test
    void castsBetweenTypes() {
        assertParity(sql("SELECT *, CAST(hour AS STRING) AS hour_text, CAST(airport AS INT) AS airport_flag,"
                + " CAST(passengers AS DOUBLE) AS riders, CAST(fare AS FLOAT) AS fare_float, CAST(passengers AS BIGINT) AS riders_long,"
                + " CAST(hour AS BOOLEAN) AS has_hour, CAST(fare AS STRING) AS fare_text, CAST(CAST(hour AS STRING) AS INT) AS round_trip,"
                + " CAST(fare AS INT) AS fare_int, CAST(fare AS SMALLINT) AS fare_short, CAST(hour AS TINYINT) AS hour_byte,"
                + " CAST(airport AS STRING) AS airport_text, CAST(CAST(fare AS STRING) AS DOUBLE) AS fare_again,"
                + " CAST(fare AS FLOAT) * CAST(hour AS FLOAT) AS float_product, CAST(fare AS FLOAT) + hour AS float_plus_int,"
                + " CAST(passengers AS BIGINT) * 3000000000 AS big_product, round(CAST(fare AS FLOAT), 1) AS float_rounded"
                + " FROM __THIS__"));
    }

    @Test
    void castOfNaNToIntegerFailsTheRow() {
        ParityReport report = assertParity(sql("SELECT *, CAST(distance AS INT) AS whole_km FROM __THIS__"));

        assertThat(report.rejected()).as("rows with a NaN distance").isPositive();
    }

    @Test
    void mathFunctions() {
        assertParity(sql("SELECT *, abs(fare - 10) AS off_ten, abs(hour - 12) AS from_noon, sqrt(distance) AS root,"
                + " exp(distance / 10) AS growth, ln(duration) AS log_duration, log(duration) AS log_one, log(2, fare) AS log_two,"
                + " log10(fare) AS log_ten, pow(distance, 2) AS squared, power(hour, 0.5D) AS hour_root, round(fare, 1) AS fare_1,"
                + " round(distance) AS km, round(hour, -1) AS hour_10, round(fare, -1) AS fare_10, bround(fare, 0) AS banker,"
                + " floor(fare) AS fare_floor, ceil(distance) AS km_ceil, ceiling(hour) AS hour_ceil, sign(fare - 10) AS direction,"
                + " signum(hour - 12) AS half_day, cbrt(fare) AS cube_root"
                + " FROM __THIS__"));
    }

    @Test
    void stringFunctions() {
        assertParity(sql("SELECT *, lower(note) AS quiet, upper(city) AS loud, length(note) AS note_length, trim(note) AS trimmed,"
                + " ltrim(concat('  ', city, '  ')) AS left_trimmed, rtrim(concat('  ', city, '  ')) AS right_trimmed,"
                + " concat(city, '-', vendor) AS key, city || '/' || payment AS route, substr(note, 2, 5) AS excerpt,"
                + " substring(city, -3) AS suffix, substr(note, 0, 3) AS head, concat(city, passengers) AS city_riders,"
                + " concat('fare ', fare) AS fare_label, length(city) > 6 AS long_name, note < 'a' AS sorts_first,"
                + " greatest(city, vendor) AS later_word, upper(airport) AS airport_word"
                + " FROM __THIS__"));
    }

    @Test
    void whereDropsTheRowsSparkFiltersOut() {
        ParityReport report = assertParity(sql("SELECT *, fare / distance AS rate, hour * 60 AS minutes FROM __THIS__"
                + " WHERE distance > 2 AND city IS NOT NULL AND hour <> 0"));

        assertThat(report.skipped()).as("rows the WHERE condition drops").isPositive();
        assertThat(report.rejected()).isZero();
    }

    @Test
    void lateralAliasesAndCaseInsensitiveNamesInAPipeline() {
        assertParity(sql("SELECT *, Passengers * 2 AS seats, seats + HOUR AS load FROM __THIS__"),
                sql("SELECT *, load / 2 AS half_load, `seats` > 4 AS crowded FROM __THIS__ WHERE load IS NOT NULL"));
    }

    @Test
    void statementsOutsideTheSubsetAreRefusedAtLoad() {
        assertRefusedAtLoad(sql("SELECT city, avg(fare) AS mean_fare FROM __THIS__ GROUP BY city"), "the select list must start with *");
        assertRefusedAtLoad(sql("SELECT *, avg(fare) OVER (PARTITION BY city) AS mean_fare FROM __THIS__"), "found window and aggregate clauses (OVER)");
        assertRefusedAtLoad(sql("SELECT *, fare * 2 AS double_fare FROM __THIS__ ORDER BY fare"), "found ORDER");
        assertRefusedAtLoad(sql("SELECT *, fare * 2 AS double_fare FROM __THIS__ JOIN (SELECT 1 AS one) ON true"), "found JOIN at character 49");
    }

    private void assertRefusedAtLoad(PipelineStage stage, String message) {
        Path directory = save(new Pipeline().setStages(new PipelineStage[] {stage}).fit(trainingData()));

        assertThatThrownBy(() -> SparkPipeline.load(directory))
                .isInstanceOfSatisfying(ModelException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(PipelineErrorCode.STAGE_UNSUPPORTED.toErrorCode());
                    assertThat(e.stage()).hasValueSatisfying(description -> assertThat(description)
                            .contains("org.apache.spark.ml.feature.SQLTransformer"));
                })
                .hasMessageContaining("SQLTransformer supports SELECT *, <expression> AS <name>, ... FROM __THIS__ [WHERE <condition>]")
                .hasMessageContaining(message);
    }
}
