package io.carrara.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.spi.error.CarraraException;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BatchJobRequestTest {
    private static final LocalDate DAY = LocalDate.of(2026, 11, 1);

    @Test
    void namesAnInstanceOrADeployment() {
        UUID id = UUID.randomUUID();
        BatchJobRequest byInstance = BatchJobRequest.ofInstance(id, "SELECT * FROM ml.trips", "ml.p", DAY);
        BatchJobRequest byDeployment = BatchJobRequest.ofDeployment("eta-live", "SELECT * FROM ml.trips", "p", DAY)
                .withColumns(List.of("prediction"));

        assertThat(byInstance.instance()).isEqualTo(id);
        assertThat(byInstance.deployment()).isNull();
        assertThat(byInstance.columns()).isEmpty();
        assertThat(byDeployment.deployment()).isEqualTo("eta-live");
        assertThat(byDeployment.columns()).containsExactly("prediction");
    }

    @Test
    void refusesBothOrNeither() {
        assertThatThrownBy(() -> new BatchJobRequest(UUID.randomUUID(), "eta", "SELECT 1", "ml.p", DAY, null))
                .isInstanceOf(CarraraException.class).hasMessageContaining("exactly one of instance and deployment");
        assertThatThrownBy(() -> new BatchJobRequest(null, null, "SELECT 1", "ml.p", DAY, null))
                .isInstanceOf(CarraraException.class).hasMessageContaining("exactly one of instance and deployment");
    }

    @Test
    void namesTheBadField() {
        assertThatThrownBy(() -> BatchJobRequest.ofDeployment("eta", " ", "ml.p", DAY))
                .isInstanceOf(CarraraException.class)
                .satisfies(e -> assertThat(((CarraraException) e).field()).contains("query"));
        assertThatThrownBy(() -> BatchJobRequest.ofDeployment("eta", "SELECT 1", "ml.p; DROP", DAY))
                .isInstanceOf(CarraraException.class).hasMessageContaining("not a table name like ml.trips")
                .satisfies(e -> assertThat(((CarraraException) e).field()).contains("output"));
        assertThatThrownBy(() -> BatchJobRequest.ofDeployment("eta", "SELECT 1", "ml.p", null))
                .isInstanceOf(CarraraException.class)
                .satisfies(e -> assertThat(((CarraraException) e).field()).contains("executionDate"));
        assertThatThrownBy(() -> BatchJobRequest.ofDeployment("bad name", "SELECT 1", "ml.p", DAY))
                .isInstanceOf(CarraraException.class)
                .satisfies(e -> assertThat(((CarraraException) e).field()).contains("deployment"));
    }
}
