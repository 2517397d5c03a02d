package io.carrara.spark.sql;

import static java.util.Objects.requireNonNull;

import io.carrara.spark.sql.SqlConstructs.Construct;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.catalyst.analysis.ExpressionWithUnresolvedIdentifier;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.analysis.UnresolvedGenerator;
import org.apache.spark.sql.catalyst.analysis.UnresolvedHaving;
import org.apache.spark.sql.catalyst.analysis.UnresolvedInlineTable;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.analysis.UnresolvedSubqueryColumnAliases;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTVFAliases;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableValuedFunction;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.PipeOperator;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.Distinct;
import org.apache.spark.sql.catalyst.plans.logical.Except;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.Generate;
import org.apache.spark.sql.catalyst.plans.logical.GlobalLimit;
import org.apache.spark.sql.catalyst.plans.logical.Intersect;
import org.apache.spark.sql.catalyst.plans.logical.Join;
import org.apache.spark.sql.catalyst.plans.logical.LateralJoin;
import org.apache.spark.sql.catalyst.plans.logical.LimitAll;
import org.apache.spark.sql.catalyst.plans.logical.LocalLimit;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Offset;
import org.apache.spark.sql.catalyst.plans.logical.OneRowRelation;
import org.apache.spark.sql.catalyst.plans.logical.Pivot;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.RepartitionByExpression;
import org.apache.spark.sql.catalyst.plans.logical.Sample;
import org.apache.spark.sql.catalyst.plans.logical.Sort;
import org.apache.spark.sql.catalyst.plans.logical.SubqueryAlias;
import org.apache.spark.sql.catalyst.plans.logical.Union;
import org.apache.spark.sql.catalyst.plans.logical.Unpivot;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedHint;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedWith;
import org.apache.spark.sql.catalyst.plans.logical.WithWindowDefinition;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Checks a parsed plan, before Spark analyses or runs anything, against an allow-list: the plan
 * nodes a SELECT produces, catalog table names without options, builtin functions of the vetted
 * list called by their bare name, range and the generators as table functions, and the
 * planner's hints. Subquery plans inside expressions and the definitions of WITH are checked the
 * same way. Anything else (every statement, TRANSFORM, IDENTIFIER(...), a qualified or unknown
 * function) is refused with its name.
 */
final class ParsedPlanCheck {
    /**
     * The nodes Spark's parser builds for a query. Compared by exact class, so that a subclass
     * (or a statement that happens to extend one of them) is not let through.
     */
    private static final Set<Class<?>> QUERY_NODES = Set.of(
            Project.class, Filter.class, Aggregate.class, UnresolvedHaving.class, Join.class, LateralJoin.class,
            Union.class, Except.class, Intersect.class, Distinct.class, Sort.class, GlobalLimit.class, LocalLimit.class,
            LimitAll.class, Offset.class, SubqueryAlias.class, UnresolvedSubqueryColumnAliases.class, UnresolvedWith.class,
            WithWindowDefinition.class, Generate.class, Pivot.class, Unpivot.class, Sample.class,
            RepartitionByExpression.class, OneRowRelation.class, LocalRelation.class, UnresolvedInlineTable.class,
            UnresolvedRelation.class, UnresolvedTableValuedFunction.class, UnresolvedTVFAliases.class,
            UnresolvedHint.class, PipeOperator.class);

    /** Hints only steer the planner (join strategy, partitioning); any other name is refused rather than ignored. */
    private static final Set<String> HINTS = Set.of("BROADCAST", "BROADCASTJOIN", "MAPJOIN", "MERGE", "SHUFFLE_MERGE",
            "MERGEJOIN", "SHUFFLE_HASH", "SHUFFLE_REPLICATE_NL", "COALESCE", "REPARTITION", "REPARTITION_BY_RANGE",
            "REBALANCE");

    private final SqlSubject subject;
    private final VettedFunctions functions;

    ParsedPlanCheck(SqlSubject subject, VettedFunctions functions) {
        this.subject = requireNonNull(subject, "subject is null");
        this.functions = requireNonNull(functions, "functions is null");
    }

    void checkPlan(LogicalPlan plan) {
        if (!QUERY_NODES.contains(plan.getClass())) {
            Construct construct = SqlConstructs.describe(plan);
            throw subject.refuse("uses " + construct.words(), construct.why());
        }
        if (plan instanceof UnresolvedRelation relation) {
            checkRelation(relation);
        } else if (plan instanceof UnresolvedTableValuedFunction function) {
            checkTableFunction(function);
        } else if (plan instanceof UnresolvedHint hint && !HINTS.contains(hint.name().toUpperCase(Locale.ROOT))) {
            throw subject.refuse("uses the hint " + hint.name(), "Carrara accepts the join and partitioning hints "
                    + String.join(", ", HINTS.stream().sorted().toList()));
        }
        for (LogicalPlan child : list(plan.children())) {
            checkPlan(child);
        }
        // The definitions of WITH are not children. (Its innerChildren also holds them, but every plan's
        // innerChildren holds its subqueries too, which checkExpression reaches: walking both would visit
        // a subquery nested n deep 2^n times.)
        if (plan instanceof UnresolvedWith with) {
            for (scala.Tuple3<String, SubqueryAlias, ?> definition : list(with.cteRelations())) {
                checkPlan(definition._2());
            }
        }
        for (Expression expression : list(plan.expressions())) {
            checkExpression(expression);
        }
    }

    void checkExpression(Expression expression) {
        if (expression instanceof UnresolvedFunction function) {
            checkFunction(list(function.nameParts()));
        } else if (expression instanceof UnresolvedGenerator generator) {
            checkFunction(generator.name().database().isDefined()
                    ? List.of(generator.name().database().get(), generator.name().funcName())
                    : List.of(generator.name().funcName()));
        } else if (expression instanceof ExpressionWithUnresolvedIdentifier) {
            throw subject.refuse("calls a function named by IDENTIFIER(...)",
                    "a function's name must be written in the SQL, so that it can be checked before it runs");
        } else if (expression instanceof SubqueryExpression subquery) {
            checkPlan(subquery.plan());
        }
        for (Expression child : list(expression.children())) {
            checkExpression(child);
        }
    }

    private void checkRelation(UnresolvedRelation relation) {
        // No catalog names a table with a slash: such a name is a file path (json.`/etc/passwd`),
        // which Spark reads as a file when spark.sql.runSQLOnFiles is on.
        for (String part : list(relation.multipartIdentifier())) {
            if (part.contains("/") || part.contains("\\")) {
                throw subject.refuse("reads a file path as a table", "only tables of the catalog are accepted, by name");
            }
        }
        if (!relation.options().isEmpty()) {
            throw subject.refuse("gives table options (WITH (...)) to " + relation.tableName(),
                    "options could point a table at other data");
        }
        if (relation.isStreaming()) {
            throw subject.refuse("reads " + relation.tableName() + " as a STREAM", "Carrara reads tables, not streams");
        }
    }

    private void checkTableFunction(UnresolvedTableValuedFunction function) {
        List<String> name = list(function.name());
        String shown = String.join(".", name);
        if (name.size() != 1) {
            throw subject.refuse("calls the table function " + shown + " by a qualified name",
                    "only Spark's builtin table functions are accepted, by their bare name");
        }
        if (!functions.acceptsTableFunction(name.get(0))) {
            String why = functions.refusedTableFunction(name.get(0)).map(reason -> "it " + reason)
                    .orElse("the table functions accepted are range and the generators (explode, inline, posexplode, stack,"
                            + " json_tuple, variant_explode and their _outer forms)");
            throw subject.refuse("calls the table function " + shown, why);
        }
    }

    private void checkFunction(List<String> name) {
        String shown = String.join(".", name);
        if (name.size() != 1) {
            throw subject.refuse("calls the function " + shown + " by a qualified name",
                    "only Spark's builtin functions are accepted, by their bare name; a qualified name reaches"
                            + " user-defined functions");
        }
        if (!functions.acceptsFunction(name.get(0))) {
            String why = functions.refusedFunction(name.get(0)).map(reason -> "it " + reason)
                    .orElse("it is not one of Spark's builtin functions that Carrara accepts (user-defined functions are"
                            + " not accepted)");
            throw subject.refuse("calls the function " + shown, why);
        }
    }

    static <T> List<T> list(scala.collection.Iterable<T> values) {
        List<T> copy = new ArrayList<>();
        CollectionConverters.asJava(values).forEach(copy::add);
        return copy;
    }
}
