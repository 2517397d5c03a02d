-- Rules (Given/When/Then and selection rules kept in Git), in the placeholder style of V1__registry.sql. Read and
-- written by the server's io.carrara.server.rules package.

-- Every sync of the rules repository: where from, the commit it read, what came of it.
CREATE TABLE rule_syncs (
    sync_id     ${identity},
    source      VARCHAR(1000) NOT NULL,
    branch      VARCHAR(200),
    commit_id   VARCHAR(64),
    started_at  ${timestamp} NOT NULL,
    finished_at ${timestamp},
    outcome     VARCHAR(16) NOT NULL,
    message     ${text},
    synced_by   VARCHAR(200) NOT NULL
) ${table_options};

-- Each version of a rule a sync read, by commit: its file and text, its tests' outcome. At most one version of a
-- name is active (evaluated); a version whose tests fail is kept, inactive, with the report that says why.
CREATE TABLE rule_versions (
    rule_name    VARCHAR(100) NOT NULL,
    commit_id    VARCHAR(64) NOT NULL,
    path         VARCHAR(400) NOT NULL,
    kind         VARCHAR(16) NOT NULL,
    source_text  ${text} NOT NULL,
    tests_passed INTEGER NOT NULL,
    tests_failed INTEGER NOT NULL,
    test_report  ${text} NOT NULL,
    loaded_at    ${timestamp} NOT NULL,
    active       BOOLEAN NOT NULL,
    CONSTRAINT pk_rule_versions PRIMARY KEY (rule_name, commit_id)
) ${table_options};
CREATE INDEX ix_rule_versions_active ON rule_versions (active);

-- Which server evaluates which registry event: the first to insert the claim does; a claim left unfinished by a
-- server that died is taken over after a lease. Events are read past the lowest unclaimed id, so an event whose
-- transaction commits after a later one is not skipped.
CREATE TABLE rule_event_claims (
    event_id    BIGINT NOT NULL,
    claimed_by  VARCHAR(200) NOT NULL,
    claimed_at  ${timestamp} NOT NULL,
    finished_at ${timestamp},
    CONSTRAINT pk_rule_event_claims PRIMARY KEY (event_id)
) ${table_options};

-- Every evaluation of a rule: of an event (at most one per rule and event), or on demand (event_id NULL). actions
-- is a JSON array of the actions with their arguments and outcomes; error names what failed and where.
CREATE TABLE rule_evaluations (
    evaluation_id   ${identity},
    rule_name       VARCHAR(100) NOT NULL,
    commit_id       VARCHAR(64) NOT NULL,
    event_id        BIGINT,
    event_type      VARCHAR(64),
    instance_id     CHAR(36),
    evaluated_at    ${timestamp} NOT NULL,
    matched         BOOLEAN NOT NULL,
    fired           BOOLEAN NOT NULL,
    dry_run         BOOLEAN NOT NULL,
    actions         ${text} NOT NULL,
    error           ${text},
    duration_micros BIGINT NOT NULL,
    CONSTRAINT uq_rule_evaluations_event UNIQUE (rule_name, event_id)
) ${table_options};
CREATE INDEX ix_rule_evaluations_instance ON rule_evaluations (instance_id);

-- The actions a rule took on an event, one row each, written before the action runs and marked done after: a
-- retry after a crash finds what was done and does not do it twice.
CREATE TABLE rule_actions (
    rule_name    VARCHAR(100) NOT NULL,
    event_id     BIGINT NOT NULL,
    action_index INTEGER NOT NULL,
    kind         VARCHAR(16) NOT NULL,
    state        VARCHAR(16) NOT NULL,
    outcome      ${text},
    started_at   ${timestamp} NOT NULL,
    finished_at  ${timestamp},
    CONSTRAINT pk_rule_actions PRIMARY KEY (rule_name, event_id, action_index)
) ${table_options};

-- Deployments that serve what a selection rule selects, re-selected on every event that could change the answer.
CREATE TABLE rule_followers (
    deployment  VARCHAR(128) NOT NULL,
    rule_name   VARCHAR(100) NOT NULL,
    followed_at ${timestamp} NOT NULL,
    followed_by VARCHAR(200) NOT NULL,
    CONSTRAINT pk_rule_followers PRIMARY KEY (deployment)
) ${table_options};
CREATE INDEX ix_rule_followers_rule ON rule_followers (rule_name);
