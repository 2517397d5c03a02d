package io.carrara.api.monitoring;

import java.util.List;

/**
 * What came of a load of outcomes: received, accepted (stored), duplicates (accepted, replacing an earlier outcome of
 * the same prediction), orphans (accepted; their prediction is not in the log yet) and rejected, each of the first 100
 * rejected rows named in {@code problems}.
 */
public record OutcomeLoad(int received, int accepted, int duplicates, int orphans, int rejected, List<Problem> problems) {
    /** One refused row: its index in the load, the field ({@code [3].outcome}) and why. */
    public record Problem(int index, String field, String reason) {}
}
