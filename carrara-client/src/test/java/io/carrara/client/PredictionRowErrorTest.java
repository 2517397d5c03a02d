package io.carrara.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.api.predict.PredictResponse;
import io.carrara.spi.error.ErrorCode;
import io.carrara.spi.error.ErrorType;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A predict answer's row errors (docs/api.md, PredictResponse), read as the server writes them. */
class PredictionRowErrorTest {
    private static final ObjectMapper JSON = CarraraJson.newObjectMapper();

    @Test
    void rebuildsEachFailedRowsCodeMessageAndColumn() throws Exception {
        PredictResponse answer = JSON.readValue("""
                {"predictions": [
                   {"city": "nyc", "prediction": 1.0},
                   {"skipped": true},
                   {"error": "unseen label 'x' in column city; set handleInvalid=keep", "code": "ROW_INVALID", "number": 131077,
                    "type": "INVALID_INPUT", "message": "unseen label 'x' in column city; set handleInvalid=keep", "column": "city"},
                   {"error": "instance 6f1c… failed to load", "code": "MODEL_UNAVAILABLE", "number": 196610,
                    "type": "UNAVAILABLE", "message": "instance 6f1c… failed to load"}],
                 "instances": [], "predictionIds": [null, null, null, null]}
                """, PredictResponse.class);

        List<Optional<PredictionRowError>> errors = PredictionRowError.inAnswer(answer);

        assertThat(errors).hasSize(4);
        assertThat(errors.get(0)).isEmpty();
        assertThat(errors.get(1)).isEmpty();
        assertThat(errors.get(2)).contains(new PredictionRowError(new ErrorCode(131077, "ROW_INVALID", ErrorType.INVALID_INPUT),
                "unseen label 'x' in column city; set handleInvalid=keep", Optional.of("city")));
        PredictionRowError unavailable = errors.get(3).orElseThrow();
        assertThat(unavailable.code()).isEqualTo(new ErrorCode(196610, "MODEL_UNAVAILABLE", ErrorType.UNAVAILABLE));
        assertThat(unavailable.column()).isEmpty();
    }

    @Test
    void aRowErrorFromAServerBeforeTheErrorProtocolKeepsItsMessageAndColumn() throws Exception {
        PredictResponse answer = JSON.readValue("{\"predictions\": [{\"error\": \"column distance expects a number\","
                + " \"column\": \"distance\"}]}", PredictResponse.class);

        PredictionRowError error = PredictionRowError.of(answer, 0).orElseThrow();

        assertThat(error.code()).isEqualTo(new ErrorCode(0, "ROW_INVALID", ErrorType.INVALID_INPUT));
        assertThat(error.message()).isEqualTo("column distance expects a number");
        assertThat(error.column()).contains("distance");
    }

    @Test
    void anAnswerWithoutPredictionsIsNoPredictAnswer() {
        assertThatThrownBy(() -> JSON.readValue("{\"rows\": []}", PredictResponse.class))
                .hasMessageContaining("predictions");
    }
}
