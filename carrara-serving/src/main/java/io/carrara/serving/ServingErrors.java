package io.carrara.serving;

import io.carrara.spi.error.ErrorCatalog;
import io.carrara.spi.error.ErrorCode;
import java.util.List;

/** The catalog of {@link ServingErrorCode}: numbers 0x0003_0000 to 0x0003_FFFF. */
public final class ServingErrors implements ErrorCatalog {
    @Override
    public String module() {
        return "carrara-serving";
    }

    @Override
    public int rangeStart() {
        return 0x0003_0000;
    }

    @Override
    public List<ErrorCode> codes() {
        return ErrorCatalog.codesOf(ServingErrorCode.values());
    }
}
