package io.carrara.api.access;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;

/**
 * One entry of the audit trail: a change made or a call refused. {@code user} is who the server took
 * the caller to be ({@code anonymous} without credentials), {@code token} the token used;
 * {@code action} is the call ({@code POST /api/v1/projects/{project}/models}), {@code object} what it
 * was about ({@code project demand}, {@code instance 1b4e...}), {@code status} the HTTP status of the
 * answer and {@code reason} the error code of a refused or failed call.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditRecord(long id, Instant time, String user, UUID token, String action, String project, String object,
        String address, int status, String outcome, String reason) {
    public AuditRecord {
        requireNonNull(time, "time is null");
        requireNonNull(user, "user is null");
        requireNonNull(action, "action is null");
        requireNonNull(outcome, "outcome is null");
    }
}
