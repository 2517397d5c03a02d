package io.carrara.api.registry;

import static java.util.Objects.requireNonNull;

import io.carrara.api.WireCopies;
import java.util.List;

/** A model's upstream and downstream dependency trees and its instance history, newest first. */
public record Lineage(String model, List<UpstreamNode> upstream, List<DownstreamNode> downstream, List<Instance> instances) {
    public Lineage {
        requireNonNull(model, "model is null");
        upstream = WireCopies.list(upstream);
        downstream = WireCopies.list(downstream);
        instances = WireCopies.list(instances);
    }

    /** A model this one depends on, with what that model depends on in turn. */
    public record UpstreamNode(String model, List<UpstreamNode> upstream) {
        public UpstreamNode {
            requireNonNull(model, "model is null");
            upstream = WireCopies.list(upstream);
        }
    }

    /** A model that depends on this one, with the models that depend on it in turn. */
    public record DownstreamNode(String model, List<DownstreamNode> downstream) {
        public DownstreamNode {
            requireNonNull(model, "model is null");
            downstream = WireCopies.list(downstream);
        }
    }
}
