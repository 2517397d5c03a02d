package io.carrara.spi.schema;

/**
 * The column types a Spark ML pipeline reads and writes. Numeric scalars are held as doubles while
 * scoring, the way Spark's stages cast them; the declared type still decides how a value prints
 * when a stage needs its text (StringIndexer casts its input to a string).
 */
public enum DataType {
    STRING(false),
    BOOLEAN(true),
    BYTE(true),
    SHORT(true),
    INTEGER(true),
    LONG(true),
    FLOAT(true),
    DOUBLE(true),
    VECTOR(false),
    STRING_ARRAY(false),
    DOUBLE_ARRAY(false),
    /** What the LSH models output: one single-element vector per hash function. */
    VECTOR_ARRAY(false);

    private final boolean numeric;

    DataType(boolean numeric) {
        this.numeric = numeric;
    }

    /** Held in a row's double slot: booleans, integers and floating point numbers. */
    public boolean isNumeric() {
        return numeric;
    }

    /** Integral types print without a fraction when cast to a string. */
    public boolean isIntegral() {
        return this == BYTE || this == SHORT || this == INTEGER || this == LONG;
    }
}
