package io.carrara.spark.sql;

import static io.carrara.spark.sql.ParsedPlanCheck.list;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.SubqueryAlias;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedWith;

/**
 * The tables a parsed query or condition names, as written (one, two or three parts), without the names of its
 * common table expressions where they are in scope: a {@code WITH} name is visible in the query it heads, in the
 * definitions after it and in their subqueries, as Spark resolves it. Whose tables those are is for the caller to say.
 */
final class TablesRead {
    private final Set<List<String>> tables = new LinkedHashSet<>();

    static Set<List<String>> of(LogicalPlan plan) {
        TablesRead read = new TablesRead();
        read.plan(plan, Set.of());
        return read.tables;
    }

    static Set<List<String>> of(Expression condition) {
        TablesRead read = new TablesRead();
        read.expression(condition, Set.of());
        return read.tables;
    }

    private void plan(LogicalPlan plan, Set<String> ctes) {
        if (plan instanceof UnresolvedWith with) {
            Set<String> scope = new HashSet<>(ctes);
            for (scala.Tuple3<String, SubqueryAlias, ?> definition : list(with.cteRelations())) {
                // A recursive definition sees itself; every later one and the query see it.
                Set<String> own = new HashSet<>(scope);
                own.add(definition._1().toLowerCase(Locale.ROOT));
                plan(definition._2(), own);
                scope.add(definition._1().toLowerCase(Locale.ROOT));
            }
            plan(with.child(), scope);
            for (Expression expression : list(with.expressions())) {
                expression(expression, scope);
            }
            return;
        }
        if (plan instanceof UnresolvedRelation relation) {
            List<String> name = list(relation.multipartIdentifier());
            if (!(name.size() == 1 && ctes.contains(name.get(0).toLowerCase(Locale.ROOT)))) {
                tables.add(List.copyOf(name));
            }
        }
        for (LogicalPlan child : list(plan.children())) {
            plan(child, ctes);
        }
        for (Expression expression : list(plan.expressions())) {
            expression(expression, ctes);
        }
    }

    private void expression(Expression expression, Set<String> ctes) {
        if (expression instanceof SubqueryExpression subquery) {
            plan(subquery.plan(), ctes);
        }
        for (Expression child : list(expression.children())) {
            expression(child, ctes);
        }
    }
}
