package io.carrara.pipeline.feature;

import java.nio.charset.StandardCharsets;

/**
 * The 32-bit MurmurHash3 Spark's HashingTF and FeatureHasher use since 3.0 (Spark's
 * {@code Murmur3_x86_32.hashUnsafeBytes2} over UTF-8 bytes, seed 42): whole little-endian words,
 * then the tail bytes mixed as one word. Written from the algorithm, checked by the parity tests.
 */
final class SparkMurmur3 {
    static final int SEED = 42;
    private static final int C1 = 0xcc9e2d51;
    private static final int C2 = 0x1b873593;

    private SparkMurmur3() {
    }

    static int hashString(String text, int seed) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int length = bytes.length;
        int aligned = length - length % 4;
        int h1 = seed;
        for (int i = 0; i < aligned; i += 4) {
            int word = (bytes[i] & 0xff) | (bytes[i + 1] & 0xff) << 8 | (bytes[i + 2] & 0xff) << 16 | (bytes[i + 3] & 0xff) << 24;
            h1 = mixH1(h1, mixK1(word));
        }
        int k1 = 0;
        for (int i = aligned, shift = 0; i < length; i++, shift += 8) {
            k1 ^= (bytes[i] & 0xff) << shift;
        }
        h1 ^= mixK1(k1);
        return fmix(h1, length);
    }

    static int hashInt(int input, int seed) {
        return fmix(mixH1(seed, mixK1(input)), 4);
    }

    static int hashLong(long input, int seed) {
        int h1 = mixH1(seed, mixK1((int) input));
        h1 = mixH1(h1, mixK1((int) (input >>> 32)));
        return fmix(h1, 8);
    }

    /** Spark's {@code Utils.nonNegativeMod}. */
    static int nonNegativeMod(int value, int modulus) {
        int raw = value % modulus;
        return raw + (raw < 0 ? modulus : 0);
    }

    private static int mixK1(int k1) {
        k1 *= C1;
        k1 = Integer.rotateLeft(k1, 15);
        return k1 * C2;
    }

    private static int mixH1(int h1, int k1) {
        h1 ^= k1;
        h1 = Integer.rotateLeft(h1, 13);
        return h1 * 5 + 0xe6546b64;
    }

    private static int fmix(int h1, int length) {
        h1 ^= length;
        h1 ^= h1 >>> 16;
        h1 *= 0x85ebca6b;
        h1 ^= h1 >>> 13;
        h1 *= 0xc2b2ae35;
        h1 ^= h1 >>> 16;
        return h1;
    }
}
