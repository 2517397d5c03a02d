package io.carrara.monitoring.drift;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The drift of every feature a reference and a window both counted rows for, by name, and of the
 * prediction when both profiled it.
 */
public record DriftReport(Map<String, DriftResult> features, Optional<DriftResult> prediction) {

    public DriftReport {
        features = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(features, "features is null")));
        requireNonNull(prediction, "prediction is null");
    }
}
