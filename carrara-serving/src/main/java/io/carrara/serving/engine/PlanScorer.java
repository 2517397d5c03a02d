package io.carrara.serving.engine;

import static java.util.Objects.requireNonNull;

import io.carrara.serving.predict.RowError;
import io.carrara.serving.runtime.LoadedModel;
import io.carrara.serving.runtime.ScoredRow;
import io.carrara.spi.error.CarraraException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Carries out a {@link PredictionPlan}: takes each group's model from the {@link ModelCache} (loading
 * it on first use in lazy mode), scores the group's rows in one {@link LoadedModel#score} call, and
 * puts every outcome back in request order beside the rows the plan refused. Only
 * {@link LoadedModel} is seen here, so a runtime of another format (python) scores through this same
 * step, found by the cache through its {@link io.carrara.serving.runtime.ModelRuntime}.
 *
 * <p>A group whose model cannot be loaded fails its rows with the cache's error (MODEL_UNAVAILABLE
 * and the reason); when no group's model can be loaded, the request fails with the first such error.
 */
final class PlanScorer {
    private final ModelCache cache;

    PlanScorer(ModelCache cache) {
        this.cache = requireNonNull(cache, "cache is null");
    }

    /** One outcome per row of the plan, in request order. */
    ScoredRow[] score(PredictionPlan plan) {
        requireNonNull(plan, "plan is null");
        List<PredictionPlan.Group> groups = plan.groups();
        LoadedModel[] models = new LoadedModel[groups.size()];
        CarraraException firstFailure = null;
        ScoredRow[] unavailable = null;
        for (int g = 0; g < models.length; g++) {
            try {
                models[g] = cache.get(groups.get(g).instance());
            } catch (CarraraException e) {
                if (firstFailure == null) {
                    firstFailure = e;
                    unavailable = new ScoredRow[models.length];
                }
                // The error's field (instance) is no column of the rows, so the row error names none.
                unavailable[g] = ScoredRow.failed(new RowError(e.errorCode(), e.getMessage(), Optional.empty()));
            }
        }
        if (firstFailure != null && allNull(models)) {
            throw firstFailure;
        }

        ScoredRow[] outcomes = new ScoredRow[plan.size()];
        for (int i = 0; i < outcomes.length; i++) {
            RowError rejected = plan.rejected(i);
            if (rejected != null) {
                outcomes[i] = ScoredRow.failed(rejected);
            }
        }
        for (int g = 0; g < models.length; g++) {
            int[] rows = groups.get(g).rows();
            if (models[g] == null) {
                for (int row : rows) {
                    outcomes[row] = unavailable[g];
                }
                continue;
            }
            List<ScoredRow> scored = models[g].score(input(plan, rows));
            if (scored.size() != rows.length) {
                throw new IllegalStateException("instance " + groups.get(g).instance() + " answered " + scored.size()
                        + " outcomes for " + rows.length + " rows");
            }
            for (int k = 0; k < rows.length; k++) {
                outcomes[rows[k]] = scored.get(k);
            }
        }
        return outcomes;
    }

    /** The group's rows: the request's own list when the group is every row, else a list of those rows. */
    private static List<Map<String, Object>> input(PredictionPlan plan, int[] rows) {
        if (rows.length == plan.size()) {
            return plan.rows(); // the indices are ascending and distinct, so they are 0..n-1
        }
        List<Map<String, Object>> input = new ArrayList<>(rows.length);
        for (int row : rows) {
            input.add(plan.rows().get(row));
        }
        return input;
    }

    private static boolean allNull(LoadedModel[] models) {
        for (LoadedModel model : models) {
            if (model != null) {
                return false;
            }
        }
        return true;
    }
}
