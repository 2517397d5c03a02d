package io.carrara.spark.sql;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.catalyst.plans.logical.AlterTableCommand;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.InsertIntoStatement;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;

/**
 * Names a refused plan node in the user's words ("INSERT OVERWRITE DIRECTORY", "SET", "ADD JAR")
 * and says why it is refused, so that a refusal never shows a Java class name.
 */
final class SqlConstructs {
    static final String ONLY_READS = "a query only reads; Carrara writes the output table itself";
    static final String SETTINGS = "user SQL cannot change the settings of the server's Spark session";
    static final String LOADS = "user SQL cannot load code or files into the server";
    static final String ONE_STATEMENT = "Carrara runs one query, not a script";

    /** A construct's words and reason. */
    record Construct(String words, String why) {
        Construct {
            requireNonNull(words, "words is null");
            requireNonNull(why, "why is null");
        }
    }

    /**
     * Spark's plan node for a statement, by simple class name, to its SQL. Nodes not listed here
     * are named from their class name ({@code DropTable} is DROP TABLE, {@code AlterTableAddColumnsCommand}
     * is ALTER TABLE ADD COLUMNS), which is how Spark names its statement nodes.
     */
    private static final Map<String, Construct> NAMED = Map.ofEntries(
            Map.entry("InsertIntoDir", new Construct("INSERT OVERWRITE DIRECTORY", ONLY_READS)),
            Map.entry("InsertIntoDataSourceDirCommand", new Construct("INSERT OVERWRITE DIRECTORY", ONLY_READS)),
            Map.entry("InsertIntoHiveDirCommand", new Construct("INSERT OVERWRITE DIRECTORY", ONLY_READS)),
            Map.entry("ScriptTransformation", new Construct("TRANSFORM ... USING", "it runs a program on the server")),
            Map.entry("SetCommand", new Construct("SET", SETTINGS)),
            Map.entry("ResetCommand", new Construct("RESET", SETTINGS)),
            Map.entry("SetVariable", new Construct("SET VARIABLE", SETTINGS)),
            Map.entry("SetNamespaceCommand", new Construct("USE", SETTINGS)),
            Map.entry("SetCatalogAndNamespace", new Construct("USE", SETTINGS)),
            Map.entry("SetCatalogCommand", new Construct("SET CATALOG", SETTINGS)),
            Map.entry("CreateVariable", new Construct("DECLARE VARIABLE", SETTINGS)),
            Map.entry("DropVariable", new Construct("DROP TEMPORARY VARIABLE", SETTINGS)),
            Map.entry("AddJarsCommand", new Construct("ADD JAR", LOADS)),
            Map.entry("AddFilesCommand", new Construct("ADD FILE", LOADS)),
            Map.entry("AddArchivesCommand", new Construct("ADD ARCHIVE", LOADS)),
            Map.entry("ListJarsCommand", new Construct("LIST JAR", "it reveals the server's files")),
            Map.entry("ListFilesCommand", new Construct("LIST FILE", "it reveals the server's files")),
            Map.entry("ListArchivesCommand", new Construct("LIST ARCHIVE", "it reveals the server's files")),
            Map.entry("CreateFunction", new Construct("CREATE FUNCTION", LOADS)),
            Map.entry("CreateUserDefinedFunction", new Construct("CREATE FUNCTION", LOADS)),
            Map.entry("CreateFunctionCommand", new Construct("CREATE FUNCTION", LOADS)),
            Map.entry("CreateTable", new Construct("CREATE TABLE", ONLY_READS)),
            Map.entry("CreateTableAsSelect", new Construct("CREATE TABLE ... AS SELECT", ONLY_READS)),
            Map.entry("CreateTableLikeCommand", new Construct("CREATE TABLE ... LIKE", ONLY_READS)),
            Map.entry("CreateTempViewUsing", new Construct("CREATE TEMPORARY VIEW ... USING", ONLY_READS)),
            Map.entry("CreateViewCommand", new Construct("CREATE VIEW", ONLY_READS)),
            Map.entry("UnresolvedExecuteImmediate", new Construct("EXECUTE IMMEDIATE",
                    "it runs SQL text that cannot be checked before it runs")),
            Map.entry("CompoundBody", new Construct("a SQL script (BEGIN ... END)", ONE_STATEMENT)),
            Map.entry("CacheTableAsSelect", new Construct("CACHE TABLE", "user SQL cannot change the server's cache")),
            Map.entry("CacheTable", new Construct("CACHE TABLE", "user SQL cannot change the server's cache")),
            Map.entry("UncacheTable", new Construct("UNCACHE TABLE", "user SQL cannot change the server's cache")),
            Map.entry("ClearCacheCommand", new Construct("CLEAR CACHE", "user SQL cannot change the server's cache")),
            Map.entry("ExplainCommand", new Construct("EXPLAIN", "it is a statement, not a query")),
            Map.entry("DescribeQueryCommand", new Construct("DESCRIBE QUERY", "it is a statement, not a query")),
            Map.entry("SetTableLocation", new Construct("ALTER TABLE ... SET LOCATION", ONLY_READS)),
            Map.entry("RepairTable", new Construct("MSCK REPAIR TABLE", ONLY_READS)),
            Map.entry("DeleteFromTable", new Construct("DELETE", ONLY_READS)),
            Map.entry("UpdateTable", new Construct("UPDATE", ONLY_READS)),
            Map.entry("MergeIntoTable", new Construct("MERGE INTO", ONLY_READS)),
            Map.entry("LoadData", new Construct("LOAD DATA", ONLY_READS)),
            Map.entry("Call", new Construct("CALL", "it runs a stored procedure")),
            Map.entry("RelationTimeTravel", new Construct("VERSION AS OF / TIMESTAMP AS OF",
                    "Carrara reads a table's current data")),
            Map.entry("PlanWithUnresolvedIdentifier", new Construct("IDENTIFIER(...)",
                    "a table's name must be written in the SQL, so that it can be checked before it runs")),
            Map.entry("SQLFunctionNode", new Construct("a user-defined SQL table function", "only builtin functions are accepted")),
            Map.entry("StreamingRelationV2", new Construct("STREAM", "Carrara reads tables, not streams")),
            Map.entry("StreamingRelation", new Construct("STREAM", "Carrara reads tables, not streams")));

    private SqlConstructs() {
    }

    static Construct describe(LogicalPlan node) {
        String name = node.getClass().getSimpleName();
        if (node instanceof InsertIntoStatement insert) {
            return new Construct(insert.overwrite() ? "INSERT OVERWRITE" : "INSERT INTO", ONLY_READS);
        }
        Construct named = NAMED.get(name);
        if (named != null) {
            return named;
        }
        String words = words(name);
        if (node instanceof AlterTableCommand && !words.startsWith("ALTER")) {
            words = "ALTER TABLE " + words;
        }
        boolean statement = node instanceof Command || name.endsWith("Command") || name.endsWith("Statement");
        if (statement) {
            String why = words.startsWith("SHOW") || words.startsWith("DESCRIBE") ? "it is a statement, not a query" : ONLY_READS;
            return new Construct(words, why);
        }
        return new Construct("a " + words.toLowerCase(Locale.ROOT) + " clause", "it is not part of the query language Carrara accepts");
    }

    /** {@code AlterTableAddColumnsCommand} to "ALTER TABLE ADD COLUMNS". */
    static String words(String className) {
        String name = className.replaceFirst("^Unresolved", "").replaceFirst("(Command|Statement|Exec)$", "");
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean boundary = i > 0 && Character.isUpperCase(c)
                    && (Character.isLowerCase(name.charAt(i - 1)) || i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1)));
            if (boundary) {
                words.append(' ');
            }
            words.append(Character.toUpperCase(c));
        }
        return words.toString();
    }
}
