package io.carrara.spark.sql;

import org.apache.spark.sql.catalyst.parser.AbstractSqlParser;
import org.apache.spark.sql.execution.SparkSqlAstBuilder;

/**
 * Spark's own SQL grammar and statement builder (the session parser's, so every statement parses
 * to the node Spark would run and can be named), without the session parser's variable
 * substitution: that replaces {@code ${env:NAME}}, {@code ${system:name}} and {@code ${spark.key}}
 * in the text with the server's environment, system properties and Spark settings (secrets among
 * them) before parsing, so a query could select them.
 */
final class SqlTextParser extends AbstractSqlParser {
    private final SparkSqlAstBuilder builder = new SparkSqlAstBuilder();

    @Override
    public SparkSqlAstBuilder astBuilder() {
        return builder;
    }
}
