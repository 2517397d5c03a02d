package io.carrara.bench.server;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.HdrHistogram.Recorder;

/**
 * Fixed-rate (open-loop) load that corrects coordinated omission: request {@code i} is due at
 * {@code t0 + i / rate} ({@link FixedRateSchedule}) and its latency is measured from that due
 * time, so a stall that delays sending counts against every request it delayed. The calling
 * thread is the one scheduler: it parks until the next due time, fires the request without
 * waiting for it, and never looks at answers, which are recorded on the client's I/O threads.
 * If it wakes late it sends the overdue requests at once, each still timed from its own due time.
 * Requests due during the warm-up are sent but not recorded.
 *
 * <pre>{@code
 * LoadResult result = new OpenLoopGenerator(target, 2_000).run(Duration.ofSeconds(10), Duration.ofSeconds(20),
 *         Duration.ofSeconds(5), () -> scrapeMetrics());
 * }</pre>
 */
final class OpenLoopGenerator {
    private final LoadTarget target;
    private final int ratePerSecond;

    OpenLoopGenerator(LoadTarget target, int ratePerSecond) {
        this.target = requireNonNull(target, "target is null");
        if (ratePerSecond <= 0) {
            throw new IllegalArgumentException("rate must be positive: " + ratePerSecond);
        }
        this.ratePerSecond = ratePerSecond;
    }

    /**
     * Runs warm-up then the measured window, then waits up to {@code drain} for the last answers.
     * {@code atMeasureStart} runs on the scheduler thread just before the first measured request
     * is sent, so it must not block (start an asynchronous scrape there).
     */
    LoadResult run(Duration warmup, Duration measure, Duration drain, Runnable atMeasureStart) {
        long warmupNanos = warmup.toNanos();
        long measureNanos = measure.toNanos();
        if (measureNanos <= 0) {
            throw new IllegalArgumentException("the measured window must be positive: " + measure);
        }
        Recorder latency = new Recorder(3);
        Recorder serviceTime = new Recorder(3);
        Recorder sendLag = new Recorder(3);
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        LongAdder answeredInWindow = new LongAdder();
        AtomicLong inFlight = new AtomicLong();

        // A little lead so the first request is not already late.
        FixedRateSchedule schedule = new FixedRateSchedule(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20), ratePerSecond);
        long firstMeasured = schedule.countBefore(warmupNanos);
        long total = schedule.countBefore(warmupNanos + measureNanos);
        long windowStart = schedule.startNanos() + warmupNanos;
        long windowEnd = windowStart + measureNanos;
        for (long i = 0; i < total; i++) {
            long due = schedule.dueNanos(i);
            long now = System.nanoTime();
            while (now < due) {
                LockSupport.parkNanos(due - now);
                now = System.nanoTime();
            }
            boolean measured = i >= firstMeasured;
            if (i == firstMeasured) {
                atMeasureStart.run();
                now = System.nanoTime();
            }
            long sent = now;
            if (measured) {
                sendLag.recordValue(micros(sent - due));
            }
            inFlight.incrementAndGet();
            target.send(i, error -> {
                long done = System.nanoTime();
                if (error == null) {
                    if (done >= windowStart && done < windowEnd) {
                        answeredInWindow.increment();
                    }
                    if (measured) {
                        latency.recordValue(micros(done - due));
                        serviceTime.recordValue(micros(done - sent));
                    }
                } else if (measured) {
                    errors.computeIfAbsent(error, kind -> new LongAdder()).increment();
                }
                inFlight.decrementAndGet();
            });
        }
        if (firstMeasured >= total) {
            atMeasureStart.run(); // a window too short to hold a request still gets its scrape
        }
        long unanswered = awaitAnswers(inFlight, drain);
        return new LoadResult(target.label(), measureNanos, total - firstMeasured, latency.getIntervalHistogram(),
                serviceTime.getIntervalHistogram(), sendLag.getIntervalHistogram(), answeredInWindow.sum(),
                errors.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().sum())),
                unanswered);
    }

    /** Waits until nothing is in flight or {@code drain} has passed; answers how many are still out. */
    static long awaitAnswers(AtomicLong inFlight, Duration drain) {
        long deadline = System.nanoTime() + drain.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return inFlight.get();
    }

    static long micros(long nanos) {
        return Math.max(0, nanos / 1_000);
    }
}
