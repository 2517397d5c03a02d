package io.carrara.bench.server;

/**
 * When each request of an open-loop run is due: request {@code i} at {@code start + i / rate}
 * seconds, whatever happened to the requests before it. Latency is measured from this due time, not
 * from when the request actually left, so a server (or client) stall that delays sending is counted
 * against every request it delayed, which is the correction for coordinated omission.
 *
 * <pre>{@code
 * FixedRateSchedule schedule = new FixedRateSchedule(System.nanoTime(), 2_000);
 * long first = schedule.countBefore(warmupNanos);               // index of the first measured request
 * long total = schedule.countBefore(warmupNanos + measureNanos);
 * long due = schedule.dueNanos(i);
 * }</pre>
 */
record FixedRateSchedule(long startNanos, int ratePerSecond) {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    FixedRateSchedule {
        if (ratePerSecond <= 0) {
            throw new IllegalArgumentException("rate must be at least 1 request per second, not " + ratePerSecond);
        }
    }

    /** The {@link System#nanoTime()} at which request {@code index} is due. */
    long dueNanos(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("index is negative: " + index);
        }
        // Whole seconds and the remainder apart, so the product never overflows however long the run.
        long seconds = index / ratePerSecond;
        long rest = index % ratePerSecond;
        return startNanos + seconds * NANOS_PER_SECOND + rest * NANOS_PER_SECOND / ratePerSecond;
    }

    /** How many requests are due in the first {@code offsetNanos} of the run: the index of the first one due at or after it. */
    long countBefore(long offsetNanos) {
        if (offsetNanos < 0) {
            throw new IllegalArgumentException("offset is negative: " + offsetNanos);
        }
        long seconds = offsetNanos / NANOS_PER_SECOND;
        long rest = offsetNanos % NANOS_PER_SECOND;
        // ceil(rest * rate / 1e9): the requests of the last partial second due strictly before the offset.
        return seconds * ratePerSecond + (rest * ratePerSecond + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
    }
}
