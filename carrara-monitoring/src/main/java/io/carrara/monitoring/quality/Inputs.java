package io.carrara.monitoring.quality;

/** The checks both quality calculators apply to their arrays, with messages naming the offending row. */
final class Inputs {
    private Inputs() {}

    static void requireSameLength(String firstName, int first, String secondName, int second) {
        if (first != second) {
            throw new IllegalArgumentException(firstName + " has " + first + " rows but " + secondName + " has "
                    + second + "; pass one value per row in each");
        }
    }

    static void requireRows(int rows) {
        if (rows == 0) {
            throw new IllegalArgumentException("no rows: quality metrics need at least one row");
        }
    }

    static void requireFinite(String name, double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(name + "[" + i + "] is " + values[i] + "; values must be finite numbers");
            }
        }
    }
}
