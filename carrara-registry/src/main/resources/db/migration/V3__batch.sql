-- Batch prediction jobs, inference workflows and their runs, and db-scheduler's table. Column types
-- that differ between databases are Flyway placeholders (text, timestamp, blob, zoned_timestamp)
-- filled in by DatabaseDialect, as in V1__registry.sql.

-- One row per batch job, ad hoc or a workflow's predict step. Columns and results are JSON documents.
-- runner is the server process that runs it (servers may share the database).
CREATE TABLE batch_jobs (
    job_id         CHAR(36) NOT NULL,
    status         VARCHAR(16) NOT NULL,
    model_name     VARCHAR(300) NOT NULL,
    instance_id    CHAR(36) NOT NULL,
    deployment     VARCHAR(128),
    query_text     ${text} NOT NULL,
    output_table   VARCHAR(300) NOT NULL,
    execution_date DATE NOT NULL,
    output_columns ${text} NOT NULL,
    result         ${text},
    error          ${text},
    submitted_at   ${timestamp} NOT NULL,
    submitted_by   VARCHAR(128) NOT NULL,
    started_at     ${timestamp},
    finished_at    ${timestamp},
    workflow_run   CHAR(36),
    step_name      VARCHAR(128),
    runner         CHAR(36) NOT NULL,
    CONSTRAINT pk_batch_jobs PRIMARY KEY (job_id)
) ${table_options};
CREATE INDEX ix_batch_jobs_submitted ON batch_jobs (submitted_at);

-- Workflows registered with the server's scheduler: the YAML as the user wrote it.
CREATE TABLE workflows (
    name          VARCHAR(128) NOT NULL,
    schedule      VARCHAR(128),
    definition    ${text} NOT NULL,
    registered_at ${timestamp} NOT NULL,
    registered_by VARCHAR(128) NOT NULL,
    CONSTRAINT pk_workflows PRIMARY KEY (name)
) ${table_options};

-- One row per run of a workflow for an execution date; steps is a JSON array of the steps' states.
-- The definition is kept with the run, so a retry runs what the run ran.
CREATE TABLE workflow_runs (
    run_id         CHAR(36) NOT NULL,
    workflow       VARCHAR(128) NOT NULL,
    execution_date DATE NOT NULL,
    trigger_kind   VARCHAR(16) NOT NULL,
    instance_id    CHAR(36),
    definition     ${text} NOT NULL,
    status         VARCHAR(16) NOT NULL,
    steps          ${text} NOT NULL,
    error          ${text},
    created_at     ${timestamp} NOT NULL,
    created_by     VARCHAR(128) NOT NULL,
    started_at     ${timestamp},
    finished_at    ${timestamp},
    runner         CHAR(36) NOT NULL,
    CONSTRAINT pk_workflow_runs PRIMARY KEY (run_id)
) ${table_options};
CREATE INDEX ix_workflow_runs_workflow ON workflow_runs (workflow, execution_date);

-- The server processes that run batch jobs and workflow runs, each beating every few seconds. A job
-- or run whose runner has stopped beating is marked failed by the servers still alive.
CREATE TABLE batch_runners (
    runner       CHAR(36) NOT NULL,
    host         VARCHAR(255) NOT NULL,
    started_at   ${timestamp} NOT NULL,
    heartbeat_at ${timestamp} NOT NULL,
    CONSTRAINT pk_batch_runners PRIMARY KEY (runner)
) ${table_options};

-- db-scheduler's executions (its documented schema): one row per registered workflow's next run.
CREATE TABLE scheduled_tasks (
    task_name            VARCHAR(100) NOT NULL,
    task_instance        VARCHAR(100) NOT NULL,
    task_data            ${blob},
    execution_time       ${zoned_timestamp} NOT NULL,
    picked               BOOLEAN NOT NULL,
    picked_by            VARCHAR(50),
    last_success         ${zoned_timestamp} NULL,
    last_failure         ${zoned_timestamp} NULL,
    consecutive_failures INT,
    last_heartbeat       ${zoned_timestamp} NULL,
    version              BIGINT NOT NULL,
    priority             SMALLINT,
    CONSTRAINT pk_scheduled_tasks PRIMARY KEY (task_name, task_instance)
) ${table_options};
CREATE INDEX ix_scheduled_tasks_execution_time ON scheduled_tasks (execution_time);
CREATE INDEX ix_scheduled_tasks_last_heartbeat ON scheduled_tasks (last_heartbeat);
CREATE INDEX ix_scheduled_tasks_priority_time ON scheduled_tasks (priority, execution_time);
