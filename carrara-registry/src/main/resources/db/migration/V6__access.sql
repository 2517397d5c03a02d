-- Access control (users, API tokens, per-project roles) and the audit trail, in the placeholder style of
-- V1__registry.sql. Read and written by the server's io.carrara.server.access package.

-- Users of the server. Names follow the registry's name rule; group_names is a JSON array of group names
-- (a role granted to group:NAME applies to its members). A disabled user's tokens are refused.
CREATE TABLE users (
    name        VARCHAR(128) NOT NULL,
    is_admin    BOOLEAN NOT NULL,
    group_names ${text} NOT NULL,
    disabled    BOOLEAN NOT NULL,
    created_at  ${timestamp} NOT NULL,
    created_by  VARCHAR(128) NOT NULL,
    CONSTRAINT pk_users PRIMARY KEY (name)
) ${table_options};

-- API tokens: only the SHA-256 of the secret is kept (hex), never the secret. project and role are set together
-- for a token scoped to one project. Revoked tokens stay, with the time they were revoked.
CREATE TABLE api_tokens (
    token_id     CHAR(36) NOT NULL,
    token_hash   CHAR(64) NOT NULL,
    user_name    VARCHAR(128) NOT NULL,
    name         VARCHAR(128),
    project      VARCHAR(128),
    role         VARCHAR(16),
    created_at   ${timestamp} NOT NULL,
    expires_at   ${timestamp} NOT NULL,
    revoked_at   ${timestamp},
    last_used_at ${timestamp},
    CONSTRAINT pk_api_tokens PRIMARY KEY (token_id),
    CONSTRAINT uq_api_tokens_hash UNIQUE (token_hash),
    CONSTRAINT fk_api_tokens_user FOREIGN KEY (user_name) REFERENCES users (name)
) ${table_options};
CREATE INDEX ix_api_tokens_user ON api_tokens (user_name);

-- Roles in projects: principal is a user name or group:NAME; one role per principal and project.
CREATE TABLE project_members (
    project    VARCHAR(128) NOT NULL,
    principal  VARCHAR(200) NOT NULL,
    role       VARCHAR(16) NOT NULL,
    granted_at ${timestamp} NOT NULL,
    granted_by VARCHAR(128) NOT NULL,
    CONSTRAINT pk_project_members PRIMARY KEY (project, principal)
) ${table_options};
CREATE INDEX ix_project_members_principal ON project_members (principal);

-- Append-only: every change made through the API and every call refused, with who, which token, what, on
-- which object, from which address, the answer's status and, for a refused or failed call, its error code.
CREATE TABLE audit_log (
    audit_id   ${identity},
    logged_at  ${timestamp} NOT NULL,
    user_name  VARCHAR(128) NOT NULL,
    token_id   CHAR(36),
    action     VARCHAR(400) NOT NULL,
    project    VARCHAR(128),
    object     VARCHAR(400),
    address    VARCHAR(64),
    status     INTEGER NOT NULL,
    outcome    VARCHAR(16) NOT NULL,
    reason     VARCHAR(128)
) ${table_options};
CREATE INDEX ix_audit_log_user ON audit_log (user_name, audit_id);
CREATE INDEX ix_audit_log_project ON audit_log (project, audit_id);
CREATE INDEX ix_audit_log_time ON audit_log (logged_at);
