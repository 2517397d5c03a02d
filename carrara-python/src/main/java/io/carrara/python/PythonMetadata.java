package io.carrara.python;

import java.util.Map;

/**
 * The registry metadata a python instance's upload records ({@code carrara instance upload --format
 * python}), read back by the server's online and batch runtimes: one place for the keys, so that
 * what the CLI writes is what serving reads.
 */
public final class PythonMetadata {
    /** {@code passed (N rows)}, or {@link #VALIDATION_SKIPPED} for an upload with {@code --skip-validation}. */
    public static final String VALIDATION = "python.validation";
    public static final String VALIDATION_SKIPPED = "skipped";
    public static final String KIND = "python.kind";
    public static final String VERSION = "python.version";
    public static final String ENVIRONMENT = "python.environment";

    private PythonMetadata() {}

    /** Whether the instance's workers run validation/ before they score: not when its upload skipped it. */
    public static boolean validates(Map<String, String> metadata) {
        return !VALIDATION_SKIPPED.equals(metadata.get(VALIDATION));
    }
}
