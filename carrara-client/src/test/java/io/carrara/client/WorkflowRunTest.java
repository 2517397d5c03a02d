package io.carrara.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.api.workflow.StepStatus;
import io.carrara.api.workflow.Trigger;
import io.carrara.api.workflow.Workflow;
import io.carrara.api.workflow.WorkflowRun;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The Workflow and WorkflowRun objects of docs/api.md, read as the server writes them. */
class WorkflowRunTest {
    private static final ObjectMapper JSON = CarraraJson.newObjectMapper();

    @Test
    void readsAFailedRunWithItsSteps() throws Exception {
        WorkflowRun run = JSON.readValue("""
                {"id": "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", "workflow": "trip_eta_daily", "executionDate": "2026-11-01",
                 "trigger": "backfill", "instance": "0d9b8a7c-6e5f-4a3b-2c1d-0e9f8a7b6c5d", "status": "failed",
                 "window": {"start": "2026-10-30T22:00", "end": "2026-10-31T22:00"},
                 "createdAt": "2026-11-22T03:00:00Z", "createdBy": "alice",
                 "startedAt": "2026-11-22T03:00:01Z", "finishedAt": "2026-11-22T03:04:01Z",
                 "error": "step score failed after 3 attempts: table ml.nope does not exist",
                 "steps": [
                   {"name": "features", "kind": "sql", "output": "ml.trip_features", "status": "succeeded", "attempts": 1,
                    "startedAt": "2026-11-22T03:00:01Z", "finishedAt": "2026-11-22T03:00:11Z", "rowsWritten": 1000,
                    "batchJob": null, "error": null},
                   {"name": "score", "kind": "predict", "output": "ml.trip_predictions", "status": "failed", "attempts": 3,
                    "startedAt": "2026-11-22T03:00:11Z", "finishedAt": "2026-11-22T03:04:01Z", "rowsWritten": null,
                    "batchJob": "6f1c2a3b-1d2e-4f50-9a8b-0c1d2e3f4a5b", "error": "table ml.nope does not exist"}]}
                """, WorkflowRun.class);

        assertThat(run.id()).isEqualTo(UUID.fromString("1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9"));
        assertThat(run.workflow()).isEqualTo("trip_eta_daily");
        assertThat(run.executionDate()).isEqualTo(LocalDate.of(2026, 11, 1));
        assertThat(run.trigger()).isEqualTo(Trigger.BACKFILL);
        assertThat(run.instance()).isEqualTo(UUID.fromString("0d9b8a7c-6e5f-4a3b-2c1d-0e9f8a7b6c5d"));
        assertThat(run.finished()).isTrue();
        assertThat(run.failed()).isTrue();
        assertThat(run.window()).isEqualTo(new WorkflowRun.Window(LocalDateTime.of(2026, 10, 30, 22, 0),
                LocalDateTime.of(2026, 10, 31, 22, 0)));
        assertThat(run.elapsed(Instant.now())).contains(Duration.ofMinutes(4));
        assertThat(run.error()).startsWith("step score failed after 3 attempts");
        assertThat(run.steps()).extracting(WorkflowRun.Step::name).containsExactly("features", "score");
        WorkflowRun.Step features = run.steps().get(0);
        assertThat(features.kind()).isEqualTo("sql");
        assertThat(features.rowsWritten()).isEqualTo(1000L);
        assertThat(features.batchJob()).isNull();
        assertThat(features.elapsed(Instant.now())).contains(Duration.ofSeconds(10));
        WorkflowRun.Step score = run.steps().get(1);
        assertThat(score.attempts()).isEqualTo(3);
        assertThat(score.rowsWritten()).isNull();
        assertThat(score.batchJob()).isEqualTo(UUID.fromString("6f1c2a3b-1d2e-4f50-9a8b-0c1d2e3f4a5b"));
        assertThat(score.error()).isEqualTo("table ml.nope does not exist");
    }

    @Test
    void aQueuedRunHasPendingStepsAndNoTimes() throws Exception {
        WorkflowRun run = JSON.readValue("""
                {"id": "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", "workflow": "trip_eta_daily", "executionDate": "2026-11-02",
                 "trigger": "schedule", "instance": null, "status": "queued",
                 "window": {"start": "2026-10-31T22:00", "end": "2026-11-01T22:00"},
                 "createdAt": "2026-11-22T03:00:00Z", "createdBy": "scheduler", "startedAt": null, "finishedAt": null,
                 "error": null,
                 "steps": [{"name": "features", "kind": "sql", "output": "ml.trip_features", "status": "pending",
                            "attempts": 0, "startedAt": null, "finishedAt": null, "rowsWritten": null, "batchJob": null,
                            "error": null}]}
                """, WorkflowRun.class);

        assertThat(run.finished()).isFalse();
        assertThat(run.instance()).isNull();
        assertThat(run.elapsed(Instant.now())).isEmpty();
        assertThat(run.steps().get(0).status()).isEqualTo(StepStatus.PENDING);
        assertThat(run.steps().get(0).elapsed(Instant.now())).isEmpty();
    }

    @Test
    void readsAWorkflow() throws Exception {
        Workflow scheduled = JSON.readValue("""
                {"name": "trip_eta_daily", "schedule": "0 3 * * *", "definition": "name: trip_eta_daily\\n",
                 "registeredAt": "2026-11-22T03:12:32.123456Z", "registeredBy": "alice", "nextRunAt": "2026-11-23T03:00:00Z"}
                """, Workflow.class);
        Workflow onDemand = JSON.readValue("""
                {"name": "adhoc", "schedule": null, "definition": "name: adhoc\\n",
                 "registeredAt": "2026-11-22T03:12:32Z", "registeredBy": "bob", "nextRunAt": null}
                """, Workflow.class);

        assertThat(scheduled).isEqualTo(new Workflow("trip_eta_daily", "0 3 * * *", "name: trip_eta_daily\n",
                Instant.parse("2026-11-22T03:12:32.123456Z"), "alice", Instant.parse("2026-11-23T03:00:00Z")));
        assertThat(onDemand.schedule()).isNull();
        assertThat(onDemand.nextRunAt()).isNull();
    }
}
