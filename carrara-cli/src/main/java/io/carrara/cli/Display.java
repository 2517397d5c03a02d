package io.carrara.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.api.registry.Instance;
import io.carrara.api.registry.Metric;
import io.carrara.api.workflow.WorkflowRun;
import io.carrara.client.CarraraJson;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** How values read in text output, shared so every command shows them alike. */
final class Display {
    private static final int MAX_DATA_CHARS = 60;
    private static final ObjectMapper JSON = CarraraJson.newObjectMapper();

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
        String data = compactJson(metric.data());
        return data.length() <= MAX_DATA_CHARS ? data : data.substring(0, MAX_DATA_CHARS - 3) + "...";
    }

    private static String compactJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    /** A double without a needless {@code .0}: 5, 4.2, 1.0E-10. */
    static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    /** A duration for people: {@code 850ms}, {@code 5.3s}, {@code 2m05s}, {@code 1h02m}. */
    static String duration(Duration duration) {
        if (duration == null) {
            return null;
        }
        long millis = Math.max(0, duration.toMillis());
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        long seconds = millis / 1000;
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
    }

    /** Rows each step wrote, {@code features=1000,score=990}, with {@code -} for a step that wrote none (yet). */
    static String stepRows(List<WorkflowRun.Step> steps) {
        if (steps.isEmpty()) {
            return null;
        }
        return steps.stream().map(step -> step.name() + "=" + (step.rowsWritten() == null ? "-" : step.rowsWritten()))
                .collect(Collectors.joining(","));
    }

    /** An API object as indented JSON, for {@code --json} on a command that shows one object. */
    static String prettyJson(Object value) throws JsonProcessingException {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    }

    /** An API object as one line of JSON, for {@code --json} on a command that lists objects. */
    static String jsonLine(Object value) throws JsonProcessingException {
        return JSON.writeValueAsString(value);
    }
}
