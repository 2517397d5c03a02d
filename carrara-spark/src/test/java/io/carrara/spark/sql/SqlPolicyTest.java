package io.carrara.spark.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.spark.SparkErrorCode;
import io.carrara.spark.batch.CatalogSpark;
import io.carrara.spi.error.CarraraException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The accepted SQL on local Spark with the Hive catalog: each attack is refused with SQL_REFUSED
 * naming the construct and the field, and its side effect is shown not to have happened; ordinary
 * analytic SQL still runs and answers the right rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlPolicyTest {
    /** Set by reflect(...) if a refused call ever ran. */
    private static final String RAN = "carrara.policy.ran";
    private static final String SET_RAN = "reflect('java.lang.System', 'setProperty', '" + RAN + "', 'yes')";

    @TempDir
    static Path temporary;

    private SparkSession spark;
    private SqlPolicy policy;

    @BeforeAll
    void createTables() {
        spark = CatalogSpark.session();
        spark.sql("DROP DATABASE IF EXISTS policy_test CASCADE");
        spark.sql("CREATE DATABASE policy_test");
        spark.sql("CREATE TABLE policy_test.trips (id INT, city STRING, ds STRING, fare DOUBLE, tags ARRAY<STRING>) USING parquet");
        spark.sql("INSERT INTO policy_test.trips VALUES (1, 'Turin', '2026-11-01', 10.0, array('a', 'b')),"
                + " (2, 'Turin', '2026-11-02', 20.0, array('c')), (3, 'Milan', '2026-11-02', 30.0, array()),"
                + " (4, 'Rome', '2026-11-03', 40.0, array('d', 'e', 'f'))");
        spark.sql("CREATE TABLE policy_test.cities (city STRING, region STRING) USING parquet");
        spark.sql("INSERT INTO policy_test.cities VALUES ('Turin', 'Piedmont'), ('Milan', 'Lombardy')");
        // What an older catalog might hold: created directly, as user SQL no longer can.
        spark.sql("CREATE VIEW policy_test.reflecting AS SELECT id, " + SET_RAN + " AS ran FROM policy_test.trips");
        spark.sql("CREATE VIEW policy_test.turin AS SELECT id, fare FROM policy_test.trips WHERE city = 'Turin'");
        spark.sql("CREATE TABLE policy_test.outside (id INT) USING parquet LOCATION '" + temporary.resolve("outside").toUri() + "'");
        spark.sql("INSERT INTO policy_test.outside VALUES (1)");
        policy = SqlPolicy.of(Optional.of(spark.conf().get("spark.sql.warehouse.dir")));
    }

    @AfterEach
    void nothingRan() {
        assertThat(System.getProperty(RAN)).as("a refused reflect call ran").isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"reflect", "java_method", "try_reflect"})
    void reflectiveCallsAreRefusedInAQueryAndNeverRun(String function) {
        String call = function + "('java.lang.System', 'setProperty', '" + RAN + "', 'yes')";

        refused(() -> policy.query(spark, "SELECT " + call + " AS x", "query"), "query", "calls the function " + function)
                .hasMessageContaining("runs a Java method named in the SQL text");
        refused(() -> policy.query(spark, "SELECT * FROM policy_test.trips WHERE id = length(" + call + ")", "sql"), "sql",
                function);
        refused(() -> policy.checkQuery("SELECT " + call, "query"), "query", function);
    }

    @Test
    void reflectiveCallsAreRefusedInAConditionAndNeverRun() {
        Dataset<Row> trips = spark.table("policy_test.trips");

        refused(() -> policy.where(trips, SET_RAN + " IS NOT NULL", "where"), "where", "calls the function reflect")
                .hasMessageStartingWith("the condition given in 'where' calls the function reflect");
        refused(() -> policy.checkExpression("id > 0 OR " + SET_RAN + " = 'x'", "where"), "where", "reflect");
    }

    @Test
    void functionsAreFoundWhereverTheyHide() {
        for (String sql : List.of(
                "WITH c AS (SELECT " + SET_RAN + " AS x) SELECT * FROM c",
                "SELECT * FROM policy_test.trips WHERE id IN (SELECT length(" + SET_RAN + "))",
                "SELECT * FROM policy_test.trips WHERE EXISTS (SELECT 1 WHERE " + SET_RAN + " IS NULL)",
                "SELECT (SELECT " + SET_RAN + ") AS x",
                "SELECT * FROM VALUES (1, " + SET_RAN + ") AS v(a, b)",
                "SELECT transform(tags, t -> " + SET_RAN + ") FROM policy_test.trips",
                "SELECT sum(fare) OVER (PARTITION BY " + SET_RAN + ") FROM policy_test.trips",
                "SELECT * FROM policy_test.trips t, LATERAL (SELECT " + SET_RAN + " AS x)",
                "SELECT * FROM range(length(" + SET_RAN + "))",
                "SELECT * FROM policy_test.trips LATERAL VIEW explode(array(" + SET_RAN + ")) e AS x",
                "SELECT city, count(*) FROM policy_test.trips GROUP BY city HAVING max(" + SET_RAN + ") IS NULL",
                "SELECT * FROM policy_test.trips ORDER BY " + SET_RAN,
                "SELECT sum(fare) OVER w FROM policy_test.trips WINDOW w AS (ORDER BY " + SET_RAN + ")",
                "SELECT /*+ REPARTITION(" + SET_RAN + ") */ * FROM policy_test.trips",
                "FROM policy_test.trips |> WHERE " + SET_RAN + " IS NULL")) {
            refused(() -> policy.query(spark, sql, "query"), "query", "reflect");
        }
    }

    @Test
    void aFunctionNamedByIdentifierOrQualifiedOrUnknownIsRefused() {
        refused(() -> policy.query(spark, "SELECT IDENTIFIER('reflect')('java.lang.System', 'getProperty', 'user.home')", "query"),
                "query", "IDENTIFIER(...)");
        refused(() -> policy.query(spark, "SELECT policy_test.anything(id) FROM policy_test.trips", "query"), "query",
                "calls the function policy_test.anything by a qualified name");
        refused(() -> policy.query(spark, "SELECT system.builtin.upper(city) FROM policy_test.trips", "query"), "query",
                "qualified name");
        refused(() -> policy.query(spark, "SELECT no_such_function(id) FROM policy_test.trips", "query"), "query",
                "calls the function no_such_function")
                .hasMessageContaining("not one of Spark's builtin functions that Carrara accepts");
    }

    @Test
    void userDefinedFunctionsAreRefusedBeforeAndAfterAnalysis() {
        spark.udf().register("carrara_udf", (UDF1<Integer, Integer>) value -> {
            System.setProperty(RAN, "yes");
            return value;
        }, DataTypes.IntegerType);
        refused(() -> policy.query(spark, "SELECT carrara_udf(id) FROM policy_test.trips", "query"), "query",
                "calls the function carrara_udf");

        // A persistent Hive function and a view over it, created directly as an older catalog might hold them.
        spark.sql("CREATE FUNCTION IF NOT EXISTS policy_test.shout AS 'org.apache.hadoop.hive.ql.udf.generic.GenericUDFUpper'");
        spark.sql("CREATE OR REPLACE VIEW policy_test.shouting AS SELECT policy_test.shout(city) AS city FROM policy_test.trips");
        refused(() -> policy.query(spark, "SELECT policy_test.shout(city) FROM policy_test.trips", "query"), "query",
                "qualified name");
        refused(() -> policy.query(spark, "SELECT * FROM policy_test.shouting", "query"), "query",
                "reads view policy_test.shouting, whose definition calls the user-defined function");
    }

    @Test
    void aViewWhoseBodyIsRefusedIsRefusedWhenReadAndDoesNotRun() {
        refused(() -> policy.query(spark, "SELECT * FROM policy_test.reflecting", "query"), "query",
                "reads view policy_test.reflecting, whose definition calls the function reflect,");
        refused(() -> policy.where(spark.table("policy_test.reflecting"), "id > 0", "where"), "where", "reflecting");
        refused(() -> policy.checkRows(spark.table("policy_test.reflecting"), "table"), "table", "reflecting");
        // A view within the accepted SQL reads as its tables do.
        assertThat(policy.query(spark, "SELECT sum(fare) FROM policy_test.turin", "query").first().getDouble(0)).isEqualTo(30.0);
    }

    @Test
    void filesAreNotReadAsTables() {
        refused(() -> policy.query(spark, "SELECT * FROM text.`/etc/passwd`", "query"), "query", "reads a file path as a table")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("/etc/passwd"));
        refused(() -> policy.query(spark, "SELECT * FROM parquet.`" + temporary.resolve("outside") + "`", "query"), "query",
                "file path");
        // Rows that come from files rather than the catalog are refused on the analysed plan.
        Dataset<Row> files = spark.read().parquet(temporary.resolve("outside").toString());
        refused(() -> policy.where(files, "id > 0", "where"), "where", "reads files directly instead of a table of the catalog");
        refused(() -> policy.query(spark, "SELECT * FROM policy_test.trips WITH ('path' = '/etc')", "query"), "query",
                "gives table options (WITH (...)) to policy_test.trips");
    }

    @Test
    void tableFunctionsOtherThanRangeAndTheGeneratorsAreRefused() {
        refused(() -> policy.query(spark, "SELECT * FROM read_files('/etc')", "query"), "query",
                "calls the table function read_files");
        refused(() -> policy.query(spark, "SELECT * FROM python_worker_logs()", "query"), "query",
                "calls the table function python_worker_logs");
        refused(() -> policy.query(spark, "SELECT * FROM sql_keywords()", "query"), "query", "sql_keywords");
    }

    @Test
    void aTableOutsideTheWarehouseIsRefusedWhenConfined() {
        refused(() -> policy.query(spark, "SELECT * FROM policy_test.outside", "query"), "query",
                "reads table policy_test.outside, whose data lies outside the server's warehouse")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(temporary.toString()));
        refused(() -> policy.where(spark.table("policy_test.outside"), "id = 1", "where"), "where", "policy_test.outside");
        refused(() -> policy.query(spark, "SELECT * FROM policy_test.trips WHERE id IN (SELECT id FROM policy_test.outside)",
                "query"), "query", "policy_test.outside");

        SqlPolicy unconfined = SqlPolicy.of(Optional.empty());
        assertThat(unconfined.query(spark, "SELECT * FROM policy_test.outside", "query").count()).isEqualTo(1);
    }

    @Test
    void dropTableIsRefusedAndTheTableStays() {
        refused(() -> policy.query(spark, "DROP TABLE policy_test.cities", "query"), "query", "uses DROP TABLE");
        refused(() -> policy.checkQuery("DROP TABLE policy_test.cities", "sql"), "sql", "uses DROP TABLE");
        assertThat(spark.catalog().tableExists("policy_test.cities")).isTrue();
    }

    @Test
    void insertOverwriteDirectoryIsRefusedAndNoDirectoryIsWritten() {
        Path directory = temporary.resolve("written");
        for (String sql : List.of("INSERT OVERWRITE DIRECTORY '" + directory + "' USING parquet SELECT * FROM policy_test.trips",
                "INSERT OVERWRITE LOCAL DIRECTORY '" + directory + "' SELECT * FROM policy_test.trips")) {
            refused(() -> policy.query(spark, sql, "query"), "query", "uses INSERT OVERWRITE DIRECTORY")
                    .hasMessageContaining("Carrara writes the output table itself");
        }
        assertThat(directory).doesNotExist();
    }

    @Test
    void createTableWithALocationIsRefusedAndNoTableIsCreated() {
        refused(() -> policy.query(spark, "CREATE TABLE policy_test.etc (value STRING) USING text LOCATION '/etc'", "query"),
                "query", "uses CREATE TABLE");
        refused(() -> policy.query(spark, "CREATE TABLE policy_test.copy AS SELECT * FROM policy_test.trips", "query"), "query",
                "uses CREATE TABLE ... AS SELECT");
        refused(() -> policy.query(spark, "INSERT INTO policy_test.cities VALUES ('Rome', 'Lazio')", "query"), "query",
                "uses INSERT INTO");
        refused(() -> policy.query(spark, "WITH c AS (SELECT 'Rome', 'Lazio') INSERT INTO policy_test.cities SELECT * FROM c",
                "query"), "query", "uses INSERT INTO");
        refused(() -> policy.query(spark, "FROM policy_test.trips INSERT INTO policy_test.cities SELECT city, city", "query"),
                "query", "uses INSERT INTO");
        refused(() -> policy.query(spark, "SELECT * FROM policy_test.trips VERSION AS OF 1", "query"), "query",
                "uses VERSION AS OF / TIMESTAMP AS OF");
        assertThat(spark.catalog().tableExists("policy_test.etc")).isFalse();
        assertThat(spark.catalog().tableExists("policy_test.copy")).isFalse();
        assertThat(spark.table("policy_test.cities").count()).isEqualTo(2);
    }

    @Test
    void settingsAndSessionStateAreNotChanged() {
        String partitions = spark.conf().get("spark.sql.shuffle.partitions");
        refused(() -> policy.query(spark, "SET spark.sql.shuffle.partitions=7", "query"), "query", "uses SET")
                .hasMessageContaining("cannot change the settings");
        refused(() -> policy.query(spark, "SET spark.sql.runSQLOnFiles=true", "query"), "query", "uses SET");
        refused(() -> policy.query(spark, "RESET", "query"), "query", "uses RESET");
        refused(() -> policy.query(spark, "USE policy_test", "query"), "query", "uses USE");
        refused(() -> policy.query(spark, "DECLARE VARIABLE v INT DEFAULT 1", "query"), "query", "uses DECLARE VARIABLE");
        refused(() -> policy.query(spark, "CACHE TABLE policy_test.trips", "query"), "query", "uses CACHE TABLE");
        assertThat(spark.conf().get("spark.sql.shuffle.partitions")).isEqualTo(partitions);
        assertThat(spark.conf().get("spark.sql.runSQLOnFiles")).isEqualTo("false");
        assertThat(spark.catalog().currentDatabase()).isEqualTo("default");
    }

    @Test
    void codeAndProgramsAreNotLoadedOrRun() {
        Path marker = temporary.resolve("transformed");
        refused(() -> policy.query(spark, "SELECT TRANSFORM(id) USING 'touch " + marker + "' AS (x) FROM policy_test.trips",
                "query"), "query", "uses TRANSFORM ... USING").hasMessageContaining("runs a program on the server");
        refused(() -> policy.query(spark, "ADD JAR " + temporary.resolve("evil.jar"), "query"), "query", "uses ADD JAR");
        refused(() -> policy.query(spark, "ADD FILE /etc/passwd", "query"), "query", "uses ADD FILE");
        refused(() -> policy.query(spark, "LIST FILES", "query"), "query", "uses LIST FILE");
        refused(() -> policy.query(spark, "CREATE FUNCTION policy_test.evil AS 'x.Evil' USING JAR '/tmp/evil.jar'", "query"),
                "query", "uses CREATE FUNCTION");
        refused(() -> policy.query(spark, "EXECUTE IMMEDIATE 'DROP TABLE policy_test.cities'", "query"), "query",
                "uses EXECUTE IMMEDIATE");
        refused(() -> policy.query(spark, "BEGIN DROP TABLE policy_test.cities; END", "query"), "query",
                "uses a SQL script (BEGIN ... END)");
        assertThat(marker).doesNotExist();
        assertThat(spark.catalog().tableExists("policy_test.cities")).isTrue();
        assertThat(spark.catalog().functionExists("policy_test.evil")).isFalse();
    }

    @Test
    void aSecondStatementDoesNotParse() {
        assertThatThrownBy(() -> policy.query(spark, "SELECT 1; DROP TABLE policy_test.cities", "query"))
                .isInstanceOfSatisfying(CarraraException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(SparkErrorCode.QUERY_INVALID.toErrorCode());
                    assertThat(e.field()).contains("query");
                    assertThat(e.getMessage()).startsWith("the query given in 'query' does not parse:");
                });
        assertThat(spark.catalog().tableExists("policy_test.cities")).isTrue();
    }

    @Test
    void theServersEnvironmentAndSettingsAreNotSubstitutedIntoTheText() {
        Row row = policy.query(spark, "SELECT '${env:PATH}' AS path, '${system:user.home}' AS home,"
                + " '${spark.sql.warehouse.dir}' AS warehouse", "query").first();

        assertThat(List.of(row.getString(0), row.getString(1), row.getString(2)))
                .containsExactly("${env:PATH}", "${system:user.home}", "${spark.sql.warehouse.dir}");
    }

    @Test
    void bareWordsThatAnalysisTurnsIntoRefusedFunctionsAreRefused() {
        refused(() -> policy.query(spark, "SELECT current_user", "query"), "query", "calls the function current_user")
                .hasMessageContaining("reveals the server's operating-system user");
        refused(() -> policy.where(spark.table("policy_test.trips"), "city = user", "where"), "where", "current_user");
    }

    @Test
    void overlongTextIsRefusedBeforeParsing() {
        String query = "SELECT 1 AS x" + " ".repeat(SqlPolicy.MAX_QUERY_LENGTH);
        refused(() -> policy.checkQuery(query, "query"), "query", "has 100013 characters")
                .hasMessageContaining("the limit is 100000");
        refused(() -> policy.where(spark.table("policy_test.trips"), "id > 0" + " ".repeat(SqlPolicy.MAX_CONDITION_LENGTH),
                "where"), "where", "the limit is 10000");
    }

    @Test
    void deepNestingIsRefusedBeforeParsingOrInvalidRatherThanACrash() {
        String nested = "(".repeat(20_000) + "1" + ")".repeat(20_000);
        refused(() -> policy.checkQuery("SELECT " + nested, "query"), "query", "nests parentheses 20000 deep")
                .hasMessageContaining("the limit is 200");
        assertThat(SqlPolicy.nesting("SELECT ((1)), '((((', \"(((\", `(((`, 'it\\'s (' -- (((\n /* ((( */ (2)")).isEqualTo(2);

        String cases = "SELECT " + "CASE WHEN id > 0 THEN ".repeat(1_000) + "1" + " END".repeat(1_000) + " FROM t";
        assertThatThrownBy(() -> policy.checkQuery(cases, "query")).isInstanceOfSatisfying(CarraraException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(SparkErrorCode.QUERY_INVALID.toErrorCode());
            assertThat(e.getMessage()).contains("nests too deeply");
        });
    }

    @Test
    void syntaxErrorsAndUnknownTablesKeepTheirCodes() {
        assertThatThrownBy(() -> policy.checkQuery("SELEC * FROM t", "query")).isInstanceOfSatisfying(CarraraException.class,
                e -> assertThat(e.errorCode()).isEqualTo(SparkErrorCode.QUERY_INVALID.toErrorCode()));
        assertThatThrownBy(() -> policy.query(spark, "SELECT * FROM policy_test.nothing", "query"))
                .isInstanceOfSatisfying(CarraraException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(SparkErrorCode.TABLE_NOT_FOUND.toErrorCode());
                    assertThat(e.field()).contains("query");
                });
        assertThatThrownBy(() -> policy.where(spark.table("policy_test.trips"), "no_column > 1", "where"))
                .isInstanceOfSatisfying(CarraraException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(SparkErrorCode.QUERY_INVALID.toErrorCode());
                    assertThat(e.field()).contains("where");
                });
        assertThatThrownBy(() -> policy.checkExpression(" ", "where")).isInstanceOfSatisfying(CarraraException.class,
                e -> assertThat(e.getMessage()).isEqualTo("the condition given in 'where' is empty"));
    }

    @Test
    void aSessionThatRunsSqlOnFilesIsNotUsed() {
        SparkSession careless = spark.newSession();
        careless.conf().set("spark.sql.runSQLOnFiles", "true");
        assertThatThrownBy(() -> policy.query(careless, "SELECT 1", "query")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("spark.sql.runSQLOnFiles=true");
    }

    @Test
    void analyticQueriesRun() {
        assertThat(rows("SELECT t.city, c.region, count(*) AS trips, sum(fare) AS fares FROM policy_test.trips t"
                + " JOIN policy_test.cities c ON t.city = c.city GROUP BY t.city, c.region HAVING count(*) > 0 ORDER BY t.city"))
                .containsExactly("[Milan,Lombardy,1,30.0]", "[Turin,Piedmont,2,30.0]");
        assertThat(rows("WITH daily AS (SELECT ds, sum(fare) AS fares FROM policy_test.trips GROUP BY ds)"
                + " SELECT ds, fares, sum(fares) OVER (ORDER BY ds ROWS UNBOUNDED PRECEDING) AS running,"
                + " rank() OVER (ORDER BY fares DESC) AS place, lag(fares) OVER (ORDER BY ds) AS previous FROM daily ORDER BY ds"))
                .containsExactly("[2026-11-01,10.0,10.0,3,null]", "[2026-11-02,50.0,60.0,1,10.0]",
                        "[2026-11-03,40.0,100.0,2,50.0]");
        assertThat(rows("SELECT id FROM policy_test.trips WHERE city IN (SELECT city FROM policy_test.cities)"
                + " AND EXISTS (SELECT 1 FROM policy_test.cities c WHERE c.city = trips.city)"
                + " AND fare <= (SELECT max(fare) FROM policy_test.trips WHERE city = 'Turin') ORDER BY id"))
                .containsExactly("[1]", "[2]");
        assertThat(rows("SELECT id, CASE WHEN fare > 25 THEN 'high' ELSE 'low' END AS band, CAST(fare AS INT) AS whole,"
                + " date_add(to_date(ds), 1) AS next_day, year(to_date(ds)) AS year, upper(city) AS city"
                + " FROM policy_test.trips WHERE ds >= '2026-11-02' AND ds < '2026-11-03' ORDER BY id"))
                .containsExactly("[2,low,20,2026-11-03,2026,TURIN]", "[3,high,30,2026-11-03,2026,MILAN]");
        assertThat(rows("SELECT id, transform(tags, t -> upper(t)) AS upper_tags, filter(tags, t -> t <> 'a') AS others,"
                + " aggregate(tags, 0, (n, t) -> n + 1) AS n FROM policy_test.trips WHERE id = 1"))
                .containsExactly("[1,ArraySeq(A, B),ArraySeq(b),2]");
        assertThat(rows("SELECT id, tag FROM policy_test.trips LATERAL VIEW explode(tags) t AS tag WHERE id = 4 ORDER BY tag"))
                .containsExactly("[4,d]", "[4,e]", "[4,f]");
        assertThat(rows("SELECT * FROM VALUES (1, 'one'), (2, 'two') AS v(n, word) UNION ALL SELECT id, city FROM"
                + " policy_test.trips WHERE id = 1 ORDER BY n, word LIMIT 2"))
                .containsExactly("[1,Turin]", "[1,one]");
        assertThat(rows("SELECT /*+ BROADCAST(c) */ city, region FROM policy_test.cities c ORDER BY city OFFSET 1"))
                .containsExactly("[Turin,Piedmont]");
        assertThat(rows("SELECT * FROM range(3)")).containsExactly("[0]", "[1]", "[2]");
        assertThat(rows("SELECT * FROM (SELECT city, fare FROM policy_test.trips) PIVOT (sum(fare) FOR city IN ('Turin', 'Rome'))"))
                .containsExactly("[30.0,40.0]");
        assertThat(rows("SELECT city, ds, count(*) FROM policy_test.trips GROUP BY GROUPING SETS ((city, ds), ()) ORDER BY 1, 2"))
                .hasSize(5);
        assertThat(rows("SELECT current_database(), typeof(fare), coalesce(NULL, 1) FROM policy_test.trips LIMIT 1"))
                .containsExactly("[default,double,1]");
        assertThat(rows("FROM policy_test.trips |> WHERE fare > 15 |> AGGREGATE count(*) AS n"))
                .containsExactly("[3]");
        assertThat(rows("SELECT count(*) FROM policy_test.trips;")).containsExactly("[4]");
        assertThat(rows("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r"))
                .containsExactly("[1]", "[2]", "[3]");
    }

    @Test
    void aWorkflowStepWithRenderedDatesRuns() {
        String rendered = "SELECT city, sum(fare) AS fares FROM policy_test.trips WHERE ds >= '2026-11-01' AND ds < '2026-11-03'"
                + " AND to_date(ds) < DATE'2026-11-03' GROUP BY city ORDER BY city";
        policy.checkQuery(rendered, "sql");
        assertThat(policy.query(spark, rendered, "sql").collectAsList()).extracting(Row::toString)
                .containsExactly("[Milan,30.0]", "[Turin,30.0]");
    }

    @Test
    void aConditionFiltersTheRows() {
        Dataset<Row> rows = policy.where(spark.table("policy_test.trips"),
                "city = 'Turin' AND fare > 15 OR id IN (SELECT 4) OR array_contains(tags, 'z')", "where");
        assertThat(rows.select("id").collectAsList()).extracting(Row::toString).containsExactlyInAnyOrder("[2]", "[4]");
        policy.checkExpression("execution_date = DATE'2026-11-01' AND prediction = 1", "where");
    }

    @Test
    void constructsAreNamedInWords() {
        assertThat(SqlConstructs.words("AlterTableAddColumnsCommand")).isEqualTo("ALTER TABLE ADD COLUMNS");
        assertThat(SqlConstructs.words("DropTable")).isEqualTo("DROP TABLE");
        assertThat(SqlConstructs.words("ShowTables")).isEqualTo("SHOW TABLES");
        refused(() -> policy.checkQuery("ALTER TABLE policy_test.trips ADD COLUMNS (x INT)", "query"), "query",
                "uses ALTER TABLE ADD COLUMNS");
        refused(() -> policy.checkQuery("SHOW TABLES", "query"), "query", "uses SHOW TABLES");
        refused(() -> policy.checkQuery("EXPLAIN SELECT 1", "query"), "query", "uses EXPLAIN");
        refused(() -> policy.checkQuery("DELETE FROM policy_test.trips WHERE id = 1", "query"), "query", "uses DELETE");
    }

    private List<String> rows(String sql) {
        policy.checkQuery(sql, "query");
        return policy.query(spark, sql, "query").collectAsList().stream().map(Row::toString).toList();
    }

    /** Asserts a SQL_REFUSED for {@code field} naming {@code construct}, with no Java class name or server path. */
    static AbstractThrowableAssert<?, ? extends Throwable> refused(ThrowingCallable call, String field, String construct) {
        return assertThatThrownBy(call).isInstanceOfSatisfying(CarraraException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(SparkErrorCode.SQL_REFUSED.toErrorCode());
            assertThat(e.field()).contains(field);
            assertThat(e.getMessage()).contains(construct).contains("'" + field + "'").contains("docs/batch.md#accepted-sql")
                    .doesNotContainPattern("org\\.apache|io\\.carrara|Command\\b|\\$")
                    .doesNotContain(CatalogSpark.home().toString());
        });
    }
}
