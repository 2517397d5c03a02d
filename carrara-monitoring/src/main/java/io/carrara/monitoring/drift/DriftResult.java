package io.carrara.monitoring.drift;

import static java.util.Objects.requireNonNull;

/**
 * The drift of one feature (or of the prediction) between a reference and a window.
 *
 * @param name the feature's name, or {@code prediction}
 * @param psi the population stability index, see {@link Drift#psi(double[], double[])}
 * @param js the Jensen–Shannon distance in base 2, in [0, 1]
 * @param band the band of the PSI
 * @param referenceRows the rows the reference counted
 * @param currentRows the rows the window counted
 */
public record DriftResult(String name, double psi, double js, DriftBand band, long referenceRows, long currentRows) {

    public DriftResult {
        requireNonNull(name, "name is null");
        requireNonNull(band, "band is null");
        if (!Double.isFinite(psi) || !Double.isFinite(js)) {
            throw new IllegalArgumentException("psi and js are finite: " + psi + ", " + js);
        }
    }
}
