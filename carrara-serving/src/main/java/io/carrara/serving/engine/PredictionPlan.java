package io.carrara.serving.engine;

import static java.util.Objects.requireNonNull;

import io.carrara.serving.predict.PredictionResult;
import io.carrara.serving.predict.RowError;
import io.carrara.serving.runtime.ScoredRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What a request will do, decided before any model is touched: the instance each row goes to (the
 * request's pin, else the deployment's router on the row after the feature join), the rows each
 * instance scores, and the rows refused before scoring with their {@link RowError}. The
 * {@link PlanScorer} carries it out.
 *
 * <pre>{@code
 * PredictionPlan plan = PredictionPlan.of(join.join(request.rows()), router, request.instance());
 * for (PredictionPlan.Group group : plan.groups()) { ... group.instance(), group.rows() ... }
 * }</pre>
 *
 * <p>Built per request on the prediction path, so it holds arrays rather than collections of boxed
 * indices, and a request whose rows all go to one instance (the usual case) builds no map.
 */
final class PredictionPlan {
    /** The rows (request indices, ascending) that one instance scores; never empty. */
    record Group(UUID instance, int[] rows) {
        Group {
            requireNonNull(instance, "instance is null");
            requireNonNull(rows, "rows is null");
        }
    }

    private final List<Map<String, Object>> rows;
    /** The instance of every row, or null when {@link #only} is. */
    private final UUID[] instances;
    /** The instance of every row when there is one for all; else null. */
    private final UUID only;
    private final List<Group> groups;
    /** {@code rejected[i]} is set when row {@code i} is refused before scoring; null when none is. */
    private final RowError[] rejected;

    private PredictionPlan(List<Map<String, Object>> rows, UUID[] instances, UUID only, List<Group> groups, RowError[] rejected) {
        this.rows = rows;
        this.instances = instances;
        this.only = only;
        this.groups = groups;
        this.rejected = rejected;
    }

    /** The plan of rows after the feature join, routed by {@code pinned} when present, else by {@code router}. */
    static PredictionPlan of(FeatureJoin.Joined joined, Router router, Optional<UUID> pinned) {
        return of(joined.rows(), joined.errors(), router, pinned);
    }

    /**
     * @param rows the rows as they will be scored (after the feature join)
     * @param rejected null, or per row the reason it is refused before scoring (null for a row that is not)
     */
    static PredictionPlan of(List<Map<String, Object>> rows, RowError[] rejected, Router router, Optional<UUID> pinned) {
        requireNonNull(rows, "rows is null");
        requireNonNull(router, "router is null");
        requireNonNull(pinned, "pinned is null");
        int count = rows.size();
        if (rejected != null && rejected.length != count) {
            throw new IllegalArgumentException(rejected.length + " rejections for " + count + " rows");
        }
        if (pinned.isPresent() || router instanceof Router.Pinned) {
            UUID instance = pinned.isPresent() ? pinned.get() : ((Router.Pinned) router).instance();
            return new PredictionPlan(rows, null, instance, oneGroup(instance, count, rejected), rejected);
        }
        UUID[] instances = new UUID[count];
        boolean oneInstance = true;
        for (int i = 0; i < count; i++) {
            instances[i] = router.route(rows.get(i));
            oneInstance &= instances[i].equals(instances[0]);
        }
        if (count == 0 || oneInstance) {
            UUID instance = count == 0 ? router.instances().iterator().next() : instances[0];
            return new PredictionPlan(rows, null, instance, oneGroup(instance, count, rejected), rejected);
        }
        return new PredictionPlan(rows, instances, null, groups(instances, rejected), rejected);
    }

    int size() {
        return rows.size();
    }

    /** The rows as they are scored. */
    List<Map<String, Object>> rows() {
        return rows;
    }

    /** The instance that scores row {@code row}, or would have had it not been refused. */
    UUID instance(int row) {
        return only != null ? only : instances[row];
    }

    /** The groups in the order their instance first appears in the request; rows refused are in none. */
    List<Group> groups() {
        return groups;
    }

    /** Why row {@code row} is refused before scoring, or null when it is scored. */
    RowError rejected(int row) {
        return rejected == null ? null : rejected[row];
    }

    /** The result of the plan's rows, given each row's outcome and its prediction-log id (null ids: none sampled). */
    PredictionResult result(ScoredRow[] outcomes, String[] predictionIds) {
        requireNonNull(outcomes, "outcomes is null");
        PredictionResult.Row[] results = new PredictionResult.Row[outcomes.length];
        for (int i = 0; i < outcomes.length; i++) {
            ScoredRow outcome = outcomes[i];
            results[i] = new PredictionResult.Row(outcome.status(), instance(i), outcome.output(), outcome.added(),
                    Optional.ofNullable(predictionIds == null ? null : predictionIds[i]), outcome.error());
        }
        return new PredictionResult(List.of(results));
    }

    private static List<Group> oneGroup(UUID instance, int count, RowError[] rejected) {
        int scored = count;
        if (rejected != null) {
            for (RowError error : rejected) {
                if (error != null) {
                    scored--;
                }
            }
        }
        if (scored == 0) {
            return List.of();
        }
        int[] indices = new int[scored];
        for (int i = 0, next = 0; i < count; i++) {
            if (rejected == null || rejected[i] == null) {
                indices[next++] = i;
            }
        }
        return List.of(new Group(instance, indices));
    }

    private static List<Group> groups(UUID[] instances, RowError[] rejected) {
        // Per instance, in first-seen order: its group's number and its count of rows.
        Map<UUID, int[]> counts = new LinkedHashMap<>();
        int[] groupOf = new int[instances.length];
        for (int i = 0; i < instances.length; i++) {
            if (rejected != null && rejected[i] != null) {
                groupOf[i] = -1;
                continue;
            }
            int[] count = counts.get(instances[i]);
            if (count == null) {
                count = new int[] {counts.size(), 0};
                counts.put(instances[i], count);
            }
            count[1]++;
            groupOf[i] = count[0];
        }
        int[][] members = new int[counts.size()][];
        int[] filled = new int[counts.size()];
        List<UUID> ids = new ArrayList<>(counts.size());
        for (Map.Entry<UUID, int[]> entry : counts.entrySet()) {
            members[entry.getValue()[0]] = new int[entry.getValue()[1]];
            ids.add(entry.getKey());
        }
        for (int i = 0; i < instances.length; i++) {
            int group = groupOf[i];
            if (group >= 0) {
                members[group][filled[group]++] = i;
            }
        }
        List<Group> groups = new ArrayList<>(members.length);
        for (int g = 0; g < members.length; g++) {
            groups.add(new Group(ids.get(g), members[g]));
        }
        return List.copyOf(groups);
    }
}
