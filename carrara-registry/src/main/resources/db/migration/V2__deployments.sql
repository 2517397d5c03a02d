-- Deployments and the prediction log, in the placeholder style of V1__registry.sql.

-- The current state: one row per deployed name. Routing and feature lookups are JSON documents
-- (written and read by DeploymentRegistry, each with a format version).
CREATE TABLE deployments (
    name             VARCHAR(128) NOT NULL,
    model_id         BIGINT NOT NULL,
    routing          ${text} NOT NULL,
    features         ${text} NOT NULL,
    missing_features VARCHAR(16) NOT NULL,
    log_sample_rate  DOUBLE PRECISION NOT NULL,
    revision         INTEGER NOT NULL,
    updated_at       ${timestamp} NOT NULL,
    updated_by       VARCHAR(128) NOT NULL,
    CONSTRAINT pk_deployments PRIMARY KEY (name),
    CONSTRAINT fk_deployments_model FOREIGN KEY (model_id) REFERENCES models (model_id)
) ${table_options};

-- Append-only: every revision of every deployment, undeploys included. Revisions of a name keep
-- counting across an undeploy and a later deploy, so (name, revision) names one change for ever.
-- An undeploy row repeats the configuration it removed.
CREATE TABLE deployment_history (
    history_id       ${identity},
    name             VARCHAR(128) NOT NULL,
    revision         INTEGER NOT NULL,
    action           VARCHAR(16) NOT NULL,
    model_id         BIGINT NOT NULL,
    routing          ${text} NOT NULL,
    features         ${text} NOT NULL,
    missing_features VARCHAR(16) NOT NULL,
    log_sample_rate  DOUBLE PRECISION NOT NULL,
    changed          ${text} NOT NULL,
    changed_at       ${timestamp} NOT NULL,
    changed_by       VARCHAR(128) NOT NULL,
    CONSTRAINT uq_deployment_history_revision UNIQUE (name, revision),
    CONSTRAINT fk_deployment_history_model FOREIGN KEY (model_id) REFERENCES models (model_id)
) ${table_options};

-- One row per logged prediction, written in batches by the serving engine's asynchronous writer.
-- No foreign key to deployments: the log outlives an undeploy, and monitoring joins it with outcomes later.
CREATE TABLE predictions (
    prediction_id  VARCHAR(64) NOT NULL,
    deployment     VARCHAR(128) NOT NULL,
    instance_id    CHAR(36) NOT NULL,
    input          ${text} NOT NULL,
    output         ${text} NOT NULL,
    latency_micros BIGINT NOT NULL,
    created_at     ${timestamp} NOT NULL,
    CONSTRAINT pk_predictions PRIMARY KEY (prediction_id)
) ${table_options};
CREATE INDEX ix_predictions_deployment_created ON predictions (deployment, created_at);
