package io.carrara.cli;

import io.carrara.client.Instance;
import io.carrara.client.Metric;
import java.util.Map;
import java.util.stream.Collectors;

/** How values read in text output, shared so every command shows them alike. */
final class Display {
    private static final int MAX_DATA_CHARS = 60;

    private Display() {}

    /** {@code k1=v1, k2=v2}, in the map's order (the client's maps are sorted by key). */
    static String keyValues(Map<String, ?> map) {
        return map.entrySet().stream().map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining(", "));
    }

    /** {@code no}, or {@code yes: <reason>}. */
    static String deprecated(Instance instance) {
        if (!instance.deprecated()) {
            return "no";
        }
        return instance.deprecatedReason() == null ? "yes" : "yes: " + instance.deprecatedReason();
    }

    /** The number, or the structured data as compact JSON, cut short for a table. */
    static String metricValue(Metric metric) {
        if (metric.value() != null) {
            return number(metric.value());
        }
        String data = metric.data().toString();
        return data.length() <= MAX_DATA_CHARS ? data : data.substring(0, MAX_DATA_CHARS - 3) + "...";
    }

    /** A double without a needless {@code .0}: 5, 4.2, 1.0E-10. */
    static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }
}
