package io.carrara.spark.sql;

import static java.util.Objects.requireNonNull;

import io.carrara.spark.SparkFailures;
import io.carrara.spark.sql.SqlSubject.Kind;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.CommandExecutionMode;
import org.apache.spark.sql.execution.QueryExecution;

/**
 * The SQL Carrara accepts from users (docs/batch.md#accepted-sql): a condition on a table's rows,
 * or one query whose result Carrara itself writes. The text is parsed by Spark's grammar and the
 * parsed plan checked against an allow-list before Spark sees it; then Spark analyses it, which runs
 * nothing, and the analysed plan is checked again before the rows are handed back to be run. A
 * refusal is a {@code SQL_REFUSED} error that names the construct and the field.
 * <pre>{@code
 * SqlPolicy policy = SqlPolicy.of(settings.warehouseLocation());
 * policy.checkQuery(job.query(), "query");                       // at submit time, no Spark needed
 * Dataset<Row> rows = policy.query(spark, job.query(), "query"); // at run time: checked, not yet run
 * Dataset<Row> some = policy.where(spark.table("ml.trips"), "city = 'Turin'", "where");
 * }</pre>
 * Never pass user SQL to {@code spark.sql}: it runs a statement (DROP TABLE, SET, ADD JAR) as soon
 * as it is parsed. Thread-safe.
 */
public final class SqlPolicy {
    /** Longest query text accepted, in characters; longer is refused before it is parsed. */
    public static final int MAX_QUERY_LENGTH = 100_000;
    /** Longest condition accepted, in characters. */
    public static final int MAX_CONDITION_LENGTH = 10_000;

    /**
     * Deepest nesting of parentheses accepted. Spark's parser takes seconds and then overflows its
     * stack on a few thousand levels, which a text within the length limit can hold.
     */
    public static final int MAX_NESTING = 200;

    private static final SqlTextParser PARSER = new SqlTextParser();
    private static final String RUN_SQL_ON_FILES = "spark.sql.runSQLOnFiles";

    private final Optional<URI> confinedTo;
    private final VettedFunctions functions;

    private SqlPolicy(Optional<URI> confinedTo) {
        this.confinedTo = confinedTo;
        this.functions = VettedFunctions.get();
    }

    /**
     * The policy for the server's catalog. With {@code confinedTo} (the warehouse directory or URI,
     * e.g. {@code file:///home/carrara/spark/warehouse}), tables whose data lies outside it are
     * refused too; without it, any table of the catalog may be read.
     */
    public static SqlPolicy of(Optional<String> confinedTo) {
        requireNonNull(confinedTo, "confinedTo is null");
        return new SqlPolicy(confinedTo.map(Confinement::directory));
    }

    /**
     * Checks a query's text without Spark's session, e.g. when a batch job or workflow is
     * submitted: it parses, and its parsed plan is within the accepted SQL. Tables, columns and
     * views are checked only when it runs ({@link #query}).
     *
     * @throws io.carrara.spi.error.CarraraException {@code SQL_REFUSED} naming the construct, or
     *     {@code QUERY_INVALID} when the text does not parse; both name {@code field}
     */
    public void checkQuery(String sql, String field) {
        SqlSubject subject = new SqlSubject(Kind.QUERY, requireNonNull(field, "field is null"));
        new ParsedPlanCheck(subject, functions).checkPlan(parseQuery(sql, subject));
    }

    /**
     * The tables a query names, as written ({@code [table]}, {@code [database, table]} or
     * {@code [catalog, database, table]}), its common table expressions left out where they are in scope; empty when
     * the text does not parse or is refused (then {@link #checkQuery} says why). Needs no Spark session.
     */
    public Set<List<String>> tablesRead(String sql) {
        SqlSubject subject = new SqlSubject(Kind.QUERY, "query");
        try {
            LogicalPlan parsed = parseQuery(sql, subject);
            new ParsedPlanCheck(subject, functions).checkPlan(parsed);
            return TablesRead.of(parsed);
        } catch (RuntimeException e) {
            return Set.of();
        }
    }

    /** As {@link #tablesRead}, for a condition (its subqueries name tables). */
    public Set<List<String>> tablesReadByCondition(String condition) {
        SqlSubject subject = new SqlSubject(Kind.CONDITION, "where");
        try {
            Expression parsed = parseCondition(condition, subject);
            new ParsedPlanCheck(subject, functions).checkExpression(parsed);
            return TablesRead.of(parsed);
        } catch (RuntimeException e) {
            return Set.of();
        }
    }

    /** Checks a condition's text without Spark's session, as {@link #checkQuery} does a query's. */
    public void checkExpression(String condition, String field) {
        SqlSubject subject = new SqlSubject(Kind.CONDITION, requireNonNull(field, "field is null"));
        new ParsedPlanCheck(subject, functions).checkExpression(parseCondition(condition, subject));
    }

    /**
     * The rows of a query, checked and analysed but not run: parses the text, checks the parsed
     * plan, has Spark analyse it (resolving tables, views and functions, which executes nothing),
     * and checks the analysed plan. The session must not run SQL on files
     * ({@code spark.sql.runSQLOnFiles=false}, as {@code CarraraSpark.session} sets it), since
     * analysis would already read a file named as a table.
     *
     * @throws io.carrara.spi.error.CarraraException {@code SQL_REFUSED}, {@code QUERY_INVALID} or
     *     {@code TABLE_NOT_FOUND}, naming {@code field}
     */
    public Dataset<Row> query(SparkSession spark, String sql, String field) {
        requireNonNull(spark, "spark is null");
        SqlSubject subject = new SqlSubject(Kind.QUERY, requireNonNull(field, "field is null"));
        org.apache.spark.sql.classic.SparkSession session = classic(spark);
        LogicalPlan parsed = spark.withActive(() -> parseQuery(sql, subject));
        new ParsedPlanCheck(subject, functions).checkPlan(parsed);
        return analyse(session, parsed, subject);
    }

    /**
     * {@code rows} filtered by a condition, checked as {@link #query} checks a query: the parsed
     * condition, then the analysed plan of the filtered rows (so a view among {@code rows} is
     * checked too).
     */
    public Dataset<Row> where(Dataset<Row> rows, String condition, String field) {
        requireNonNull(rows, "rows is null");
        SqlSubject subject = new SqlSubject(Kind.CONDITION, requireNonNull(field, "field is null"));
        org.apache.spark.sql.classic.SparkSession session = classic(rows.sparkSession());
        Expression parsed = rows.sparkSession().withActive(() -> parseCondition(condition, subject));
        new ParsedPlanCheck(subject, functions).checkExpression(parsed);
        LogicalPlan table = ((org.apache.spark.sql.classic.Dataset<Row>) rows).queryExecution().analyzed();
        return analyse(session, new Filter(parsed, table), subject);
    }

    /**
     * Checks rows Carrara read by name (e.g. {@code spark.table(name)} for an export): a view
     * among them must be defined within the accepted SQL, and a table must lie inside
     * {@code confinedTo}. Answers {@code rows}.
     */
    public Dataset<Row> checkRows(Dataset<Row> rows, String field) {
        requireNonNull(rows, "rows is null");
        SqlSubject subject = new SqlSubject(Kind.TABLE, requireNonNull(field, "field is null"));
        LogicalPlan analysed = ((org.apache.spark.sql.classic.Dataset<Row>) rows).queryExecution().analyzed();
        new AnalysedPlanCheck(subject, functions, confinedTo).check(analysed);
        return rows;
    }

    /** The directory tables must lie in, when there is one. */
    public Optional<URI> confinedTo() {
        return confinedTo;
    }

    private Dataset<Row> analyse(org.apache.spark.sql.classic.SparkSession session, LogicalPlan plan, SqlSubject subject) {
        // SKIP: even if a command slipped past the parsed check, building the execution must not run it.
        QueryExecution execution = session.sessionState().executePlan(plan, CommandExecutionMode.SKIP());
        LogicalPlan analysed;
        try {
            execution.assertAnalyzed();
            analysed = execution.analyzed();
        } catch (Exception e) {
            throw SparkFailures.explain(e, subject.field(), "the " + subject.noun());
        } catch (StackOverflowError e) {
            throw subject.invalid("nests too deeply for Spark to analyse; write it with fewer levels of nesting");
        }
        new AnalysedPlanCheck(subject, functions, confinedTo).check(analysed);
        // The plan is analysed already, so ofRows uses it as it is: what runs is what was checked.
        return org.apache.spark.sql.classic.Dataset.ofRows(session, analysed);
    }

    private static LogicalPlan parseQuery(String sql, SqlSubject subject) {
        String text = bounded(sql, MAX_QUERY_LENGTH, subject);
        try {
            return PARSER.parsePlan(text);
        } catch (Exception e) {
            throw unparsed(e, subject);
        } catch (StackOverflowError e) {
            throw subject.invalid("nests too deeply to parse; write it with fewer levels of nesting");
        }
    }

    private static Expression parseCondition(String condition, SqlSubject subject) {
        String text = bounded(condition, MAX_CONDITION_LENGTH, subject);
        try {
            return PARSER.parseExpression(text);
        } catch (Exception e) {
            throw unparsed(e, subject);
        } catch (StackOverflowError e) {
            throw subject.invalid("nests too deeply to parse; write it with fewer levels of nesting");
        }
    }

    /** Spark's parser throws ParseException, an AnalysisException, which Java sees as undeclared. */
    private static RuntimeException unparsed(Exception e, SqlSubject subject) {
        if (e instanceof AnalysisException analysis) {
            return subject.invalid("does not parse: " + SparkFailures.firstLine(analysis.getMessage()));
        }
        return e instanceof RuntimeException runtime ? runtime : new IllegalStateException("parsing failed", e);
    }

    private static String bounded(String text, int limit, SqlSubject subject) {
        requireNonNull(text, "text is null");
        if (text.isBlank()) {
            throw subject.invalid("is empty");
        }
        if (text.length() > limit) {
            throw subject.refuse("has " + text.length() + " characters", "the limit is " + limit);
        }
        int nesting = nesting(text);
        if (nesting > MAX_NESTING) {
            throw subject.refuse("nests parentheses " + nesting + " deep", "the limit is " + MAX_NESTING);
        }
        return text;
    }

    /** The deepest nesting of parentheses outside quotes and comments. */
    static int nesting(String text) {
        int depth = 0;
        int deepest = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                // Skip the quoted text; a backslash escapes the next character in strings, a doubled quote ends nothing.
                for (i++; i < text.length() && text.charAt(i) != c; i++) {
                    if (text.charAt(i) == '\\' && c != '`') {
                        i++;
                    }
                }
            } else if (c == '-' && text.startsWith("--", i)) {
                int end = text.indexOf('\n', i);
                i = end < 0 ? text.length() : end;
            } else if (c == '/' && text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                i = end < 0 ? text.length() : end + 1;
            } else if (c == '(') {
                deepest = Math.max(deepest, ++depth);
            } else if (c == ')') {
                depth = Math.max(0, depth - 1);
            }
        }
        return deepest;
    }

    private static org.apache.spark.sql.classic.SparkSession classic(SparkSession spark) {
        if (!(spark instanceof org.apache.spark.sql.classic.SparkSession session)) {
            throw new IllegalArgumentException("user SQL is checked in a classic Spark session, not a Spark Connect client");
        }
        // Analysis of a table name that is a path (json.`/etc/passwd`) would read the file, and
        // could echo its first line in an error, before the analysed plan can be refused.
        if (session.sessionState().conf().runSQLonFile()) {
            throw new IllegalStateException("the Spark session runs SQL on files (" + RUN_SQL_ON_FILES + "=true), so user SQL"
                    + " could read any file the server can; start it with CarraraSpark.session, which turns that off");
        }
        return session;
    }
}
