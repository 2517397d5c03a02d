-- How far the quality monitor has read each deployment's outcomes (by the time they were received). A run locks the
-- deployment's row, so that of several servers on one database one computes a deployment's windows at a time.
CREATE TABLE monitoring_cursors (
    deployment     VARCHAR(128) NOT NULL,
    received_until ${timestamp} NOT NULL,
    last_run_at    ${timestamp},
    CONSTRAINT pk_monitoring_cursors PRIMARY KEY (deployment)
) ${table_options};

-- The latest computation of every window's metrics, per deployment, instance and window: the series that
-- GET /api/v1/deployments/{name}/monitoring and carrara monitor show read (the registry's production metrics keep
-- every computation, for search and rules).
CREATE TABLE monitoring_windows (
    deployment   VARCHAR(128) NOT NULL,
    instance_id  CHAR(36) NOT NULL,
    window_name  VARCHAR(16) NOT NULL,
    window_start ${timestamp} NOT NULL,
    metric       VARCHAR(128) NOT NULL,
    metric_value DOUBLE PRECISION NOT NULL,
    computed_at  ${timestamp} NOT NULL,
    CONSTRAINT pk_monitoring_windows PRIMARY KEY (deployment, instance_id, window_name, window_start, metric)
) ${table_options};
