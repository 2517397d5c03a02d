package io.carrara.api.monitoring;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An instance's reference profile, summarised: how many rows, which features (and whether the prediction is in it). */
public record ProfileInfo(UUID instance, long rows, List<String> features, boolean prediction, Instant setAt, String setBy) {}
