package io.carrara.client;

import static java.util.Objects.requireNonNull;

import io.carrara.api.Page;
import io.carrara.api.batch.BatchJob;
import java.net.http.HttpRequest;
import java.util.UUID;

/**
 * Batch predictions on the server's Spark. Reached through {@link CarraraClient#batch()}.
 */
public final class BatchClient {
    private final Transport transport;

    BatchClient(Transport transport) {
        this.transport = transport;
    }

    // ---- batch jobs

    /** Queues a batch prediction; the job answered is {@code queued}: follow it with {@link #get}. */
    public BatchJob submit(BatchJobRequest job) {
        requireNonNull(job, "job is null");
        return transport.call(transport.request("/api/v1/batch/jobs").header("Content-Type", "application/json").POST(transport.jsonBody(job.toRequest())),
                transport.type(BatchJob.class));
    }

    public BatchJob get(UUID id) {
        return transport.call(transport.request("/api/v1/batch/jobs/" + requireNonNull(id, "id is null")).GET(), transport.type(BatchJob.class));
    }

    /**
     * Asks the server to cancel a queued or running batch job; the answer is the job as it is now.
     * It ends as failed with the error {@code CANCELLED}; follow it with {@link #get}.
     */
    public BatchJob cancel(UUID id) {
        return transport.call(transport.request("/api/v1/batch/jobs/" + requireNonNull(id, "id is null") + "/cancel")
                .POST(HttpRequest.BodyPublishers.noBody()), transport.type(BatchJob.class));
    }

    /** A page of batch jobs, newest first. */
    public Page<BatchJob> list(int limit, int offset) {
        return transport.call(transport.request(Transport.withPage("/api/v1/batch/jobs", limit, offset)).GET(), transport.pageOf(BatchJob.class));
    }
}
