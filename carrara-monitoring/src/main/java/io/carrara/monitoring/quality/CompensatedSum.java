package io.carrara.monitoring.quality;

/**
 * A running sum with Neumaier's compensation: the rounding error of each addition is carried along, so
 * that the sum of 100,000 terms is as accurate as the terms themselves (NumPy's pairwise summation, which
 * scikit-learn's results come from, is within a few ulps of it).
 */
public final class CompensatedSum {
    private double sum;
    private double compensation;

    public void add(double value) {
        double next = sum + value;
        if (Math.abs(sum) >= Math.abs(value)) {
            compensation += (sum - next) + value;
        } else {
            compensation += (value - next) + sum;
        }
        sum = next;
    }

    public double value() {
        return sum + compensation;
    }
}
