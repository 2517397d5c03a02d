package io.carrara.spark.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The tables a query names, found on its parsed plan without a Spark session: what access control checks. */
class TablesReadTest {
    private final SqlPolicy policy = SqlPolicy.of(Optional.empty());

    @Test
    void namesEveryTableOfJoinsSubqueriesAndUnions() {
        assertThat(policy.tablesRead("""
                SELECT t.*, c.name FROM demand.trips t JOIN ref.cities c ON t.city = c.id
                WHERE t.driver IN (SELECT id FROM hr.drivers) AND EXISTS (SELECT 1 FROM spark_catalog.fraud.flags f)
                UNION ALL SELECT * FROM trips_today""")).containsExactlyInAnyOrder(
                List.of("demand", "trips"), List.of("ref", "cities"), List.of("hr", "drivers"),
                List.of("spark_catalog", "fraud", "flags"), List.of("trips_today"));
    }

    @Test
    void leavesOutCommonTableExpressionsOnlyWhereTheyAreInScope() {
        assertThat(policy.tablesRead("""
                WITH recent AS (SELECT * FROM demand.trips), top AS (SELECT * FROM recent)
                SELECT * FROM top JOIN recent USING (id)""")).containsExactly(List.of("demand", "trips"));
        // A subquery in a WITH's own definition cannot see the names defined after it: "later" there is a table.
        assertThat(policy.tablesRead("""
                WITH early AS (SELECT * FROM later), later AS (SELECT 1 AS id) SELECT * FROM early""")).containsExactly(
                List.of("later"));
        // A name used outside the query its WITH heads is a table again.
        assertThat(policy.tablesRead("""
                SELECT * FROM (WITH secret AS (SELECT 1 AS id) SELECT * FROM secret) a JOIN secret b USING (id)"""))
                .containsExactly(List.of("secret"));
    }

    @Test
    void findsTablesInAConditionsSubqueries() {
        assertThat(policy.tablesReadByCondition("city = 'nyc' AND id IN (SELECT id FROM hr.salaries WHERE pay > 1)"))
                .containsExactly(List.of("hr", "salaries"));
        assertThat(policy.tablesReadByCondition("city = 'nyc'")).isEmpty();
    }

    @Test
    void textThatDoesNotParseOrIsRefusedNamesNothing() {
        assertThat(policy.tablesRead("SELECT FROM WHERE")).isEmpty();
        assertThat(policy.tablesRead("DROP TABLE demand.trips")).isEmpty();
    }
}
