package io.carrara.client;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A model's upstream and downstream dependency trees and its instance history, newest first. */
public record Lineage(String model, List<Node> upstream, List<Node> downstream, List<Instance> instances) {
    public Lineage {
        requireNonNull(model, "model is null");
        upstream = Copies.list(upstream);
        downstream = Copies.list(downstream);
        instances = Copies.list(instances);
    }

    /**
     * A model in a dependency tree. Upstream trees fill {@code upstream} and downstream trees fill
     * {@code downstream}; the other list is empty.
     */
    public record Node(String model, List<Node> upstream, List<Node> downstream) {
        public Node {
            requireNonNull(model, "model is null");
            upstream = Copies.list(upstream);
            downstream = Copies.list(downstream);
        }
    }
}
