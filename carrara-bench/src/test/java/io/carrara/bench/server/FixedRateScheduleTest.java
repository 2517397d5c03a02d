package io.carrara.bench.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FixedRateScheduleTest {
    @Test
    void spacesRequestsEvenlyFromTheStart() {
        FixedRateSchedule schedule = new FixedRateSchedule(1_000L, 2_000);

        assertThat(schedule.dueNanos(0)).isEqualTo(1_000L);
        assertThat(schedule.dueNanos(1)).isEqualTo(1_000L + 500_000L);
        assertThat(schedule.dueNanos(2_000)).isEqualTo(1_000L + 1_000_000_000L);
        assertThat(schedule.dueNanos(2_001)).isEqualTo(1_000L + 1_000_500_000L);
    }

    @Test
    void keepsRatesThatDoNotDivideASecondExactWithoutDrift() {
        FixedRateSchedule schedule = new FixedRateSchedule(0L, 3);

        assertThat(schedule.dueNanos(1)).isEqualTo(333_333_333L);
        assertThat(schedule.dueNanos(2)).isEqualTo(666_666_666L);
        // After a day the error is still below a nanosecond, not a day's worth of rounding.
        assertThat(schedule.dueNanos(3L * 86_400)).isEqualTo(86_400L * 1_000_000_000L);
    }

    @Test
    void countsTheRequestsDueStrictlyBeforeAnOffset() {
        FixedRateSchedule schedule = new FixedRateSchedule(0L, 2_000);

        assertThat(schedule.countBefore(0)).isZero();
        assertThat(schedule.countBefore(1)).isEqualTo(1); // request 0, due at 0
        assertThat(schedule.countBefore(500_000)).isEqualTo(1);
        assertThat(schedule.countBefore(500_001)).isEqualTo(2);
        assertThat(schedule.countBefore(10_000_000_000L)).isEqualTo(20_000);
        // The first request of a window starting at the offset is due at or after it.
        long first = schedule.countBefore(3_000_000_000L);
        assertThat(schedule.dueNanos(first)).isGreaterThanOrEqualTo(3_000_000_000L);
        assertThat(schedule.dueNanos(first - 1)).isLessThan(3_000_000_000L);
    }

    @Test
    void countIsConsistentWithDueTimesForAnAwkwardRate() {
        FixedRateSchedule schedule = new FixedRateSchedule(0L, 7);
        for (long offset : new long[] {1, 142_857_142, 142_857_143, 999_999_999, 1_000_000_000, 2_500_000_000L}) {
            long count = schedule.countBefore(offset);
            assertThat(schedule.dueNanos(count)).as("first due at or after %d", offset).isGreaterThanOrEqualTo(offset);
            if (count > 0) {
                assertThat(schedule.dueNanos(count - 1)).as("last due before %d", offset).isLessThan(offset);
            }
        }
    }

    @Test
    void refusesRatesAndIndicesThatMakeNoSchedule() {
        assertThatThrownBy(() -> new FixedRateSchedule(0L, 0)).hasMessageContaining("at least 1 request per second");
        assertThatThrownBy(() -> new FixedRateSchedule(0L, 10).dueNanos(-1)).hasMessageContaining("negative");
    }
}
