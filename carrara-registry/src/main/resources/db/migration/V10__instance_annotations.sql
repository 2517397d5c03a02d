-- Annotations: the mutable key-value notes of an instance (reviewed, promotedFrom, drifted), set by people and rules
-- (set-meta) after the instance was made. Its metadata stays immutable; each change is an event
-- (annotation.set, annotation.removed) naming who made it.
CREATE TABLE instance_annotations (
    instance_id      CHAR(36) NOT NULL,
    annotation_key   VARCHAR(128) NOT NULL,
    annotation_value VARCHAR(512) NOT NULL,
    set_at           ${timestamp} NOT NULL,
    set_by           VARCHAR(200) NOT NULL,
    CONSTRAINT pk_instance_annotations PRIMARY KEY (instance_id, annotation_key),
    CONSTRAINT fk_instance_annotations_instance FOREIGN KEY (instance_id) REFERENCES instances (instance_id)
) ${table_options};
