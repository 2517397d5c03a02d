package io.carrara.batch.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.batch.workflow.WorkflowRunInfo.RunStatus;
import io.carrara.batch.workflow.WorkflowRunInfo.Step;
import io.carrara.batch.workflow.WorkflowRunInfo.Trigger;
import io.carrara.registry.db.DatabaseDialect;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.db.TestDatabases;
import io.carrara.registry.workflow.WorkflowDefinition;
import io.carrara.registry.workflow.WorkflowParser;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Workflow runs and their steps stored, updated and read back on every database the registry runs on. */
class WorkflowStoreDatabaseTest {
    private static final String YAML = """
            name: nightly
            inputs: [{table: ml.trips, max_sla: 36h}]
            steps:
              - {name: features, sql: "SELECT * FROM ml.trips", output: ml.f}
              - {name: score, predict: {instance: 00000000-0000-0000-0000-00000000000d, query: "SELECT * FROM ml.f", output: ml.p}}
            """;

    @ParameterizedTest
    @EnumSource(DatabaseDialect.class)
    void runsAreStoredUpdatedAndListed(DatabaseDialect dialect) {
        try (TestDatabases.TestDatabase testDatabase = TestDatabases.create(dialect);
                RegistryDatabase database = RegistryDatabase.open(testDatabase.config())) {
            String runner = UUID.randomUUID().toString();
            WorkflowStore store = new WorkflowStore(database, runner);
            WorkflowDefinition definition = WorkflowParser.parse(YAML);
            Instant created = Instant.now().truncatedTo(ChronoUnit.MICROS);
            WorkflowRunInfo first = run(definition, LocalDate.parse("2026-11-01"), created);
            WorkflowRunInfo second = run(definition, LocalDate.parse("2026-11-02"), created);
            store.insertRun(first, YAML);
            store.insertRun(second, YAML);

            List<Step> steps = List.of(first.steps().get(0).started(1, created).succeeded(120, created.plusSeconds(5)),
                    first.steps().get(1).started(2, created.plusSeconds(5)).failed("no such table", created.plusSeconds(9)));
            store.updateRun(first.withSteps(steps).withStatus(RunStatus.FAILED, created, created.plusSeconds(9), "step score failed"));

            WorkflowRunInfo read = store.getRun(first.id());
            assertThat(read.status()).isEqualTo(RunStatus.FAILED);
            assertThat(read.error()).isEqualTo("step score failed");
            assertThat(read.steps()).isEqualTo(steps);
            assertThat(read.window().end()).isEqualTo(LocalDate.parse("2026-10-30").atTime(12, 0));
            assertThat(read.finishedAt()).isEqualTo(created.plusSeconds(9));
            assertThat(store.definitionOf(first.id())).isEqualTo(definition);
            assertThat(store.requeue(first.id())).isTrue();
            assertThat(store.requeue(first.id())).as("only a failed run is queued again").isFalse();
            assertThat(store.getRun(first.id()).status()).isEqualTo(RunStatus.QUEUED);
            assertThat(store.getRun(first.id()).steps()).isEqualTo(steps);
            assertThat(store.runs("nightly", 10, 0)).extracting(WorkflowRunInfo::id).containsExactly(second.id(), first.id());

            assertThat(store.failUnfinished("stopped", created)).isEqualTo(2);
            assertThat(store.getRun(second.id()).status()).isEqualTo(RunStatus.FAILED);
            assertThat(new WorkflowStore(database, UUID.randomUUID().toString()).failUnfinished("other", created)).isZero();
        }
    }

    private static WorkflowRunInfo run(WorkflowDefinition definition, LocalDate date, Instant created) {
        WorkflowDefinition.Window window = definition.window(date);
        return new WorkflowRunInfo(UUID.randomUUID(), definition.name(), date, Trigger.BACKFILL, null, RunStatus.QUEUED,
                new WorkflowRunInfo.Window(window.start(), window.end()), created, "alice", null, null, null,
                List.of(Step.pending("features", "sql", "ml.f"), Step.pending("score", "predict", "ml.p")));
    }
}
