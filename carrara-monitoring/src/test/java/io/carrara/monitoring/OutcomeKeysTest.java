package io.carrara.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OutcomeKeysTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Optional<String> key(String json) throws Exception {
        return OutcomeKeys.text(JSON.readTree("{\"k\": " + json + "}").get("k"));
    }

    @Test
    void textsAsTheyAreAndWholeNumbersAsTheirDigitsHoweverWritten() throws Exception {
        assertThat(key("\"T-1042\"")).contains("T-1042");
        assertThat(key("42")).contains("42");
        assertThat(key("42.0")).contains("42");
        assertThat(key("\"42.0\"")).contains("42.0");
        assertThat(key("123456789012345678901234567890")).contains("123456789012345678901234567890");
        assertThat(key("-7")).contains("-7");
        assertThat(key("4.5")).contains("4.5");
        assertThat(key("1e20")).contains("1.0E20");
    }

    @Test
    void whatIsNoKeyIsEmpty() throws Exception {
        assertThat(OutcomeKeys.text(null)).isEmpty();
        assertThat(key("null")).isEmpty();
        assertThat(key("true")).isEmpty();
        assertThat(key("[1]")).isEmpty();
        assertThat(key("{\"a\": 1}")).isEmpty();
        assertThat(key("\"\"")).isEmpty();
        assertThat(key("\"" + "x".repeat(OutcomeKeys.MAX_LENGTH) + "\"")).isPresent();
        assertThat(key("\"" + "x".repeat(OutcomeKeys.MAX_LENGTH + 1) + "\"")).isEmpty();
    }
}
