-- Per-partition champions: a deployment routed by a field may follow one selection rule per value of that field
-- (per-city champions) and one for every other value. Replaces rule_followers (one rule per deployment), whose rows
-- become rows for the whole deployment. partition_value '' is the whole deployment, or with partition_by the default
-- (the instance for every other value); a deployment's partitions never have an empty value.
CREATE TABLE rule_follows (
    deployment      VARCHAR(128) NOT NULL,
    partition_value VARCHAR(256) NOT NULL,
    partition_by    VARCHAR(128),
    rule_name       VARCHAR(100) NOT NULL,
    followed_at     ${timestamp} NOT NULL,
    followed_by     VARCHAR(200) NOT NULL,
    CONSTRAINT pk_rule_follows PRIMARY KEY (deployment, partition_value)
) ${table_options};
CREATE INDEX ix_rule_follows_rule ON rule_follows (rule_name);

INSERT INTO rule_follows (deployment, partition_value, partition_by, rule_name, followed_at, followed_by)
    SELECT deployment, '', NULL, rule_name, followed_at, followed_by FROM rule_followers;
DROP TABLE rule_followers;
