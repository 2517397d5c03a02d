-- How far the quality monitor has read each deployment's outcomes (by the time they were received). A run locks the
-- deployment's row, so that of several servers on one database one computes a deployment's windows at a time.
CREATE TABLE monitoring_cursors (
    deployment     VARCHAR(128) NOT NULL,
    received_until ${timestamp} NOT NULL,
    last_run_at    ${timestamp},
    CONSTRAINT pk_monitoring_cursors PRIMARY KEY (deployment)
) ${table_options};
