package io.carrara.registry;

import static io.carrara.registry.db.DatabaseTimes.toDb;
import static java.util.Objects.requireNonNull;

import io.carrara.registry.model.Lineage.DownstreamNode;
import io.carrara.registry.model.Lineage.UpstreamNode;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/** The model dependency graph: its edges, the walks along them (closures, lineage trees) and the order of propagation. */
final class DependencyStore {
    private final ModelStore models;

    DependencyStore(ModelStore models) {
        this.models = requireNonNull(models, "models is null");
    }

    void insert(Handle handle, long modelId, long upstreamId, Instant now, String by) {
        handle.createUpdate("INSERT INTO model_dependencies (model_id, upstream_model_id, created_at, created_by) VALUES (?, ?, ?, ?)")
                .bind(0, modelId).bind(1, upstreamId).bind(2, toDb(now)).bind(3, by).execute();
    }

    /** Removes the edge; false when there was none. */
    boolean delete(Handle handle, long modelId, long upstreamId) {
        return handle.createUpdate("DELETE FROM model_dependencies WHERE model_id = ? AND upstream_model_id = ?")
                .bind(0, modelId).bind(1, upstreamId).execute() > 0;
    }

    List<Long> upstreamIds(Handle handle, long modelId) {
        return handle.createQuery("SELECT upstream_model_id FROM model_dependencies WHERE model_id = ? ORDER BY upstream_model_id")
                .bind(0, modelId).mapTo(Long.class).list();
    }

    List<Long> downstreamIds(Handle handle, long modelId) {
        return handle.createQuery("SELECT model_id FROM model_dependencies WHERE upstream_model_id = ? ORDER BY model_id")
                .bind(0, modelId).mapTo(Long.class).list();
    }

    /** Every model {@code modelId} depends on, directly or through others. */
    Set<Long> upstreamClosure(Handle handle, long modelId) {
        Set<Long> seen = new HashSet<>();
        Deque<Long> pending = new ArrayDeque<>(List.of(modelId));
        while (!pending.isEmpty()) {
            for (long upstream : upstreamIds(handle, pending.pop())) {
                if (seen.add(upstream)) {
                    pending.push(upstream);
                }
            }
        }
        return seen;
    }

    List<UpstreamNode> upstreamTree(Handle handle, long modelId) {
        return upstreamTree(handle, modelId, new HashSet<>());
    }

    List<DownstreamNode> downstreamTree(Handle handle, long modelId) {
        return downstreamTree(handle, modelId, new HashSet<>());
    }

    /**
     * Every model downstream of {@code rootModelId} (transitively) in topological order: a model
     * comes after every model between it and the root, so one reached along two paths comes once,
     * after both.
     */
    List<Long> downstreamInTopologicalOrder(Handle handle, long rootModelId) {
        Map<Long, List<Long>> downstreamEdges = new HashMap<>();
        Set<Long> closure = new LinkedHashSet<>();
        Deque<Long> pending = new ArrayDeque<>(List.of(rootModelId));
        while (!pending.isEmpty()) {
            long current = pending.pop();
            List<Long> children = downstreamIds(handle, current);
            downstreamEdges.put(current, children);
            for (long child : children) {
                if (closure.add(child)) {
                    pending.push(child);
                }
            }
        }
        Map<Long, Integer> inDegree = new HashMap<>();
        closure.forEach(modelId -> inDegree.put(modelId, 0));
        downstreamEdges.forEach((from, children) -> children.forEach(child -> inDegree.merge(child, 1, Integer::sum)));
        Deque<Long> ready = new ArrayDeque<>();
        for (long child : downstreamEdges.get(rootModelId)) {
            if (inDegree.merge(child, -1, Integer::sum) == 0) {
                ready.add(child);
            }
        }
        List<Long> ordered = new ArrayList<>();
        while (!ready.isEmpty()) {
            long modelId = ready.poll();
            ordered.add(modelId);
            for (long child : downstreamEdges.getOrDefault(modelId, List.of())) {
                if (inDegree.merge(child, -1, Integer::sum) == 0) {
                    ready.add(child);
                }
            }
        }
        return ordered;
    }

    private List<UpstreamNode> upstreamTree(Handle handle, long modelId, Set<Long> path) {
        List<UpstreamNode> nodes = new ArrayList<>();
        path.add(modelId);
        for (long upstream : upstreamIds(handle, modelId)) {
            if (!path.contains(upstream)) {
                nodes.add(new UpstreamNode(models.refOf(handle, upstream), upstreamTree(handle, upstream, path)));
            }
        }
        path.remove(modelId);
        nodes.sort((a, b) -> a.model().compareTo(b.model()));
        return nodes;
    }

    private List<DownstreamNode> downstreamTree(Handle handle, long modelId, Set<Long> path) {
        List<DownstreamNode> nodes = new ArrayList<>();
        path.add(modelId);
        for (long downstream : downstreamIds(handle, modelId)) {
            if (!path.contains(downstream)) {
                nodes.add(new DownstreamNode(models.refOf(handle, downstream), downstreamTree(handle, downstream, path)));
            }
        }
        path.remove(modelId);
        nodes.sort((a, b) -> a.model().compareTo(b.model()));
        return nodes;
    }
}
