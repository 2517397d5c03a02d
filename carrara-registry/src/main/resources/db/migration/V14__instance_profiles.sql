-- The reference profile of an instance (io.carrara.monitoring.drift.Profile as JSON, bounded by its format): the
-- distribution of its validation or training data per feature and of its prediction, against which the monitor measures
-- the drift of logged inputs. One per instance; setting it again replaces it.
CREATE TABLE instance_profiles (
    instance_id  CHAR(36) NOT NULL,
    profile      ${text} NOT NULL,
    profile_rows BIGINT NOT NULL,
    set_at       ${timestamp} NOT NULL,
    set_by       VARCHAR(200) NOT NULL,
    CONSTRAINT pk_instance_profiles PRIMARY KEY (instance_id),
    CONSTRAINT fk_instance_profiles_instance FOREIGN KEY (instance_id) REFERENCES instances (instance_id)
) ${table_options};

-- How far the monitor has read each deployment's logged inputs for drift (by when the predictions were made).
ALTER TABLE monitoring_cursors ADD inputs_until ${timestamp};
