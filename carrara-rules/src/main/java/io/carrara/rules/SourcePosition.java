package io.carrara.rules;

import static java.util.Objects.requireNonNull;

/**
 * Where something is in a rule file: the file as given to the parser, and a 1-based line and column
 * (0 when unknown). Prints as {@code rules/eta.yaml:4:7}, the form editors and compilers use.
 */
public record SourcePosition(String file, int line, int column) {
    public SourcePosition {
        requireNonNull(file, "file is null");
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column must not be negative: " + line + ":" + column);
        }
    }

    /** The start of {@code file}, for problems about the file as a whole. */
    public static SourcePosition of(String file) {
        return new SourcePosition(file, 0, 0);
    }

    @Override
    public String toString() {
        if (line == 0) {
            return file;
        }
        return column == 0 ? file + ":" + line : file + ":" + line + ":" + column;
    }
}
