package io.carrara.spi.error;

import java.util.List;

/**
 * One module's error codes and the range of numbers they come from, found with
 * {@link java.util.ServiceLoader} (listed in {@code META-INF/services/io.carrara.spi.error.ErrorCatalog}),
 * so that a test over everything on the server's class path can hold every module to its range and
 * every number and name to being unique: a client matches on them, and they never change meaning.
 * <pre>{@code
 * public final class RegistryErrors implements ErrorCatalog {
 *     public String module() { return "carrara-registry"; }
 *     public int rangeStart() { return 0x0001_0000; }
 *     public List<ErrorCode> codes() { return ErrorCatalog.codesOf(RegistryErrorCode.values()); }
 * }
 * }</pre>
 */
public interface ErrorCatalog {
    /** How many numbers a module's range holds: {@code rangeStart()} to {@code rangeStart() + RANGE_SIZE - 1}. */
    int RANGE_SIZE = 0x1_0000;

    /** The Maven module that owns the codes, e.g. {@code carrara-registry}. */
    String module();

    /** The first number of the module's range, a multiple of {@link #RANGE_SIZE}. */
    int rangeStart();

    List<ErrorCode> codes();

    /** The codes of an enum's constants, in declaration order. */
    static List<ErrorCode> codesOf(ErrorCodeSupplier... suppliers) {
        return java.util.Arrays.stream(suppliers).map(ErrorCodeSupplier::toErrorCode).toList();
    }
}
