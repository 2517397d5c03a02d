package io.carrara.spark.sql;

import static io.carrara.spark.sql.ParsedPlanCheck.list;
import static java.util.Objects.requireNonNull;

import io.carrara.spark.sql.SqlConstructs.Construct;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.catalog.HiveTableRelation;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.PipeOperator;
import org.apache.spark.sql.catalyst.expressions.PythonFuncExpression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.expressions.UserDefinedExpression;
import org.apache.spark.sql.catalyst.expressions.UserDefinedGenerator;
import org.apache.spark.sql.catalyst.expressions.aggregate.V2Aggregator;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.CTERelationDef;
import org.apache.spark.sql.catalyst.plans.logical.CTERelationRef;
import org.apache.spark.sql.catalyst.plans.logical.Deduplicate;
import org.apache.spark.sql.catalyst.plans.logical.Distinct;
import org.apache.spark.sql.catalyst.plans.logical.Except;
import org.apache.spark.sql.catalyst.plans.logical.Expand;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.Generate;
import org.apache.spark.sql.catalyst.plans.logical.GlobalLimit;
import org.apache.spark.sql.catalyst.plans.logical.Intersect;
import org.apache.spark.sql.catalyst.plans.logical.Join;
import org.apache.spark.sql.catalyst.plans.logical.LateralJoin;
import org.apache.spark.sql.catalyst.plans.logical.LocalLimit;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Offset;
import org.apache.spark.sql.catalyst.plans.logical.OneRowRelation;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Range;
import org.apache.spark.sql.catalyst.plans.logical.RebalancePartitions;
import org.apache.spark.sql.catalyst.plans.logical.Repartition;
import org.apache.spark.sql.catalyst.plans.logical.RepartitionByExpression;
import org.apache.spark.sql.catalyst.plans.logical.ResolvedHint;
import org.apache.spark.sql.catalyst.plans.logical.Sample;
import org.apache.spark.sql.catalyst.plans.logical.Sort;
import org.apache.spark.sql.catalyst.plans.logical.SubqueryAlias;
import org.apache.spark.sql.catalyst.plans.logical.Tail;
import org.apache.spark.sql.catalyst.plans.logical.Union;
import org.apache.spark.sql.catalyst.plans.logical.UnionLoop;
import org.apache.spark.sql.catalyst.plans.logical.UnionLoopRef;
import org.apache.spark.sql.catalyst.plans.logical.View;
import org.apache.spark.sql.catalyst.plans.logical.Window;
import org.apache.spark.sql.catalyst.plans.logical.WithCTE;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2Relation;

/**
 * Checks an analysed plan, before anything runs, as a second line behind {@link ParsedPlanCheck}:
 * analysis resolves names the parsed plan could not (views, bare words such as
 * {@code current_user}, the tables behind a name), so here every leaf must be a catalog table
 * (inside the confining location when there is one), an inline table, one row or a range; no
 * expression may be a user-defined function, a reflective call or a refused builtin; and the
 * bodies of views are held to the same rules as the query.
 */
final class AnalysedPlanCheck {
    private static final Set<Class<?>> QUERY_NODES = Set.of(
            Project.class, Filter.class, Aggregate.class, Join.class, LateralJoin.class, Union.class, Except.class,
            Intersect.class, Distinct.class, Deduplicate.class, Sort.class, GlobalLimit.class, LocalLimit.class, Offset.class,
            Tail.class, SubqueryAlias.class, WithCTE.class, CTERelationDef.class, CTERelationRef.class, UnionLoop.class,
            UnionLoopRef.class, Window.class, Generate.class, Expand.class, Sample.class, View.class, ResolvedHint.class,
            Repartition.class, RepartitionByExpression.class, RebalancePartitions.class, OneRowRelation.class,
            LocalRelation.class, Range.class, HiveTableRelation.class, LogicalRelation.class, DataSourceV2Relation.class,
            PipeOperator.class);

    /** User-defined SQL functions, which resolve to these (not to a {@link UserDefinedExpression}). */
    private static final Set<String> SQL_FUNCTIONS = Set.of("org.apache.spark.sql.catalyst.analysis.SQLFunctionExpression",
            "org.apache.spark.sql.catalyst.analysis.SQLScalarFunction");

    private final SqlSubject subject;
    private final VettedFunctions functions;
    private final Optional<URI> confinedTo;

    AnalysedPlanCheck(SqlSubject subject, VettedFunctions functions, Optional<URI> confinedTo) {
        this.subject = requireNonNull(subject, "subject is null");
        this.functions = requireNonNull(functions, "functions is null");
        this.confinedTo = requireNonNull(confinedTo, "confinedTo is null");
    }

    void check(LogicalPlan plan) {
        check(plan, Optional.empty());
    }

    /** {@code view}: the innermost view whose body {@code plan} is part of, for the message. */
    private void check(LogicalPlan plan, Optional<String> view) {
        if (!QUERY_NODES.contains(plan.getClass())) {
            Construct construct = SqlConstructs.describe(plan);
            throw refuse(view, "uses " + construct.words(), construct.why());
        }
        Optional<String> inside = view;
        if (plan instanceof View found) {
            inside = Optional.of(name(found.desc()));
        } else if (plan instanceof LogicalRelation relation) {
            checkRelation(relation, view);
        } else if (plan instanceof HiveTableRelation relation) {
            checkTable(relation.tableMeta(), view);
        } else if (plan instanceof DataSourceV2Relation relation) {
            checkTable(relation, view);
        }
        for (LogicalPlan child : list(plan.children())) {
            check(child, inside);
        }
        for (Expression expression : list(plan.expressions())) {
            check(expression, inside);
        }
    }

    private void check(Expression expression, Optional<String> view) {
        if (expression instanceof UserDefinedExpression function) {
            throw refuse(view, "calls the user-defined function " + function.name(), "only Spark's builtin functions are accepted");
        }
        if (expression instanceof PythonFuncExpression || expression instanceof UserDefinedGenerator
                || expression instanceof V2Aggregator || SQL_FUNCTIONS.contains(expression.getClass().getName())) {
            throw refuse(view, "calls a user-defined function", "only Spark's builtin functions are accepted");
        }
        List<String> refused = functions.refusedByClass(expression.getClass().getName());
        if (!refused.isEmpty()) {
            // The name the SQL used, when the expression tells it (reflect and java_method share a class).
            String name = refused.contains(expression.prettyName()) ? expression.prettyName() : String.join(" or ", refused);
            throw refuse(view, "calls the function " + name,
                    "it " + functions.refusedFunction(refused.get(0)).orElse("is not accepted"));
        }
        if (expression instanceof SubqueryExpression subquery) {
            check(subquery.plan(), view);
        }
        for (Expression child : list(expression.children())) {
            check(child, view);
        }
    }

    private void checkRelation(LogicalRelation relation, Optional<String> view) {
        if (relation.catalogTable().isEmpty()) {
            throw refuse(view, "reads files directly instead of a table of the catalog", "only catalog tables are accepted");
        }
        CatalogTable table = relation.catalogTable().get();
        checkTable(table, view);
        // The files read are the relation's own: make sure they are the table's.
        if (confinedTo.isPresent() && relation.relation() instanceof HadoopFsRelation files) {
            for (Path path : list(files.location().rootPaths())) {
                if (!Confinement.within(path.toUri(), confinedTo.get())) {
                    throw outside(name(table), view);
                }
            }
        }
    }

    private void checkTable(CatalogTable table, Optional<String> view) {
        if (confinedTo.isPresent() && (table.storage().locationUri().isEmpty()
                || !Confinement.within(table.storage().locationUri().get(), confinedTo.get()))) {
            throw outside(name(table), view);
        }
    }

    private void checkTable(DataSourceV2Relation relation, Optional<String> view) {
        if (relation.catalog().isEmpty() || relation.identifier().isEmpty()) {
            throw refuse(view, "reads a data source directly instead of a table of the catalog", "only catalog tables are accepted");
        }
        String name = relation.catalog().get().name() + "." + relation.identifier().get().toString();
        String location = relation.table().properties().get("location");
        if (confinedTo.isPresent() && (location == null || !Confinement.within(location, confinedTo.get()))) {
            throw outside(name, view);
        }
    }

    /** database.table, as the user writes it: the catalog's name is Spark's business. */
    private static String name(CatalogTable table) {
        TableIdentifier identifier = table.identifier();
        return identifier.database().isDefined() ? identifier.database().get() + "." + identifier.table() : identifier.table();
    }

    private RuntimeException outside(String table, Optional<String> view) {
        return refuse(view, "reads table " + table + ", whose data lies outside the server's warehouse",
                "on this server only tables whose data is in its warehouse are accepted");
    }

    private RuntimeException refuse(Optional<String> view, String construct, String why) {
        return view.isPresent() ? subject.refuseInView(view.get(), construct, why) : subject.refuse(construct, why);
    }
}
