package io.carrara.monitoring.drift;

/** The usual reading of a PSI: below 0.1 stable, 0.1 to 0.25 moderate, above 0.25 major. */
public enum DriftBand {
    STABLE("stable"),
    MODERATE("moderate"),
    MAJOR("major");

    public static final double MODERATE_FROM = 0.1;
    public static final double MAJOR_ABOVE = 0.25;

    private final String label;

    DriftBand(String label) {
        this.label = label;
    }

    /** The band's lower-case name, as in metrics and alerts. */
    public String label() {
        return label;
    }

    public static DriftBand of(double psi) {
        if (psi < MODERATE_FROM) {
            return STABLE;
        }
        return psi <= MAJOR_ABOVE ? MODERATE : MAJOR;
    }
}
