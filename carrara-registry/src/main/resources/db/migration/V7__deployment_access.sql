-- Who may call a deployment besides the members of its project: whether predictions (REST and the Open Inference
-- Protocol) need no token. Set by the project's managers on a deployment that exists, removed when it is undeployed
-- (a name deployed again starts closed). Placeholders as in V1__registry.sql.
CREATE TABLE deployment_access (
    deployment            VARCHAR(128) NOT NULL,
    anonymous_predictions BOOLEAN NOT NULL,
    changed_at            ${timestamp} NOT NULL,
    changed_by            VARCHAR(128) NOT NULL,
    CONSTRAINT pk_deployment_access PRIMARY KEY (deployment)
) ${table_options};
