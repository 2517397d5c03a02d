package io.carrara.spi.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ShortDurationsTest {
    @Test
    void readsDaysHoursMinutesAndSeconds() {
        assertThat(ShortDurations.parse("30d")).hasValue(Duration.ofDays(30));
        assertThat(ShortDurations.parse(" 36H ")).hasValue(Duration.ofHours(36));
        assertThat(ShortDurations.parse("90 m")).hasValue(Duration.ofMinutes(90));
        assertThat(ShortDurations.parse("3600s")).hasValue(Duration.ofSeconds(3600));
    }

    @Test
    void anythingElseIsNoDuration() {
        assertThat(ShortDurations.parse("P1D")).isEmpty();
        assertThat(ShortDurations.parse("1w")).isEmpty();
        assertThat(ShortDurations.parse("-1d")).isEmpty();
        assertThat(ShortDurations.parse("9999999999d")).as("too many digits to be meant").isEmpty();
        assertThat(ShortDurations.parse(null)).isEmpty();
    }
}
