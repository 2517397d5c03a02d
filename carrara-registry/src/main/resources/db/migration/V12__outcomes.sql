-- Monitoring: what a deployment predicts (its task), and the outcomes observed for its logged predictions, which the
-- monitoring runs join with the prediction log. Read and written by io.carrara.registry.monitoring.
CREATE TABLE deployment_monitoring (
    deployment  VARCHAR(128) NOT NULL,
    task        VARCHAR(32) NOT NULL,
    updated_at  ${timestamp} NOT NULL,
    updated_by  VARCHAR(200) NOT NULL,
    CONSTRAINT pk_deployment_monitoring PRIMARY KEY (deployment)
) ${table_options};

-- One outcome per logged prediction: a later one for the same prediction replaces it (the last one wins) and is
-- counted as a duplicate. An outcome whose prediction is not (yet) in the log is kept, counted as an orphan when it
-- arrives, and joined once its prediction is there.
CREATE TABLE outcomes (
    deployment    VARCHAR(128) NOT NULL,
    prediction_id VARCHAR(64) NOT NULL,
    outcome       VARCHAR(256) NOT NULL,
    observed_at   ${timestamp} NOT NULL,
    received_at   ${timestamp} NOT NULL,
    received_by   VARCHAR(200) NOT NULL,
    CONSTRAINT pk_outcomes PRIMARY KEY (deployment, prediction_id)
) ${table_options};
CREATE INDEX ix_outcomes_received ON outcomes (deployment, received_at);
