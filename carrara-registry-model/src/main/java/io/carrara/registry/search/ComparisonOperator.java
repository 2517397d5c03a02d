package io.carrara.registry.search;

/** The binary comparison operators; {@code !=} and {@code <>} are both {@link #NOT_EQUAL}. */
public enum ComparisonOperator {
    EQUAL("="),
    NOT_EQUAL("<>"),
    LESS_THAN("<"),
    LESS_THAN_OR_EQUAL("<="),
    GREATER_THAN(">"),
    GREATER_THAN_OR_EQUAL(">=");

    private final String symbol;

    ComparisonOperator(String symbol) {
        this.symbol = symbol;
    }

    /** The operator in standard SQL, which every supported database accepts. */
    public String symbol() {
        return symbol;
    }

    /** True for the operators that need an order between values, which booleans do not have. */
    public boolean isOrdering() {
        return this != EQUAL && this != NOT_EQUAL;
    }
}
