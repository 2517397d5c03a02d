package io.carrara.pipeline.sql;

/**
 * A statement outside the supported subset, or not valid SQL; the loader turns it into a model
 * error naming the stage. The message says what was found and where, e.g.
 * {@code found JOIN at character 24}.
 */
final class SqlRefusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SqlRefusal(String message) {
        super(message, null, false, false);
    }
}
