package io.carrara.bench.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** A markdown table printed as the benchmark goes (text columns left-aligned, figures right), and the number formats of its cells. */
public final class MarkdownTable {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();
    private int textColumns = 1;

    public MarkdownTable(String... header) {
        this.header = List.of(header);
    }

    /** The first {@code columns} columns hold text and are left-aligned (default 1). */
    public MarkdownTable textColumns(int columns) {
        this.textColumns = columns;
        return this;
    }

    public MarkdownTable add(String... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + header.size() + " columns");
        }
        rows.add(List.of(cells));
        return this;
    }

    public String render() {
        StringBuilder out = new StringBuilder();
        out.append("| ").append(String.join(" | ", header)).append(" |\n|");
        for (int i = 0; i < header.size(); i++) {
            out.append(i < textColumns ? " --- |" : " ---: |");
        }
        out.append('\n');
        for (List<String> row : rows) {
            out.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return out.toString();
    }

    /** Milliseconds from microseconds: two decimals below 10 ms, one below 100 ms, none above. */
    static String millisFromMicros(double micros) {
        return millis(micros / 1_000);
    }

    static String millis(double millis) {
        if (millis < 10) {
            return String.format(Locale.ROOT, "%.2f ms", millis);
        }
        if (millis < 100) {
            return String.format(Locale.ROOT, "%.1f ms", millis);
        }
        return String.format(Locale.ROOT, "%,.0f ms", millis);
    }

    /**
     * A server-side quantile at bucket resolution: "≤ x" (the lowest bucket's bound) when it lies in the lowest bucket
     * (which says nothing finer), "> X ms" in the overflow bucket, else the interpolated value.
     */
    static String bucketQuantile(Optional<PrometheusHistogram.Quantile> quantile) {
        if (quantile.isEmpty()) {
            return "–";
        }
        PrometheusHistogram.Quantile q = quantile.get();
        if (q.inLowestBucket()) {
            return "≤ " + millis(q.bucketUpper() * 1_000);
        }
        if (Double.isInfinite(q.bucketUpper())) {
            return "> " + millis(q.bucketLower() * 1_000);
        }
        return millis(q.value() * 1_000);
    }

    static String count(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }
}
