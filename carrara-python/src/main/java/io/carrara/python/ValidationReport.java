package io.carrara.python;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code python -m carrara validate HOME --json} found: whether the model's answers on validation/ match
 * validation/expected.jsonl within the tolerance, and where they differ.
 *
 * @param error set when predict failed on the validation rows (then no column was compared)
 */
public record ValidationReport(boolean ok, int rows, List<ColumnDifference> differences, String error, List<String> warnings) {
    public ValidationReport {
        differences = List.copyOf(requireNonNull(differences, "differences is null"));
        warnings = List.copyOf(requireNonNull(warnings, "warnings is null"));
    }

    /** One output column that differs: how many rows, the largest numeric difference, a few examples. */
    public record ColumnDifference(String column, int differingRows, Double maxAbsoluteDifference, List<Example> examples) {
        public ColumnDifference {
            requireNonNull(column, "column is null");
            examples = List.copyOf(requireNonNull(examples, "examples is null"));
        }
    }

    /** One differing row: its number (from 0), the expected and the actual value as JSON text. */
    public record Example(int row, String expected, String actual) {}

    /** The report as a person reads it: a summary line, warnings, the error, then one line per differing column. */
    public String describe() {
        List<String> lines = new ArrayList<>();
        lines.add("validation: " + rows + " rows, " + (ok ? "OK" : "DIFFERS"));
        warnings.forEach(warning -> lines.add("warning: " + warning));
        if (error != null) {
            lines.add("predict failed on the validation rows: " + error);
        }
        for (ColumnDifference difference : differences) {
            lines.add(difference.column() + ": " + difference.differingRows() + " differing rows"
                    + (difference.maxAbsoluteDifference() == null ? "" : ", max |difference| " + difference.maxAbsoluteDifference()));
            for (Example example : difference.examples()) {
                lines.add("  row " + example.row() + ": expected " + example.expected() + ", actual " + example.actual());
            }
        }
        return String.join("\n", lines);
    }
}
