package io.carrara.monitoring.skew;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Training-serving skew between what a deployment logged online and what a batch job used and predicted for the same
 * keys: per column (each input field and each output field the online side logged), how many of the matched keys
 * disagree and by how much.
 *
 * <pre>{@code
 * SkewComparison skew = new SkewComparison(1e-9, 10);
 * logged.forEach(p -> skew.online(key(p), p.input(), p.output()));   // oldest first: a key's latest wins
 * batchRows.forEach(row -> skew.batch(key(row), row));               // a key's first row is compared
 * SkewReport report = skew.report();
 * }</pre>
 *
 * <p>Two values agree when both are null (or absent); when both are numbers within {@code tolerance} relative to the
 * larger in size (or absolutely, below 1); when both are texts or booleans and equal; when both are lists of the same
 * length whose elements agree. A number and a text agree when the text reads as that number (a CSV import may type a
 * column as text). Anything else disagrees. The online side is held in memory (one entry per key); the batch side
 * streams.
 */
public final class SkewComparison {
    private final double tolerance;
    private final int largest;
    private final Map<String, Logged> online = new HashMap<>();
    private final Map<String, Boolean> seen = new HashMap<>();
    private final Map<String, Column> columns = new TreeMap<>();
    private long onlineRows;
    private long batchRows;
    private long matched;
    private long duplicateBatchRows;

    private record Logged(JsonNode input, JsonNode output) {}

    /** Compares with {@code tolerance} (relative, for numbers), keeping the {@code largest} differences of each column. */
    public SkewComparison(double tolerance, int largest) {
        if (!(tolerance >= 0) || !Double.isFinite(tolerance)) {
            throw new IllegalArgumentException("tolerance must be a finite number of at least 0, not " + tolerance);
        }
        if (largest < 0) {
            throw new IllegalArgumentException("largest must be at least 0, not " + largest);
        }
        this.tolerance = tolerance;
        this.largest = largest;
    }

    /** One logged prediction: its key, input and output objects. A later one of the same key replaces an earlier one. */
    public void online(String key, JsonNode input, JsonNode output) {
        requireNonNull(key, "key is null");
        onlineRows++;
        online.put(key, new Logged(requireNonNull(input, "input is null"), requireNonNull(output, "output is null")));
    }

    /** One row of the batch table: its key and its columns. A key's later rows are counted, not compared. */
    public void batch(String key, JsonNode row) {
        requireNonNull(key, "key is null");
        requireNonNull(row, "row is null");
        batchRows++;
        Logged logged = online.get(key);
        if (logged == null) {
            seen.putIfAbsent(key, Boolean.FALSE);
            return;
        }
        if (seen.put(key, Boolean.TRUE) != null) {
            duplicateBatchRows++;
            return;
        }
        matched++;
        compare(key, "input", logged.input(), row);
        compare(key, "output", logged.output(), row);
    }

    private void compare(String key, String side, JsonNode logged, JsonNode row) {
        logged.fields().forEachRemaining(field -> {
            Column column = columns.computeIfAbsent(field.getKey(), name -> new Column(name, side));
            JsonNode batch = row.get(field.getKey());
            if (batch == null) {
                column.absent++;
                return;
            }
            column.compared++;
            double difference = difference(field.getValue(), batch);
            if (difference != 0) {
                column.mismatches++;
                column.keep(new SkewReport.Difference(key, field.getValue(), batch, Double.isNaN(difference) ? null : difference), largest);
            }
        });
    }

    /** 0 when the values agree; else the largest absolute numeric difference, or NaN when they are not comparable as numbers. */
    double difference(JsonNode online, JsonNode batch) {
        boolean onlineNull = online == null || online.isNull() || online.isMissingNode();
        boolean batchNull = batch == null || batch.isNull() || batch.isMissingNode();
        if (onlineNull || batchNull) {
            return onlineNull && batchNull ? 0 : Double.NaN;
        }
        if (online.isArray() || batch.isArray()) {
            if (!online.isArray() || !batch.isArray() || online.size() != batch.size()) {
                return Double.NaN;
            }
            double worst = 0;
            for (int i = 0; i < online.size(); i++) {
                double one = difference(online.get(i), batch.get(i));
                if (Double.isNaN(one)) {
                    return Double.NaN;
                }
                worst = Math.max(worst, one);
            }
            return worst;
        }
        Double a = number(online);
        Double b = number(batch);
        if (a != null && b != null && (online.isNumber() || batch.isNumber())) {
            double gap = Math.abs(a - b);
            return gap <= tolerance * Math.max(1, Math.max(Math.abs(a), Math.abs(b))) || a.equals(b) ? 0 : gap;
        }
        if (online.isValueNode() && batch.isValueNode()) {
            return online.asText().equals(batch.asText()) && online.isNumber() == batch.isNumber() ? 0 : Double.NaN;
        }
        return online.equals(batch) ? 0 : Double.NaN;
    }

    private static Double number(JsonNode value) {
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isTextual()) {
            try {
                return Double.parseDouble(value.textValue().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** What was compared: counts of both sides and the keys, and each column's disagreements, worst rate first. */
    public SkewReport report() {
        long batchKeys = seen.size();
        long onlineOnly = online.size() - matched;
        List<SkewReport.ColumnSkew> results = new ArrayList<>();
        for (Column column : columns.values()) {
            List<SkewReport.Difference> kept = new ArrayList<>(column.kept);
            kept.sort(Column.ORDER.reversed());
            results.add(new SkewReport.ColumnSkew(column.name, column.side, column.compared, column.mismatches, column.absent,
                    column.compared == 0 ? 0 : (double) column.mismatches / column.compared,
                    kept.stream().map(SkewReport.Difference::difference).filter(java.util.Objects::nonNull).max(Double::compare)
                            .orElse(null), kept));
        }
        results.sort(Comparator.comparingDouble(SkewReport.ColumnSkew::mismatchRate).reversed()
                .thenComparing(SkewReport.ColumnSkew::side).thenComparing(SkewReport.ColumnSkew::name));
        return new SkewReport(onlineRows, online.size(), batchRows, batchKeys, matched, onlineOnly, batchKeys - matched,
                duplicateBatchRows, results);
    }

    private static final class Column {
        /** Numeric differences by size, then the rest (no size) by key: the kept ones are the largest. */
        static final Comparator<SkewReport.Difference> ORDER = Comparator
                .comparing((SkewReport.Difference d) -> d.difference() == null ? Double.NEGATIVE_INFINITY : d.difference())
                .thenComparing(SkewReport.Difference::key, Comparator.reverseOrder());

        final String name;
        final String side;
        long compared;
        long mismatches;
        long absent;
        final PriorityQueue<SkewReport.Difference> kept = new PriorityQueue<>(ORDER);

        Column(String name, String side) {
            this.name = name;
            this.side = side;
        }

        void keep(SkewReport.Difference difference, int largest) {
            if (largest == 0) {
                return;
            }
            kept.add(difference);
            if (kept.size() > largest) {
                kept.poll();
            }
        }
    }
}
