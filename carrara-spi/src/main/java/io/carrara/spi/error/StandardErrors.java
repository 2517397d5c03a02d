package io.carrara.spi.error;

import java.util.List;

/** The catalog of {@link StandardErrorCode}: numbers 0x0000_0000 to 0x0000_FFFF. */
public final class StandardErrors implements ErrorCatalog {
    @Override
    public String module() {
        return "carrara-spi";
    }

    @Override
    public int rangeStart() {
        return 0;
    }

    @Override
    public List<ErrorCode> codes() {
        return ErrorCatalog.codesOf(StandardErrorCode.values());
    }
}
