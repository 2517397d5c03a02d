package io.carrara.registry.monitoring;

import java.util.List;

/**
 * What came of loading outcomes: how many were {@code received}, {@code accepted} (stored), {@code duplicates} (accepted,
 * replacing an earlier outcome of the same prediction, in the log or earlier in the same load: the last one wins),
 * {@code orphans} (accepted, but their prediction is not in the log yet: joined once it is) and {@code rejected} (not
 * stored, each named in {@code problems}, up to {@value #MAX_PROBLEMS} of them).
 */
public record OutcomeLoad(int received, int accepted, int duplicates, int orphans, int rejected, List<Problem> problems) {
    public static final int MAX_PROBLEMS = 100;

    /** Why one row was refused: its index in the load, the field ({@code [3].outcome}) and the reason. */
    public record Problem(int index, String field, String reason) {}

    public OutcomeLoad {
        problems = List.copyOf(problems);
    }
}
