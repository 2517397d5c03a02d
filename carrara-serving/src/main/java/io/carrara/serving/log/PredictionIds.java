package io.carrara.serving.log;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Prediction ids: version 7 UUIDs (RFC 9562), the time in milliseconds then random bits, so ids
 * sort by time and index well in the registry database. Random bits come from
 * {@link ThreadLocalRandom}: an id must be unique, not unguessable.
 */
public final class PredictionIds {
    private PredictionIds() {}

    public static String next() {
        return next(System.currentTimeMillis());
    }

    static String next(long epochMillis) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (epochMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low).toString();
    }
}
