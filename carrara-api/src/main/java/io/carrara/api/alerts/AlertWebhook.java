package io.carrara.api.alerts;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A project's alert webhook: alerts about the project's models of {@code minSeverity} or worse are POSTed to {@code url},
 * signed with the webhook's secret in the Standard Webhooks layout. {@code secret} ({@code whsec_…}) is in the answer to
 * the request that adds the webhook, and never again.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AlertWebhook(long id, String project, String url, String minSeverity, Instant createdAt, String createdBy,
        String secret) {}
