package io.carrara.bench;

import io.carrara.spi.io.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the benchmarks share about the machine they run on: its load, waiting, and their scratch directories. */
public final class Machine {
    private Machine() {}

    /** The 1, 5 and 15 minute load averages ({@code 0.94 / 1.20 / 1.91}), or {@code unknown} off Linux. */
    public static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return fields[0] + " / " + fields[1] + " / " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Sleeps; an interruption ends the benchmark. */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Removes a directory and all it holds, if it exists; says on stderr what could not be removed. */
    public static void deleteRecursively(Path directory) {
        try {
            FileTrees.delete(directory);
        } catch (IOException e) {
            System.err.println("could not remove " + directory + ": " + e.getMessage());
        }
    }
}
