package io.carrara.serving.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.carrara.registry.deploy.Routing;
import io.carrara.registry.model.Instance;
import io.carrara.serving.ServingErrorCode;
import io.carrara.serving.predict.PredictionResult.Status;
import io.carrara.serving.predict.RowError;
import io.carrara.serving.runtime.GoldenModels;
import io.carrara.serving.runtime.ModelRuntimes;
import io.carrara.serving.runtime.ScoredRow;
import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scoring of a plan with real golden pipelines from a real cache (H2 registry, file blobs). */
class PlanScorerTest {
    @TempDir
    Path home;

    private TestRegistry registry;
    private ModelCache cache;
    private PlanScorer scorer;
    private Instance lr;
    private Instance gbt;

    @BeforeEach
    void setUp() {
        registry = new TestRegistry(home.resolve("blobs"));
        lr = registry.upload(TestRegistry.TRIPS, GoldenModels.TRIPS_LR);
        gbt = registry.upload(TestRegistry.TRIPS, GoldenModels.TRIPS_GBT);
        cache = new ModelCache(ModelCacheConfig.defaults(home.resolve("models")), registry.registry, ModelRuntimes.discover());
        scorer = new PlanScorer(cache);
    }

    @AfterEach
    void tearDown() throws IOException {
        cache.close();
        registry.close();
    }

    @Test
    void eachGroupIsScoredByItsInstanceAndTheOutcomesComeBackInRequestOrder() {
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Map<String, Object>> inputs = GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 4);
        for (int i = 0; i < inputs.size(); i++) {
            rows.add(with(inputs.get(i), "lane", i % 2 == 0 ? "a" : "b"));
        }
        Router byLane = Router.of(new Routing.Partitioned("lane", Map.of("b", gbt.id()), lr.id()));
        RowError[] rejected = new RowError[rows.size()];
        rejected[2] = new RowError(ServingErrorCode.FEATURE_MISSING, "no distance for key 't9'", "distance");

        ScoredRow[] outcomes = scorer.score(PredictionPlan.of(rows, rejected, byLane, Optional.empty()));

        assertThat(outcomes).extracting(ScoredRow::status).containsExactly(Status.SCORED, Status.SCORED, Status.FAILED, Status.SCORED);
        assertThat(outcomes[2].error()).contains(rejected[2]);
        // Rows 0 and 1 went to different pipelines: each scored as its own instance alone scores it.
        assertThat(outcomes[0].output()).isEqualTo(alone(lr, rows.get(0)).output());
        assertThat(outcomes[1].output()).isEqualTo(alone(gbt, rows.get(1)).output());
        assertThat(outcomes[3].output()).isEqualTo(alone(gbt, rows.get(3)).output());
        assertThat(outcomes[0].output().orElseThrow()).containsEntry("lane", "a");
    }

    @Test
    void aGroupWhoseModelCannotLoadFailsOnlyItsRowsWithTheCachesError() {
        Instance broken = registry.uploadBroken(TestRegistry.TRIPS);
        List<Map<String, Object>> inputs = GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 2);
        List<Map<String, Object>> rows = List.of(with(inputs.get(0), "lane", "a"), with(inputs.get(1), "lane", "broken"));
        Router byLane = Router.of(new Routing.Partitioned("lane", Map.of("broken", broken.id()), lr.id()));

        ScoredRow[] outcomes = scorer.score(PredictionPlan.of(rows, null, byLane, Optional.empty()));

        assertThat(outcomes).extracting(ScoredRow::status).containsExactly(Status.SCORED, Status.FAILED);
        RowError error = outcomes[1].error().orElseThrow();
        assertThat(error.code()).isEqualTo(ServingErrorCode.MODEL_UNAVAILABLE.toErrorCode());
        assertThat(error.message()).contains(broken.id().toString());
        assertThat(error.column()).isEmpty();
    }

    @Test
    void whenNoGroupsModelLoadsTheRequestFailsWithTheFirstError() {
        Instance broken = registry.uploadBroken(TestRegistry.TRIPS);
        List<Map<String, Object>> rows = GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 2);

        CarraraException error = catchThrowableOfType(
                () -> scorer.score(PredictionPlan.of(rows, null, Router.of(new Routing.Pinned(broken.id())), Optional.empty())),
                CarraraException.class);

        assertThat(error.errorCode()).isEqualTo(ServingErrorCode.MODEL_UNAVAILABLE.toErrorCode());
        assertThat(error.getMessage()).contains(broken.id().toString());
    }

    @Test
    void aRowThePipelineRefusesCarriesThePipelinesCodeAndColumn() {
        Map<String, Object> wrong = with(GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 1).get(0), "distance", "far");
        List<Map<String, Object>> rows = List.of(GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 1).get(0), wrong);

        ScoredRow[] outcomes = scorer.score(PredictionPlan.of(rows, null, Router.of(new Routing.Pinned(lr.id())), Optional.empty()));

        assertThat(outcomes[0].status()).isEqualTo(Status.SCORED);
        RowError error = outcomes[1].error().orElseThrow();
        assertThat(error.code().name()).isEqualTo("ROW_INVALID");
        assertThat(error.code().code()).isEqualTo(0x0002_0005);
        assertThat(error.column()).contains("distance");
        assertThat(error.message()).contains("column distance expects a number");
    }

    @Test
    void everyRowRefusedScoresNothingAndLoadsNothing() {
        Instance broken = registry.uploadBroken(TestRegistry.TRIPS);
        RowError missing = new RowError(ServingErrorCode.FEATURE_MISSING, "no key", "trip");

        ScoredRow[] outcomes = scorer.score(PredictionPlan.of(List.of(Map.of()), new RowError[] {missing},
                Router.of(new Routing.Pinned(broken.id())), Optional.empty()));

        assertThat(outcomes).extracting(ScoredRow::error).containsExactly(Optional.of(missing));
        assertThat(cache.failure(broken.id())).as("the broken instance was never asked for").isEmpty();
    }

    private ScoredRow alone(Instance instance, Map<String, Object> row) {
        return cache.get(instance.id()).score(List.of(row)).get(0);
    }

    private static Map<String, Object> with(Map<String, Object> row, String field, Object value) {
        Map<String, Object> copy = new HashMap<>(row);
        copy.put(field, value);
        return copy;
    }
}
