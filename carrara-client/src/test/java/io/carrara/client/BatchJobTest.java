package io.carrara.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.api.batch.BatchJob;
import io.carrara.api.batch.BatchJobStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The BatchJob object of docs/api.md, read as the server writes it. */
class BatchJobTest {
    private static final ObjectMapper JSON = CarraraJson.newObjectMapper();

    @Test
    void readsASucceededJob() throws Exception {
        BatchJob job = JSON.readValue("""
                {"id": "6f1c2a3b-1d2e-4f50-9a8b-0c1d2e3f4a5b", "status": "succeeded",
                 "model": "demand/eta", "instance": "0d9b8a7c-6e5f-4a3b-2c1d-0e9f8a7b6c5d", "deployment": "eta-live",
                 "query": "SELECT * FROM ml.trips WHERE ds = '2026-11-01'", "output": "ml.trip_predictions",
                 "errors": "ml.trip_predictions_errors", "executionDate": "2026-11-01", "columns": ["prediction", "probability"],
                 "progress": {"phase": "done", "tasksCompleted": 8, "tasksTotal": 8},
                 "result": {"rowsRead": 1000, "rowsScored": 990, "rowsSkipped": 2, "rowsFailed": 8,
                            "rowsWritten": 990, "errorRowsWritten": 10, "scoredAt": "2026-11-22T03:12:32.123456Z",
                            "elapsedMillis": 5321},
                 "error": null,
                 "submittedAt": "2026-11-22T03:12:26Z", "submittedBy": "alice",
                 "startedAt": "2026-11-22T03:12:27Z", "finishedAt": "2026-11-22T03:12:33Z",
                 "workflowRun": null, "step": null}
                """, BatchJob.class);

        assertThat(job.id()).isEqualTo(UUID.fromString("6f1c2a3b-1d2e-4f50-9a8b-0c1d2e3f4a5b"));
        assertThat(job.finished()).isTrue();
        assertThat(job.failed()).isFalse();
        assertThat(job.instance()).isEqualTo(UUID.fromString("0d9b8a7c-6e5f-4a3b-2c1d-0e9f8a7b6c5d"));
        assertThat(job.deployment()).isEqualTo("eta-live");
        assertThat(job.errors()).isEqualTo("ml.trip_predictions_errors");
        assertThat(job.executionDate()).isEqualTo(LocalDate.of(2026, 11, 1));
        assertThat(job.columns()).containsExactly("prediction", "probability");
        assertThat(job.progress()).isEqualTo(new BatchJob.Progress("done", 8, 8));
        assertThat(job.result()).isEqualTo(new BatchJob.Result(null, null, null, null, null, 1000, 990, 2, 8, 990, 10,
                Instant.parse("2026-11-22T03:12:32.123456Z"), 5321));
        assertThat(job.error()).isNull();
        assertThat(job.submittedBy()).isEqualTo("alice");
        assertThat(job.elapsed(Instant.now())).contains(Duration.ofMillis(5321));
        assertThat(job.workflowRun()).isNull();
    }

    @Test
    void readsAFailedJobOfAWorkflowStep() throws Exception {
        BatchJob job = JSON.readValue("""
                {"id": "6f1c2a3b-1d2e-4f50-9a8b-0c1d2e3f4a5b", "status": "failed",
                 "model": "demand/eta", "instance": "0d9b8a7c-6e5f-4a3b-2c1d-0e9f8a7b6c5d", "deployment": null,
                 "query": "SELECT * FROM ml.nope", "output": "ml.trip_predictions", "errors": "ml.trip_predictions_errors",
                 "executionDate": "2026-11-01", "columns": [],
                 "progress": {"phase": "fetching model", "tasksCompleted": 0, "tasksTotal": 0},
                 "result": null,
                 "error": {"code": "INVALID_ARGUMENT", "message": "table ml.nope does not exist", "field": "query"},
                 "submittedAt": "2026-11-22T03:12:26Z", "submittedBy": "scheduler",
                 "startedAt": "2026-11-22T03:12:27Z", "finishedAt": "2026-11-22T03:12:29.5Z",
                 "workflowRun": "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", "step": "score"}
                """, BatchJob.class);

        assertThat(job.failed()).isTrue();
        assertThat(job.finished()).isTrue();
        assertThat(job.error()).isEqualTo(new BatchJob.Error("INVALID_ARGUMENT", "table ml.nope does not exist", "query"));
        assertThat(job.result()).isNull();
        assertThat(job.deployment()).isNull();
        assertThat(job.elapsed(Instant.now())).contains(Duration.ofMillis(2500));
        assertThat(job.workflowRun()).isEqualTo(UUID.fromString("1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9"));
        assertThat(job.step()).isEqualTo("score");
    }

    @Test
    void aQueuedJobIsNotFinishedAndHasNoElapsedTime() throws Exception {
        BatchJob job = JSON.readValue("""
                {"id": "6f1c2a3b-1d2e-4f50-9a8b-0c1d2e3f4a5b", "status": "queued", "model": "demand/eta",
                 "instance": "0d9b8a7c-6e5f-4a3b-2c1d-0e9f8a7b6c5d", "query": "SELECT 1", "output": "ml.p",
                 "executionDate": "2026-11-01", "progress": {"phase": "queued", "tasksCompleted": 0, "tasksTotal": 0},
                 "submittedAt": "2026-11-22T03:12:26Z", "submittedBy": "alice", "futureField": {"a": 1}}
                """, BatchJob.class);

        assertThat(job.finished()).isFalse();
        assertThat(job.elapsed(Instant.now())).isEmpty();
        assertThat(job.columns()).isEmpty();
    }

    @Test
    void writesAsItReads() throws Exception {
        BatchJob job = new BatchJob(UUID.randomUUID(), BatchJobStatus.RUNNING, "demand/eta", UUID.randomUUID(), null, "SELECT 1",
                "ml.p", "ml.p_errors", LocalDate.of(2026, 11, 1), null, new BatchJob.Progress("scoring", 3, 8), null, null,
                Instant.parse("2026-11-22T03:12:26Z"), "alice", Instant.parse("2026-11-22T03:12:27Z"), null, null, null);

        String text = JSON.writeValueAsString(job);

        assertThat(text).contains("\"executionDate\":\"2026-11-01\"", "\"submittedAt\":\"2026-11-22T03:12:26Z\"");
        assertThat(JSON.readValue(text, BatchJob.class)).isEqualTo(job);
    }
}
