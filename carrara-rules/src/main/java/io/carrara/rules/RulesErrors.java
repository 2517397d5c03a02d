package io.carrara.rules;

import io.carrara.spi.error.ErrorCatalog;
import io.carrara.spi.error.ErrorCode;
import java.util.List;

/** The catalog of {@link RulesErrorCode}: numbers 0x0007_0000 to 0x0007_FFFF. */
public final class RulesErrors implements ErrorCatalog {
    @Override
    public String module() {
        return "carrara-rules";
    }

    @Override
    public int rangeStart() {
        return 0x0007_0000;
    }

    @Override
    public List<ErrorCode> codes() {
        return ErrorCatalog.codesOf(RulesErrorCode.values());
    }
}
