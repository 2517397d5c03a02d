package io.carrara.registry.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.carrara.registry.workflow.WorkflowDefinition.PredictStep;
import io.carrara.registry.workflow.WorkflowDefinition.SqlStep;
import io.carrara.spi.error.CarraraException;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WorkflowParserTest {
    private static final String DAILY = """
            name: trip-fares-daily
            schedule: "0 3 * * *"
            inputs:
              - table: ml.trips
                max_sla: 1d
              - table: ml.weather
                max_sla: 6h
            steps:
              - name: features
                sql: SELECT * FROM ml.trips WHERE ds >= '{{ window_start }}' AND ds < '{{window_end}}'
                output: ml.trip_features
              - name: score
                predict:
                  deployment: fares
                  query: SELECT * FROM ml.trip_features
                  output: ml.trip_predictions
                  columns: [prediction, probability]
            retries: {max: 3, backoff: 5m}
            alert: {webhook: "https://hooks.example.com/carrara"}
            """;

    @Test
    void readsAWorkflowWithItsStepsRetriesAndAlert() {
        WorkflowDefinition workflow = WorkflowParser.parse(DAILY);

        assertThat(workflow.name()).isEqualTo("trip-fares-daily");
        assertThat(workflow.schedule()).contains("0 3 * * *");
        assertThat(workflow.maxSla()).isEqualTo(Duration.ofDays(1));
        assertThat(workflow.steps()).containsExactly(
                new SqlStep("features", "SELECT * FROM ml.trips WHERE ds >= '{{ window_start }}' AND ds < '{{window_end}}'",
                        "ml.trip_features"),
                new PredictStep("score", "SELECT * FROM ml.trip_features", "ml.trip_predictions", Optional.of("fares"),
                        Optional.empty(), List.of("prediction", "probability")));
        assertThat(workflow.retries().max()).isEqualTo(3);
        assertThat(workflow.retries().delay(1)).isEqualTo(Duration.ofMinutes(5));
        assertThat(workflow.retries().delay(3)).isEqualTo(Duration.ofMinutes(20));
        assertThat(workflow.alertWebhook()).contains(URI.create("https://hooks.example.com/carrara"));
    }

    @Test
    void theWindowEndsTheLongestSlaBeforeTheExecutionDateAndSpansADay() {
        WorkflowDefinition workflow = WorkflowParser.parse(DAILY);
        LocalDate date = LocalDate.parse("2026-11-05");

        assertThat(workflow.window(date)).isEqualTo(new WorkflowDefinition.Window(
                LocalDateTime.parse("2026-11-03T00:00"), LocalDateTime.parse("2026-11-04T00:00")));
        assertThat(workflow.render(((SqlStep) workflow.steps().get(0)).sql(), date))
                .isEqualTo("SELECT * FROM ml.trips WHERE ds >= '2026-11-03' AND ds < '2026-11-04'");
        assertThat(workflow.render("{{ execution_date }}", date)).isEqualTo("2026-11-05");

        WorkflowDefinition hourly = WorkflowParser.parse("""
                name: w
                inputs: [{table: t, max_sla: 36h}]
                steps: [{name: s, sql: "SELECT '{{ window_start }}', '{{ window_end }}'", output: o}]
                """);
        assertThat(hourly.render(((SqlStep) hourly.steps().get(0)).sql(), date))
                .isEqualTo("SELECT '2026-11-02 12:00:00', '2026-11-03 12:00:00'");
        assertThat(hourly.retries()).isEqualTo(WorkflowDefinition.Retries.DEFAULT);
        assertThat(hourly.schedule()).isEmpty();
    }

    @Test
    void aPredictStepMayPinAnInstance() {
        UUID id = UUID.randomUUID();
        WorkflowDefinition workflow = WorkflowParser.parse("name: w\nsteps:\n  - name: s\n    predict: {instance: " + id
                + ", query: SELECT 1, output: ml.out}\n");

        assertThat(((PredictStep) workflow.steps().get(0)).instance()).contains(id);
        assertThat(workflow.maxSla()).isZero();
    }

    @Test
    void mistakesNameThePathAndWhatIsExpected() {
        assertError("name: w\nsteps: []\n", "steps", "steps must be a non-empty list");
        assertError("name: w\nsteps:\n  - {name: s, sql: 'SELECT {{ ds }}', output: o}\n", "steps[0].sql", "unknown variable ds");
        assertError("name: w\nsteps:\n  - {name: s, predict: {query: q, output: o}}\n", "steps[0].predict.deployment",
                "exactly one of deployment and instance");
        assertError("name: w\nsteps:\n  - {name: s, predict: {deployment: d, query: q, output: 'a b'}}\n", "steps[0].predict.output",
                "is not a table name");
        assertError("name: w\ninputs: [{table: t, max_sla: soon}]\nsteps: [{name: s, sql: q, output: o}]\n", "inputs[0].max_sla",
                "is not a duration");
        assertError("name: w\nsteps: [{name: s, sql: q, output: o}, {name: s, sql: q, output: p}]\n", "steps[1].name", "two steps");
        assertError("name: w\nsteps: [{name: s, sql: q, output: o, extra: 1}]\n", "steps[0].extra", "unknown key steps[0].extra");
        assertError("name: w\nsteps: [{name: s, sql: q, output: o}]\nalert: {webhook: 'ftp://x'}\n", "alert.webhook", "http(s)");
        assertError("name: w\nsteps: [{name: s, sql: q, output: o}]\nretries: {max: -1}\n", "retries.max", "0 to 100");
        assertError("steps: [{name: s, sql: q, output: o}]\n", "name", "name is required");
        assertError("name: [w\n", "workflow", "not valid YAML");
    }

    private static void assertError(String yaml, String field, String message) {
        CarraraException error = catchThrowableOfType(CarraraException.class, () -> WorkflowParser.parse(yaml));
        assertThat(error).as(yaml).isNotNull();
        assertThat(error.field()).as(error.getMessage()).contains(field);
        assertThat(error.getMessage()).contains(message);
    }
}
