package io.carrara.bench.server;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What the client saw in one measured window. Latencies are in microseconds, of successful
 * requests only: in an open-loop run from each request's due time (so queueing behind a stall
 * counts), with {@code serviceTime} from the moment it was actually sent and {@code sendLag} how
 * late the generator sent it; in a closed-loop run from the send ({@code serviceTime} and
 * {@code sendLag} are null there). {@code answeredInWindow} counts the successful answers that
 * arrived inside the window, whichever request they belong to: that over the window's length is
 * the achieved throughput. {@code errors} counts the measured requests that failed, by kind;
 * {@code unanswered} those still without an answer when the run gave up waiting.
 */
record LoadResult(
        String target,
        long measureNanos,
        long requests,
        Histogram latency,
        Histogram serviceTime,
        Histogram sendLag,
        long answeredInWindow,
        Map<String, Long> errors,
        long unanswered) {
    LoadResult {
        requireNonNull(target, "target is null");
        requireNonNull(latency, "latency is null");
        errors = Map.copyOf(errors);
    }

    /** Successful answers per second that arrived during the window. */
    double achievedPerSecond() {
        return answeredInWindow * 1e9 / measureNanos;
    }

    /** Failed and unanswered measured requests. */
    long failed() {
        return errors.values().stream().mapToLong(Long::longValue).sum() + unanswered;
    }

    /** The error kinds with their counts, sorted, e.g. {@code {HTTP 503=12, timeout=3}}; unanswered ones included. */
    Map<String, Long> errorKinds() {
        Map<String, Long> kinds = new TreeMap<>(errors);
        if (unanswered > 0) {
            kinds.put("no answer", unanswered);
        }
        return kinds;
    }
}
