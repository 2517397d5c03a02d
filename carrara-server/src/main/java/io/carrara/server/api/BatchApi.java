package io.carrara.server.api;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ResponseEntity;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.ProducesJson;
import io.carrara.api.Page;
import io.carrara.api.batch.BatchJob;
import io.carrara.api.batch.NewBatchJob;
import io.carrara.batch.BatchJobService;
import io.carrara.batch.BatchJobSpec;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The batch job endpoints under {@code /api/v1/batch/jobs}; see docs/api.md. */
@ProducesJson
public final class BatchApi {
    private final BatchJobService jobs;

    public BatchApi(BatchJobService jobs) {
        this.jobs = requireNonNull(jobs, "jobs is null");
    }

    @Post("/batch/jobs")
    public ResponseEntity<BatchJob> submit(AggregatedHttpRequest request) {
        NewBatchJob body = JsonBodies.read(request, NewBatchJob.class);
        BatchJobSpec spec = new BatchJobSpec(Optional.ofNullable(body.instance()),
                Optional.ofNullable(body.deployment()).filter(value -> !value.isBlank()), body.query(), body.output(),
                body.executionDate(), body.columns() == null ? List.of() : body.columns());
        return ResponseEntity.of(ResponseHeaders.of(HttpStatus.ACCEPTED), ApiMapping.batchJob(jobs.submit(spec, caller())));
    }

    @Get("/batch/jobs")
    public Page<BatchJob> list(@Param("limit") Optional<String> limitParameter,
            @Param("offset") Optional<String> offsetParameter) {
        int limit = ApiParameters.integer(limitParameter, "limit", 100);
        int offset = ApiParameters.integer(offsetParameter, "offset", 0);
        ApiParameters.checkPage(limit, offset);
        io.carrara.server.access.Principal caller = io.carrara.server.access.AccessGuard.caller();
        Page<BatchJob> page = ApiMapping.page(io.carrara.registry.model.Page.fromOverfetch(jobs.list(limit + 1, offset), limit,
                offset), ApiMapping::batchJob);
        // The jobs of models whose project the caller may read; the page's paging stays the list's.
        return new Page<>(page.items().stream().filter(job -> job.model() == null
                || caller.roleIn(io.carrara.spi.model.ModelRef.parse(job.model(), "model").project()).isPresent()).toList(),
                page.nextOffset());
    }

    @Get("/batch/jobs/{id}")
    public BatchJob get(@Param("id") String id) {
        return ApiMapping.batchJob(jobs.get(jobId(id)));
    }

    /** Cancels a queued or running job of this server; it ends as failed with the error {@code CANCELLED}. */
    @Post("/batch/jobs/{id}/cancel")
    public ResponseEntity<BatchJob> cancel(@Param("id") String id) {
        return ResponseEntity.of(ResponseHeaders.of(HttpStatus.ACCEPTED),
                ApiMapping.batchJob(jobs.cancel(jobId(id), caller())));
    }

    private static UUID jobId(String id) {
        return ApiParameters.uuid(id, "id", "a batch job id");
    }

    /** Who the change is recorded as: the authenticated caller (with authentication off, what the client said). */
    private static String caller() {
        return io.carrara.server.access.AccessGuard.caller().user();
    }
}
