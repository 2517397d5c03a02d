package io.carrara.pipeline.linalg;

/**
 * The standard normal distribution's CDF, as Spark's GLR probit link computes it: Breeze's
 * {@code Gaussian(0, 1).cdf(x) = 0.5 * (1 + erf(x / sqrt 2))}, with Breeze's {@code erf} (Commons
 * Math's) taken from the regularized incomplete gamma function {@code P(1/2, x^2)}, by its series
 * below {@code x^2 < 1.5} and its continued fraction above, to a relative 1e-15.
 */
public final class NormalDistribution {
    private static final double SQRT_2 = Math.sqrt(2.0);
    /** ln Γ(1/2) = ln √π. */
    private static final double LOG_GAMMA_HALF = 0.5 * Math.log(Math.PI);
    private static final double EPSILON = 1e-15;
    private static final int MAX_ITERATIONS = 10_000;
    private static final double TINY = 1e-300;

    private NormalDistribution() {}

    public static double cdf(double x) {
        return 0.5 * (1.0 + erf(x / SQRT_2));
    }

    /** The error function; ±1 beyond |x| > 40, NaN for NaN. */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        if (Math.abs(x) > 40) {
            return x > 0 ? 1.0 : -1.0;
        }
        double p = regularizedGammaPHalf(x * x);
        return x < 0 ? -p : p;
    }

    /** P(1/2, y) for y ≥ 0. */
    private static double regularizedGammaPHalf(double y) {
        final double a = 0.5;
        if (y == 0.0) {
            return 0.0;
        }
        double prefactor = Math.exp(-y + a * Math.log(y) - LOG_GAMMA_HALF);
        if (y < a + 1.0) {
            double term = 1.0 / a;
            double sum = term;
            for (int n = 1; n < MAX_ITERATIONS && Math.abs(term / sum) > EPSILON; n++) {
                term *= y / (a + n);
                sum += term;
            }
            return prefactor * sum;
        }
        // Q(a, y) by the modified Lentz method on the continued fraction
        // 1 / (y + 1 - a - 1(1 - a) / (y + 3 - a - 2(2 - a) / (y + 5 - a - ...))).
        double b = y + 1.0 - a;
        double c = 1.0 / TINY;
        double d = 1.0 / b;
        double h = d;
        for (int i = 1; i < MAX_ITERATIONS; i++) {
            double an = -i * (i - a);
            b += 2.0;
            d = an * d + b;
            if (Math.abs(d) < TINY) {
                d = TINY;
            }
            c = b + an / c;
            if (Math.abs(c) < TINY) {
                c = TINY;
            }
            d = 1.0 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1.0) < EPSILON) {
                break;
            }
        }
        return 1.0 - prefactor * h;
    }
}
