package io.carrara.monitoring.skew;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What a {@link SkewComparison} found: the logged predictions ({@code onlineRows}, of {@code onlineKeys} keys), the batch
 * rows ({@code batchRows}, of {@code batchKeys} keys), the keys on both sides ({@code matchedKeys}, each compared once),
 * on one side only, the batch rows of a key after its first ({@code duplicateBatchRows}), and per column its
 * disagreements, the worst mismatch rate first.
 */
public record SkewReport(long onlineRows, long onlineKeys, long batchRows, long batchKeys, long matchedKeys, long onlineOnlyKeys,
        long batchOnlyKeys, long duplicateBatchRows, List<ColumnSkew> columns) {
    public SkewReport {
        columns = List.copyOf(columns);
    }

    /**
     * One column: {@code side} is {@code input} (a feature) or {@code output} (a prediction field); {@code compared} the
     * matched keys whose batch row has the column, {@code absent} those whose row lacks it; {@code mismatchRate} =
     * mismatches / compared; {@code maxDifference} the largest numeric difference among the kept ones (null when none is
     * numeric); {@code largest} the largest differences (numeric ones by size, then the others).
     */
    public record ColumnSkew(String name, String side, long compared, long mismatches, long absent, double mismatchRate,
            Double maxDifference, List<Difference> largest) {
        public ColumnSkew {
            largest = List.copyOf(largest);
        }
    }

    /** One disagreement: the key, both values, and their absolute difference when both are numbers (else null). */
    public record Difference(String key, JsonNode online, JsonNode batch, Double difference) {}
}
