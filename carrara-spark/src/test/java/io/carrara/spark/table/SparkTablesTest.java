package io.carrara.spark.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.spark.SparkErrorCode;
import io.carrara.spark.batch.CatalogSpark;
import io.carrara.spark.batch.GoldenTrips;
import io.carrara.spark.sql.SqlPolicy;
import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkTablesTest {
    private static final String TRIP_COLUMNS = "id INT, city STRING, vendor STRING, payment STRING, passengers INT, hour INT,"
            + " distance DOUBLE, duration DOUBLE, airport BOOLEAN, label DOUBLE, fare_class DOUBLE, fare DOUBLE";

    @TempDir
    static Path temporary;

    private SparkSession spark;
    private SparkTables tables;
    private Path csv;

    @BeforeAll
    void importTrips() {
        spark = CatalogSpark.session();
        spark.sql("DROP DATABASE IF EXISTS io_test CASCADE");
        tables = new SparkTables(spark);
        csv = GoldenTrips.writeCsv(GoldenTrips.LOGISTIC_REGRESSION, temporary.resolve("trips.csv"));
        tables.importFile(ImportRequest.of(csv, table("io_test.trips")).withInferSchema(true));
    }

    @Test
    void csvColumnsAreStringsUnlessInferredOrGiven() {
        ImportResult strings = tables.importFile(ImportRequest.of(csv, table("io_test.trips_as_text")));
        assertThat(strings.rowsImported()).isEqualTo(40);
        assertThat(strings.columns()).extracting(TableColumn::type).containsOnly("string");

        assertThat(tables.columns(table("io_test.trips"))).extracting(TableColumn::name, TableColumn::type).startsWith(
                org.assertj.core.groups.Tuple.tuple("id", "int"), org.assertj.core.groups.Tuple.tuple("city", "string"))
                .contains(org.assertj.core.groups.Tuple.tuple("distance", "double"),
                        org.assertj.core.groups.Tuple.tuple("airport", "boolean"));
        assertThat(spark.table("io_test.trips").where("distance IS NULL").count()).isPositive();
    }

    @Test
    void jsonLinesImportWithAGivenSchemaAndAppend() {
        Path jsonl = GoldenTrips.writeJsonLines(GoldenTrips.LOGISTIC_REGRESSION, temporary.resolve("trips.jsonl"));
        ImportRequest request = ImportRequest.of(jsonl, table("io_test.trips_json")).withSchema(TRIP_COLUMNS);

        ImportResult first = tables.importFile(request);
        ImportResult appended = tables.importFile(request.withAppend(true));

        assertThat(first.rowsImported()).isEqualTo(40);
        assertThat(appended.rowsImported()).isEqualTo(40);
        assertThat(appended.rowsInTable()).isEqualTo(80);
        assertThat(spark.table("io_test.trips_json").schema().toDDL().replace("`", "")).isEqualTo(TRIP_COLUMNS.replace(", ", ","));
        assertThat(sorted(spark.table("io_test.trips_json").distinct().collectAsList()))
                .isEqualTo(sorted(spark.table("io_test.trips").collectAsList()));
    }

    @Test
    void exportsRoundTripThroughJsonLinesAndCsv() throws IOException {
        Path jsonl = temporary.resolve("export/trips.jsonl");
        Path exportedCsv = temporary.resolve("export/trips.csv");
        assertThat(tables.export(ExportRequest.of(table("io_test.trips"), jsonl)).rows()).isEqualTo(40);
        assertThat(tables.export(ExportRequest.of(table("io_test.trips"), exportedCsv)).rows()).isEqualTo(40);
        assertThat(Files.readAllLines(jsonl)).hasSize(40);
        assertThat(Files.readAllLines(exportedCsv)).hasSize(41).first().asString().startsWith("id,city,vendor");

        tables.importFile(ImportRequest.of(jsonl, table("io_test.trips_from_jsonl")).withSchema(TRIP_COLUMNS));
        tables.importFile(ImportRequest.of(exportedCsv, table("io_test.trips_from_csv")).withInferSchema(true));
        List<Row> original = sorted(spark.table("io_test.trips").collectAsList());
        assertThat(sorted(spark.table("io_test.trips_from_jsonl").collectAsList())).isEqualTo(original);
        assertThat(sorted(spark.table("io_test.trips_from_csv").collectAsList())).isEqualTo(original);
        assertThat(spark.table("io_test.trips_from_csv").schema()).isEqualTo(spark.table("io_test.trips").schema());
    }

    @Test
    void exportKeepsArraysDatesTimestampsAndNullsAndFilters() throws IOException {
        spark.sql("CREATE TABLE io_test.shapes USING parquet PARTITIONED BY (day) AS SELECT CAST(id AS INT) AS id,"
                + " array(1.5D * id, 2.0D) AS vector, TIMESTAMP'2026-11-01 10:00:00.123456' AS at, CAST(NULL AS STRING) AS note,"
                + " DATE'2026-11-01' AS day FROM range(3)");
        Path jsonl = temporary.resolve("shapes.jsonl");
        Path csvFile = temporary.resolve("shapes.csv");

        ExportResult filtered = tables.export(ExportRequest.of(table("io_test.shapes"), jsonl).withWhere("id >= 1"));
        tables.export(ExportRequest.of(table("io_test.shapes"), csvFile).withWhere("id = 2"));

        assertThat(filtered.rows()).isEqualTo(2);
        assertThat(Files.readAllLines(jsonl)).allSatisfy(line -> assertThat(line).contains("\"note\":null"));
        assertThat(Files.readAllLines(csvFile)).hasSize(2).first().isEqualTo("id,vector,at,note,day");
        assertThat(Files.readAllLines(csvFile).get(1)).matches("2,\"\\[3\\.0,2\\.0\\]\",2026-11-01T10:00:00\\.123456[^,]+,,2026-11-01");
        String ddl = spark.table("io_test.shapes").schema().toDDL();
        tables.importFile(ImportRequest.of(jsonl, table("io_test.shapes_back")).withSchema(ddl));
        assertThat(sorted(spark.table("io_test.shapes_back").collectAsList()))
                .isEqualTo(sorted(spark.table("io_test.shapes").where("id >= 1").collectAsList()));
    }

    @Test
    void listsAndDescribesTables() {
        spark.sql("CREATE TABLE IF NOT EXISTS io_test.partitioned (id INT, day DATE) USING parquet PARTITIONED BY (day)");
        spark.sql("INSERT INTO io_test.partitioned VALUES (1, DATE'2026-11-01'), (2, DATE'2026-11-02')");

        assertThat(tables.list(Optional.of("io_test"))).extracting(summary -> summary.name().toString())
                .contains("io_test.trips", "io_test.partitioned");
        assertThat(tables.list(Optional.empty())).extracting(summary -> summary.name().toString()).contains("io_test.trips");
        TableDescription description = tables.describe(table("io_test.partitioned"), true);
        assertThat(description.partitionColumns()).containsExactly("day");
        assertThat(description.columns()).extracting(TableColumn::name).containsExactly("id", "day");
        assertThat(description.rows()).hasValue(2);
        assertThat(description.type()).isEqualTo("MANAGED");
        assertThat(tables.describe(table("io_test.trips"), false).rows()).isEmpty();
    }

    @Test
    void mistakesAreReportedWithTheFieldAndWhatToDo() throws IOException {
        assertThatThrownBy(() -> tables.importFile(ImportRequest.of(temporary.resolve("missing.csv"), table("io_test.x"))))
                .isInstanceOfSatisfying(CarraraException.class, e -> assertThat(e.errorCode())
                        .isEqualTo(SparkErrorCode.FILE_UNREADABLE.toErrorCode()))
                .hasMessageContaining("does not exist");
        Path bad = Files.writeString(temporary.resolve("bad.csv"), "id,city\n1,nyc\nabc,sf\n");
        assertThatThrownBy(() -> tables.importFile(ImportRequest.of(bad, table("io_test.bad")).withSchema("id INT, city STRING")))
                .isInstanceOfSatisfying(CarraraException.class, e -> assertThat(e.field()).contains("file"))
                .hasMessageContaining("cannot import");
        assertThatThrownBy(() -> tables.export(ExportRequest.of(table("io_test.nothing"), temporary.resolve("n.jsonl"))))
                .isInstanceOfSatisfying(CarraraException.class, e -> assertThat(e.errorCode())
                        .isEqualTo(SparkErrorCode.TABLE_NOT_FOUND.toErrorCode()));
        assertThatThrownBy(() -> tables.export(ExportRequest.of(table("io_test.trips"), temporary.resolve("w.jsonl"))
                .withWhere("no_such_column > 1")))
                .isInstanceOfSatisfying(CarraraException.class, e -> assertThat(e.field()).contains("where"))
                .hasMessageContaining("no_such_column");
        assertThatThrownBy(() -> tables.list(Optional.of("no_such_database")))
                .isInstanceOf(CarraraException.class).hasMessageContaining("no_such_database");
        assertThat(Files.exists(temporary.resolve("w.jsonl"))).isFalse();
    }

    @Test
    void aConditionOutsideTheAcceptedSqlIsRefusedBeforeAnythingRuns() {
        Path output = temporary.resolve("refused.jsonl");
        String setProperty = "reflect('java.lang.System', 'setProperty', 'carrara.export.ran', 'yes')";

        assertThatThrownBy(() -> tables.export(ExportRequest.of(table("io_test.trips"), output)
                .withWhere("id > 0 AND " + setProperty + " IS NOT NULL")))
                .isInstanceOfSatisfying(CarraraException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(SparkErrorCode.SQL_REFUSED.toErrorCode());
                    assertThat(e.field()).contains("where");
                })
                .hasMessageContaining("calls the function reflect");
        assertThatThrownBy(() -> tables.export(ExportRequest.of(table("io_test.trips"), output)
                .withWhere("id IN (SELECT length(value) FROM text.`/etc/passwd`)")))
                .isInstanceOf(CarraraException.class).hasMessageContaining("reads a file path as a table");
        assertThat(System.getProperty("carrara.export.ran")).isNull();
        assertThat(output).doesNotExist();
    }

    @Test
    void aViewOutsideTheAcceptedSqlIsNotExportedOrCounted() {
        spark.sql("CREATE OR REPLACE VIEW io_test.reflecting AS SELECT id,"
                + " reflect('java.lang.System', 'setProperty', 'carrara.view.ran', 'yes') AS ran FROM io_test.trips");

        assertThatThrownBy(() -> tables.export(ExportRequest.of(table("io_test.reflecting"), temporary.resolve("view.jsonl"))))
                .isInstanceOfSatisfying(CarraraException.class, e -> assertThat(e.errorCode())
                        .isEqualTo(SparkErrorCode.SQL_REFUSED.toErrorCode()))
                .hasMessageContaining("reads view io_test.reflecting");
        assertThatThrownBy(() -> tables.describe(table("io_test.reflecting"), true)).isInstanceOf(CarraraException.class);
        assertThat(System.getProperty("carrara.view.ran")).isNull();
    }

    @Test
    void aConfinedCatalogRefusesTablesOutsideItsWarehouse() {
        spark.sql("CREATE TABLE IF NOT EXISTS io_test.elsewhere (id INT) USING parquet LOCATION '"
                + temporary.resolve("elsewhere").toUri() + "'");
        SparkTables confined = new SparkTables(spark, SqlPolicy.of(Optional.of(spark.conf().get("spark.sql.warehouse.dir"))));

        assertThat(confined.export(ExportRequest.of(table("io_test.trips"), temporary.resolve("in.jsonl")).withWhere("id >= 0"))
                .rows()).isEqualTo(spark.table("io_test.trips").where("id >= 0").count()).isPositive();
        assertThatThrownBy(() -> confined.export(ExportRequest.of(table("io_test.elsewhere"), temporary.resolve("out.jsonl"))))
                .isInstanceOf(CarraraException.class).hasMessageContaining("outside the server's warehouse");
    }

    private static TableName table(String name) {
        return TableName.parse(name, "table");
    }

    private static List<Row> sorted(List<Row> rows) {
        return rows.stream().sorted(Comparator.comparingInt(row -> row.<Integer>getAs("id"))).toList();
    }
}
