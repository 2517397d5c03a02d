package io.carrara.registry.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/** An outbox row: one change to the registry, in the order it was committed. */
public record Event(long id, String type, String project, String model, UUID instance, JsonNode payload, Instant createdAt) {
    public static final String PROJECT_CREATED = "project.created";
    public static final String MODEL_CREATED = "model.created";
    public static final String DEPENDENCY_ADDED = "dependency.added";
    public static final String DEPENDENCY_REMOVED = "dependency.removed";
    public static final String INSTANCE_CREATED = "instance.created";
    public static final String INSTANCE_DEPRECATED = "instance.deprecated";
    public static final String METRIC_RECORDED = "metric.recorded";
    public static final String ANNOTATION_SET = "annotation.set";
    public static final String ANNOTATION_REMOVED = "annotation.removed";
    public static final String DEPLOYMENT_CREATED = "deployment.created";
    public static final String DEPLOYMENT_UPDATED = "deployment.updated";
    public static final String DEPLOYMENT_UNDEPLOYED = "deployment.undeployed";
    public static final String DEPLOYMENT_REFUSED = "deployment.refused";

    public Event {
        requireNonNull(type, "type is null");
        requireNonNull(payload, "payload is null");
        requireNonNull(createdAt, "createdAt is null");
    }
}
