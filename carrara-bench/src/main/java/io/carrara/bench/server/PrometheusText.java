package io.carrara.bench.server;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads samples out of the Prometheus text exposition format that the server's {@code /metrics}
 * answers: {@code name{label="value",...} value [timestamp]}, comments skipped. Only what the
 * benchmark needs: samples by name prefix and labels, and the total of a counter across series.
 */
final class PrometheusText {
    /** One sample line. */
    record Sample(String name, Map<String, String> labels, double value) {
        Sample {
            requireNonNull(name, "name is null");
            labels = Map.copyOf(labels);
        }
    }

    private PrometheusText() {
    }

    /** The samples whose name starts with {@code namePrefix} and whose labels include every entry of {@code labels}. */
    static List<Sample> samples(String exposition, String namePrefix, Map<String, String> labels) {
        requireNonNull(exposition, "exposition is null");
        List<Sample> samples = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            if (line.isEmpty() || line.startsWith("#") || !line.startsWith(namePrefix)) {
                continue;
            }
            Sample sample = parse(line);
            if (sample.labels().entrySet().containsAll(labels.entrySet())) {
                samples.add(sample);
            }
        }
        return samples;
    }

    /** The sum of every series named exactly {@code name} with {@code labels} (e.g. a counter over all its {@code kind}s); 0 when there is none. */
    static double total(String exposition, String name, Map<String, String> labels) {
        double total = 0;
        for (Sample sample : samples(exposition, name, labels)) {
            if (sample.name().equals(name)) {
                total += sample.value();
            }
        }
        return total;
    }

    static Sample parse(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        Map<String, String> labels = new LinkedHashMap<>();
        String name;
        int rest;
        if (brace >= 0 && (space < 0 || brace < space)) {
            name = line.substring(0, brace);
            rest = parseLabels(line, brace + 1, labels);
        } else if (space > 0) {
            name = line.substring(0, space);
            rest = space;
        } else {
            throw new IllegalArgumentException("not a Prometheus sample line: " + line);
        }
        String[] fields = line.substring(rest).trim().split(" ");
        return new Sample(name, labels, parseValue(fields[0]));
    }

    private static double parseValue(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    /** Reads {@code a="x",b="y"} up to the closing brace (values may hold escaped quotes and braces); answers the index after it. */
    private static int parseLabels(String line, int from, Map<String, String> labels) {
        int i = from;
        while (i < line.length() && line.charAt(i) != '}') {
            int equals = line.indexOf('=', i);
            if (equals < 0 || equals + 1 >= line.length() || line.charAt(equals + 1) != '"') {
                throw new IllegalArgumentException("label without a quoted value: " + line);
            }
            String key = line.substring(i, equals).trim();
            StringBuilder value = new StringBuilder();
            int j = equals + 2;
            for (; line.charAt(j) != '"'; j++) {
                char c = line.charAt(j);
                if (c == '\\') {
                    char next = line.charAt(++j);
                    value.append(next == 'n' ? '\n' : next);
                } else {
                    value.append(c);
                }
            }
            labels.put(key, value.toString());
            i = j + 1;
            if (i < line.length() && line.charAt(i) == ',') {
                i++;
            }
        }
        return i + 1;
    }
}
