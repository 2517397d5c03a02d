package io.carrara.spark;

import io.carrara.spi.error.ErrorCatalog;
import io.carrara.spi.error.ErrorCode;
import java.util.List;

/** The catalog of {@link SparkErrorCode}: numbers 0x0004_0000 to 0x0004_FFFF. */
public final class SparkErrors implements ErrorCatalog {
    @Override
    public String module() {
        return "carrara-spark";
    }

    @Override
    public int rangeStart() {
        return 0x0004_0000;
    }

    @Override
    public List<ErrorCode> codes() {
        return ErrorCatalog.codesOf(SparkErrorCode.values());
    }
}
