package io.carrara.registry.model;

import static java.util.Objects.requireNonNull;

import io.carrara.spi.model.ModelRef;
import java.util.List;

/** Where a model sits in the dependency graph, both ways, and its instance history (newest first). */
public record Lineage(ModelRef model, List<UpstreamNode> upstream, List<DownstreamNode> downstream, List<Instance> instances) {
    public Lineage {
        requireNonNull(model, "model is null");
        upstream = List.copyOf(upstream);
        downstream = List.copyOf(downstream);
        instances = List.copyOf(instances);
    }

    /** A model this one depends on, with what that model depends on in turn. */
    public record UpstreamNode(ModelRef model, List<UpstreamNode> upstream) {
        public UpstreamNode {
            requireNonNull(model, "model is null");
            upstream = List.copyOf(upstream);
        }
    }

    /** A model that depends on this one, with the models that depend on it in turn. */
    public record DownstreamNode(ModelRef model, List<DownstreamNode> downstream) {
        public DownstreamNode {
            requireNonNull(model, "model is null");
            downstream = List.copyOf(downstream);
        }
    }
}
