package io.carrara.pipeline.sql;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.PipelineErrorCode;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.sql.ExpressionCompiler.ColumnScope;
import io.carrara.pipeline.sql.SelectStatement.Projection;
import io.carrara.pipeline.stage.Column;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Spark's {@code SQLTransformer} for the statements feature pipelines commonly use:
 * <pre>{@code
 * SELECT *, fare / NULLIF(distance, 0) AS fare_per_km, upper(trim(city)) AS city_key
 * FROM __THIS__ WHERE passengers > 0
 * }</pre>
 * Every input column is kept ({@code *} first) and each named expression adds a column; a WHERE
 * condition drops the rows it does not hold for (false or NULL), as Spark's filter does. Column
 * names match ignoring case and an expression may use an earlier alias of the same SELECT
 * (Spark's lateral column aliases). Expressions: literals (numbers typed as Spark types them,
 * strings, booleans, NULL), columns, {@code + - * / % div ||}, unary minus, {@code = == != <> < <=
 * > >= <=>}, {@code AND OR NOT}, {@code IS [NOT] NULL}, {@code IS [NOT] DISTINCT FROM},
 * {@code [NOT] IN (...)}, {@code [NOT] BETWEEN}, searched and simple {@code CASE},
 * {@code CAST(x AS DOUBLE|FLOAT|INT|BIGINT|SMALLINT|TINYINT|STRING|BOOLEAN)} and the functions in
 * {@link ExpressionCompiler#FUNCTIONS}. Anything else (joins, aggregates, ORDER BY, other
 * functions, projections without {@code *}) is refused when the stage loads, naming what was
 * found; type mistakes are refused when the pipeline is compiled against its input schema.
 *
 * <p>Results have Spark's types and values: {@code int + int} is an INT, {@code /} a DOUBLE,
 * {@code floor} a BIGINT, a float with an integer a DOUBLE; the column is declared with that type.
 * Decimal literals ({@code 1.5}) are Spark DECIMALs: they may be compared or combined with
 * doubles, but an expression whose result would be a DECIMAL is refused (write {@code 1.5D}).
 *
 * <p><b>ANSI mode.</b> This follows Spark 4's default {@code spark.sql.ansi.enabled=true}: where
 * Spark then fails the query (division or remainder by zero, integer overflow, a string that is
 * not a number in a CAST, a number out of the target type's range) the row fails here with a
 * {@link io.carrara.pipeline.error.RowException} naming the column being computed. A pipeline
 * meant for Spark with ANSI mode off (Spark 3's default) would give NULLs and wrapped integers
 * there instead; that setting is not saved with the stage, so it cannot be detected.
 */
public final class SqlTransformer implements Stage {
    private static final String SUPPORTED = "SQLTransformer supports SELECT *, <expression> AS <name>, ... FROM __THIS__ "
            + "[WHERE <condition>]";

    private final String description;
    private final SelectStatement statement;

    private SqlTransformer(String description, SelectStatement statement) {
        this.description = description;
        this.statement = statement;
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.SQLTransformer");
        }

        @Override
        public Stage load(SavedStage saved) {
            return of(saved.description(), saved.params().getString("statement"));
        }
    }

    /** The stage for a statement, refusing anything outside the subset with a model error naming the stage {@code description}. */
    static SqlTransformer of(String description, String text) {
        try {
            return new SqlTransformer(description, SelectStatement.parse(text));
        } catch (SqlRefusal refusal) {
            throw new ModelException(PipelineErrorCode.STAGE_UNSUPPORTED, description,
                    SUPPORTED + "; " + refusal.getMessage() + " in statement \"" + text + "\"");
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        ColumnScope scope = new ColumnScope(binder);
        TypedEvaluator where = null;
        if (statement.where().isPresent()) {
            SqlExpression condition = statement.where().get();
            where = ExpressionCompiler.compile(binder, scope, condition, ExpressionCompiler.firstColumn(condition).orElse("__THIS__"), false);
            if (where.type() != SqlType.BOOLEAN) {
                throw binder.invalid("WHERE needs a boolean condition, but " + condition.sql() + " is "
                        + where.type().sparkName().toUpperCase(Locale.ROOT));
            }
        }
        List<Output> outputs = new ArrayList<>();
        for (Projection projection : statement.projections()) {
            TypedEvaluator value = ExpressionCompiler.compile(binder, scope, projection.expression(), projection.name(), true);
            DataType type = value.type().dataType().orElseThrow(() -> binder.invalid(unrepresentable(projection, value.type())));
            Column column = binder.output(projection.name(), type);
            scope.declareLateralAlias(column);
            outputs.add(new Output(column.slot(), value));
        }
        TypedEvaluator filter = where;
        Output[] columns = outputs.toArray(Output[]::new);
        return frame -> {
            EvaluationContext context = new EvaluationContext(frame);
            if (filter != null && !filter.isTrue(context)) {
                return false;
            }
            for (Output output : columns) {
                output.write(context);
            }
            return true;
        };
    }

    private static String unrepresentable(Projection projection, SqlType type) {
        if (type == SqlType.NULL) {
            return projection.expression().sql() + " AS " + projection.name() + " has no type in Spark (void); give it one, e.g. "
                    + "CAST(NULL AS DOUBLE)";
        }
        return projection.expression().sql() + " AS " + projection.name() + " is a DECIMAL in Spark (a literal such as 1.5 is a "
                + "decimal), which the runtime does not hold; write the literal as a DOUBLE (1.5D) or CAST to DOUBLE";
    }

    /** One added column: its slot and the evaluator writing it. */
    private record Output(int slot, TypedEvaluator value) {
        void write(EvaluationContext context) {
            if (value.type() == SqlType.STRING) {
                context.frame.setObject(slot, value.string().evaluate(context));
                return;
            }
            double result = value.number().evaluate(context);
            if (context.wasNull) {
                context.wasNull = false;
                context.frame.setNull(slot);
            } else {
                context.frame.setDouble(slot, result);
            }
        }
    }
}
