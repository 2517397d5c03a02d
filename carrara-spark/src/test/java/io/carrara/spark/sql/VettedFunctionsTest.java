package io.carrara.spark.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry$;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistryBase;
import org.apache.spark.sql.catalyst.analysis.TableFunctionRegistry$;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/** functions.txt against Spark's builtin registries: every builtin decided on, no name Spark lacks. */
class VettedFunctionsTest {
    private final VettedFunctions functions = VettedFunctions.get();

    @Test
    void everyBuiltinFunctionIsEitherAcceptedOrRefusedAndEveryNameIsABuiltin() {
        Set<String> accepted = functions.section(VettedFunctions.FUNCTIONS);
        Set<String> refused = functions.section(VettedFunctions.REFUSED_FUNCTIONS);

        assertThat(accepted).doesNotContainAnyElementsOf(refused);
        Set<String> decided = new TreeSet<>(accepted);
        decided.addAll(refused);
        assertThat(decided).as("functions.txt [functions] and [refused functions] against Spark's FunctionRegistry.builtin")
                .isEqualTo(names(FunctionRegistry$.MODULE$.builtin()));
    }

    @Test
    void everyBuiltinTableFunctionIsEitherAcceptedOrRefusedAndEveryNameIsABuiltin() {
        Set<String> accepted = functions.section(VettedFunctions.TABLE_FUNCTIONS);
        Set<String> refused = functions.section(VettedFunctions.REFUSED_TABLE_FUNCTIONS);

        assertThat(accepted).doesNotContainAnyElementsOf(refused);
        Set<String> decided = new TreeSet<>(accepted);
        decided.addAll(refused);
        assertThat(decided).as("functions.txt's table function sections against Spark's TableFunctionRegistry.builtin")
                .isEqualTo(names(TableFunctionRegistry$.MODULE$.builtin()));
    }

    @Test
    void reflectiveRevealingAndFileReadingFunctionsAreRefusedWithAReason() {
        for (String name : new String[] {"reflect", "java_method", "try_reflect", "input_file_name", "current_user", "user",
                "session_user", "version", "xpath", "from_xml", "from_protobuf"}) {
            assertThat(functions.acceptsFunction(name)).as(name).isFalse();
            assertThat(functions.refusedFunction(name)).as(name).get().asString().isNotBlank();
        }
        assertThat(functions.refusedFunction("REFLECT")).contains("runs a Java method named in the SQL text");
        assertThat(functions.acceptsTableFunction("python_worker_logs")).isFalse();
        assertThat(functions.acceptsTableFunction("range")).isTrue();
    }

    @Test
    void analyticFunctionsAreAccepted() {
        for (String name : new String[] {"sum", "count", "avg", "row_number", "rank", "lag", "date_add", "to_date", "upper",
                "regexp_extract", "transform", "filter", "explode", "coalesce", "if", "cast", "from_json", "sha2", "uuid",
                "current_database", "current_date"}) {
            assertThat(functions.acceptsFunction(name)).as(name).isTrue();
        }
    }

    @Test
    void theClassesOfRefusedFunctionsAreRefusedInTheAnalysedPlan() {
        assertThat(functions.refusedByClass("org.apache.spark.sql.catalyst.expressions.CallMethodViaReflection"))
                .containsExactly("java_method", "reflect");
        assertThat(functions.refusedByClass("org.apache.spark.sql.catalyst.expressions.TryReflect")).containsExactly("try_reflect");
        assertThat(functions.refusedByClass("org.apache.spark.sql.catalyst.expressions.CurrentUser")).containsExactly("current_user", "session_user", "user");
        assertThat(functions.refusedByClass("org.apache.spark.sql.catalyst.expressions.InputFileName"))
                .containsExactly("input_file_name");
        assertThat(functions.refusedByClass("org.apache.spark.sql.catalyst.expressions.Upper")).isEmpty();
    }

    private static Set<String> names(FunctionRegistryBase<?> registry) {
        Set<String> names = new TreeSet<>();
        for (FunctionIdentifier function : CollectionConverters.asJava(registry.listFunction())) {
            names.add(function.funcName());
        }
        return names;
    }
}
