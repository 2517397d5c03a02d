package io.carrara.api.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.api.WireJson;
import org.junit.jupiter.api.Test;

/** The error body reads as servers write it, a row's column included, and refuses a body without code or message. */
class ErrorBodyTest {
    private static final ObjectMapper JSON = WireJson.strict();

    @Test
    void readsAnErrorAsTheServerWritesIt() throws Exception {
        ErrorBody error = JSON.readValue("{\"code\":\"INVALID_ARGUMENT\",\"number\":2,\"type\":\"INVALID_INPUT\","
                + "\"message\":\"logSampleRate must be between 0 and 1\",\"field\":\"logSampleRate\"}", ErrorBody.class);

        assertThat(error).isEqualTo(new ErrorBody("INVALID_ARGUMENT", 2, "INVALID_INPUT",
                "logSampleRate must be between 0 and 1", "logSampleRate", null));
        assertThat(JSON.writeValueAsString(error)).contains("\"field\":\"logSampleRate\"").doesNotContain("column");
    }

    @Test
    void keepsARowsColumnAndReadsAnOlderServersBodyWithoutNumberOrType() throws Exception {
        ErrorBody row = JSON.readValue("{\"code\":\"ROW_INVALID\",\"number\":131077,\"type\":\"INVALID_INPUT\","
                + "\"message\":\"unseen label 'x' in column city\",\"field\":null,\"column\":\"city\"}", ErrorBody.class);
        ErrorBody older = JSON.readValue("{\"code\":\"NOT_FOUND\",\"message\":\"no such model\",\"field\":\"model\"}",
                ErrorBody.class);

        assertThat(row.column()).isEqualTo("city");
        assertThat(older.number()).isNull();
        assertThat(older.type()).isNull();
        assertThatThrownBy(() -> JSON.readValue("{\"message\":\"no code\"}", ErrorBody.class)).hasMessageContaining("code");
    }
}
