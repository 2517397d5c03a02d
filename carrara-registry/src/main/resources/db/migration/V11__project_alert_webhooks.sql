-- The alert webhooks of a project: where alerts about its models (a rule's alert action; monitoring's thresholds) are
-- POSTed, signed in the Standard Webhooks layout with the webhook's own secret. The secret is kept here because the
-- server signs with it; it is shown once, when the webhook is added. Read and written by io.carrara.server.alerts.
CREATE TABLE project_alert_webhooks (
    webhook_id   ${identity},
    project      VARCHAR(128) NOT NULL,
    url          VARCHAR(2000) NOT NULL,
    secret       VARCHAR(200) NOT NULL,
    min_severity VARCHAR(16) NOT NULL,
    created_at   ${timestamp} NOT NULL,
    created_by   VARCHAR(200) NOT NULL
) ${table_options};
CREATE INDEX ix_project_alert_webhooks_project ON project_alert_webhooks (project);
