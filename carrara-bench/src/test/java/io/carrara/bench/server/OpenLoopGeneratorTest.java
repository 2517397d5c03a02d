package io.carrara.bench.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OpenLoopGeneratorTest {
    /** Answers every request at once, failing the odd ones. */
    private static final class InstantTarget implements LoadTarget {
        final AtomicInteger sent = new AtomicInteger();

        @Override
        public String label() {
            return "instant";
        }

        @Override
        public void send(long sequence, Completion completion) {
            sent.incrementAndGet();
            completion.completed(sequence % 2 == 1 ? "HTTP 503" : null);
        }

        @Override
        public void verify() {
        }
    }

    @Test
    void sendsExactlyTheScheduleAndRecordsOnlyTheMeasuredWindow() {
        InstantTarget target = new InstantTarget();
        AtomicInteger measureStarts = new AtomicInteger();

        LoadResult result = new OpenLoopGenerator(target, 1_000).run(Duration.ofMillis(50), Duration.ofMillis(200),
                Duration.ofSeconds(1), measureStarts::incrementAndGet);

        assertThat(target.sent).hasValue(250);
        assertThat(measureStarts).hasValue(1);
        assertThat(result.requests()).isEqualTo(200);
        // Requests 50..249: the even ones succeed, the odd ones are counted by kind and kept out of the latencies.
        assertThat(result.latency().getTotalCount()).isEqualTo(100);
        assertThat(result.serviceTime().getTotalCount()).isEqualTo(100);
        assertThat(result.sendLag().getTotalCount()).isEqualTo(200);
        assertThat(result.errors()).containsExactlyEntriesOf(java.util.Map.of("HTTP 503", 100L));
        assertThat(result.failed()).isEqualTo(100);
        assertThat(result.unanswered()).isZero();
    }
}
