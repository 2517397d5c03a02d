-- Outcomes keyed by a business key, and window sizes per deployment.
--
-- A monitored deployment may declare the input field its outcomes are keyed by (outcome_key, e.g. trip_id) and how long
-- before its outcome a prediction may have been made (lookback_seconds; 14 days when null), and the sizes of the windows
-- it computes (window_names, comma-separated such as '1d,1h'; daily and hourly when null).
ALTER TABLE deployment_monitoring ADD outcome_key VARCHAR(128);
ALTER TABLE deployment_monitoring ADD lookback_seconds BIGINT;
ALTER TABLE deployment_monitoring ADD window_names VARCHAR(64);

-- The key of a logged prediction, copied from its input by the monitor (the empty string when the input has none),
-- and how far the monitor has done so per deployment (by when the predictions were made).
-- Looked up by key first (an IN list on an index's first column is what every supported database can seek), the
-- deployment compared with the rows found.
ALTER TABLE predictions ADD outcome_key VARCHAR(256);
CREATE INDEX ix_predictions_outcome_key ON predictions (outcome_key, deployment);
ALTER TABLE monitoring_cursors ADD keys_until ${timestamp};

-- Outcomes looked up by prediction id alone when a load checks which it replaces (see predictions' outcome_key).
CREATE INDEX ix_outcomes_prediction ON outcomes (prediction_id);

-- Keyed outcomes whose prediction is not in the log (yet): one per key (the last one wins). The monitor moves one to
-- outcomes, under its prediction's id, once a prediction with its key made within the lookback before it is logged.
CREATE TABLE keyed_outcomes (
    deployment  VARCHAR(128) NOT NULL,
    outcome_key VARCHAR(256) NOT NULL,
    outcome     VARCHAR(256) NOT NULL,
    observed_at ${timestamp} NOT NULL,
    received_at ${timestamp} NOT NULL,
    received_by VARCHAR(200) NOT NULL,
    CONSTRAINT pk_keyed_outcomes PRIMARY KEY (deployment, outcome_key)
) ${table_options};
