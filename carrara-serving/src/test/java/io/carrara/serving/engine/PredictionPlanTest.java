package io.carrara.serving.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.registry.deploy.Routing;
import io.carrara.serving.ServingErrorCode;
import io.carrara.serving.predict.PredictionResult;
import io.carrara.serving.predict.PredictionResult.Status;
import io.carrara.serving.predict.RowError;
import io.carrara.serving.runtime.ScoredRow;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PredictionPlanTest {
    private static final UUID NYC = UUID.fromString("00000000-0000-4000-8000-000000000001");
    private static final UUID SF = UUID.fromString("00000000-0000-4000-8000-000000000002");
    private static final UUID FALLBACK = UUID.fromString("00000000-0000-4000-8000-000000000003");
    private static final UUID PIN = UUID.fromString("00000000-0000-4000-8000-000000000004");
    private static final Router BY_CITY = Router.of(new Routing.Partitioned("city", Map.of("nyc", NYC, "sf", SF), FALLBACK));
    private static final RowError MISSING = new RowError(ServingErrorCode.FEATURE_MISSING, "no trips_7d for key 'd9'", "trips_7d");

    private final List<Map<String, Object>> rows = List.of(
            Map.of("city", "sf"), Map.of("city", "nyc"), Map.of("city", "sf"), Map.of("city", "paris"), Map.of("city", "nyc"));

    @Test
    void rowsAreGroupedByTheirInstanceInTheOrderEachFirstAppears() {
        PredictionPlan plan = PredictionPlan.of(rows, null, BY_CITY, Optional.empty());

        assertThat(plan.size()).isEqualTo(5);
        assertThat(List.of(plan.instance(0), plan.instance(1), plan.instance(2), plan.instance(3), plan.instance(4)))
                .containsExactly(SF, NYC, SF, FALLBACK, NYC);
        assertThat(plan.groups()).extracting(PredictionPlan.Group::instance).containsExactly(SF, NYC, FALLBACK);
        assertThat(plan.groups().get(0).rows()).containsExactly(0, 2);
        assertThat(plan.groups().get(1).rows()).containsExactly(1, 4);
        assertThat(plan.groups().get(2).rows()).containsExactly(3);
        assertThat(plan.rejected(0)).isNull();
    }

    @Test
    void aRowRefusedBeforeScoringKeepsItsInstanceButJoinsNoGroup() {
        RowError[] rejected = new RowError[5];
        rejected[1] = MISSING;
        rejected[3] = MISSING;

        PredictionPlan plan = PredictionPlan.of(rows, rejected, BY_CITY, Optional.empty());

        assertThat(plan.groups()).extracting(PredictionPlan.Group::instance).containsExactly(SF, NYC);
        assertThat(plan.groups().get(0).rows()).containsExactly(0, 2);
        assertThat(plan.groups().get(1).rows()).containsExactly(4);
        assertThat(plan.rejected(1)).isSameAs(MISSING);
        assertThat(plan.rejected(3)).isSameAs(MISSING);
        assertThat(plan.instance(3)).as("reported as the instance the row would have gone to").isEqualTo(FALLBACK);
    }

    @Test
    void aPinSendsEveryRowToThePinnedInstanceWhateverTheRouter() {
        PredictionPlan plan = PredictionPlan.of(rows, null, BY_CITY, Optional.of(PIN));

        assertThat(plan.groups()).hasSize(1);
        assertThat(plan.groups().get(0).instance()).isEqualTo(PIN);
        assertThat(plan.groups().get(0).rows()).containsExactly(0, 1, 2, 3, 4);
        assertThat(plan.instance(3)).isEqualTo(PIN);
    }

    @Test
    void aPinnedDeploymentOrRowsOfOnePartitionMakeOneGroup() {
        PredictionPlan pinned = PredictionPlan.of(rows, null, Router.of(new Routing.Pinned(NYC)), Optional.empty());
        PredictionPlan onePartition = PredictionPlan.of(List.of(Map.of("city", "nyc"), Map.of("city", "nyc")), null, BY_CITY,
                Optional.empty());

        assertThat(pinned.groups()).singleElement().extracting(PredictionPlan.Group::instance).isEqualTo(NYC);
        assertThat(pinned.groups().get(0).rows()).containsExactly(0, 1, 2, 3, 4);
        assertThat(onePartition.groups()).singleElement().extracting(PredictionPlan.Group::instance).isEqualTo(NYC);
        assertThat(onePartition.groups().get(0).rows()).containsExactly(0, 1);
    }

    @Test
    void everyRowRefusedOrNoRowsAtAllMakesNoGroup() {
        RowError[] all = {MISSING, MISSING};

        assertThat(PredictionPlan.of(List.of(Map.of(), Map.of()), all, Router.of(new Routing.Pinned(NYC)), Optional.empty()).groups())
                .isEmpty();
        assertThat(PredictionPlan.of(List.of(), null, BY_CITY, Optional.empty()).groups()).isEmpty();
    }

    @Test
    void theResultPutsEachOutcomeWithItsInstanceAndPredictionId() {
        RowError[] rejected = new RowError[5];
        rejected[3] = MISSING;
        PredictionPlan plan = PredictionPlan.of(rows, rejected, BY_CITY, Optional.empty());
        ScoredRow scored = ScoredRow.scored(Map.of("city", "sf", "prediction", 1.0), List.of());
        ScoredRow[] outcomes = {scored, scored, ScoredRow.skipped(), ScoredRow.failed(MISSING), scored};

        PredictionResult result = plan.result(outcomes, new String[] {"id-0", null, null, null, "id-4"});

        assertThat(result.rows()).extracting(PredictionResult.Row::status)
                .containsExactly(Status.SCORED, Status.SCORED, Status.SKIPPED, Status.FAILED, Status.SCORED);
        assertThat(result.rows()).extracting(PredictionResult.Row::instance).containsExactly(SF, NYC, SF, FALLBACK, NYC);
        assertThat(result.rows()).extracting(PredictionResult.Row::predictionId)
                .containsExactly(Optional.of("id-0"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("id-4"));
        assertThat(result.rows().get(3).error()).contains(MISSING);
        assertThat(plan.result(outcomes, null).rows()).extracting(PredictionResult.Row::predictionId).containsOnly(Optional.empty());
    }
}
