-- A monitored deployment's alert thresholds (a JSON list such as ["auc < 0.7", "drift.psi.max > 0.25"]), and every
-- alert they raised: one per deployment, instance, window and threshold, so that recomputing a window does not raise
-- it again.
ALTER TABLE deployment_monitoring ADD alert_rules ${text};

CREATE TABLE monitoring_alerts (
    deployment   VARCHAR(128) NOT NULL,
    instance_id  CHAR(36) NOT NULL,
    window_name  VARCHAR(16) NOT NULL,
    window_start ${timestamp} NOT NULL,
    threshold    VARCHAR(200) NOT NULL,
    metric_value DOUBLE PRECISION NOT NULL,
    raised_at    ${timestamp} NOT NULL,
    CONSTRAINT pk_monitoring_alerts PRIMARY KEY (deployment, instance_id, window_name, window_start, threshold)
) ${table_options};
